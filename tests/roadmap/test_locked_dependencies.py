"""The environment the tests run in is exactly the one the lock files record, so a fresh
clone tests the versions the suite last passed with (requirements/README.md)."""

import re
from importlib import metadata
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: str) -> dict[str, str]:
    text = (REQUIREMENTS / lock).read_text()
    return {canonical(name): version for name, version in PIN.findall(text)}


def installed() -> dict[str, str]:
    return {canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}


def test_every_locked_package_is_installed_at_its_locked_version():
    present = installed()
    wrong = {
        name: (version, present.get(name, "missing"))
        for name, version in pins("dev.txt").items()
        if present.get(name) != version
    }
    assert not wrong, f"locked vs installed: {wrong}; run `make install-dev`"


def test_nothing_is_installed_that_no_lock_file_records():
    # make bench-load adds the load generator's packages from bench.txt to the same venv;
    # installer.txt is the installer (uv) that installs the others.
    recorded = pins("dev.txt") | pins("bench.txt") | pins("installer.txt")
    unrecorded = {
        name: version
        for name, version in installed().items()
        if name not in recorded and name != "roadmap"  # an older checkout's editable install
    }
    assert not unrecorded, f"installed but in no lock file: {unrecorded}"


def test_the_installer_is_installed_at_its_locked_version():
    present = installed()
    assert {name: present.get(name) for name in pins("installer.txt")} == pins("installer.txt")


def test_the_lock_files_agree_on_every_shared_package():
    base, dev, bench = pins("base.txt"), pins("dev.txt"), pins("bench.txt")
    assert base.items() <= dev.items()
    assert dev.items() <= bench.items()
