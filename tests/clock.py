"""``--clock=MOMENT[,MOMENT…]``: run each test with the clock set to awkward moments.

The product reads "today" in Europe/Amsterdam (``timezone.localdate()``), so a test that
passes at noon on the 15th may fail just after midnight on the 1st, on a leap day, or
across a daylight saving change. With ``--clock`` every selected test runs once per moment,
its clock starting at that moment when the test starts (before its fixtures make data) and
running on from there, so timeouts and "a minute later" still behave. CI runs the
date-sensitive parts of the suite this way (``.ci/run``); locally, e.g.::

    .venv/bin/python -m pytest tests/dashboard --clock=2027-01-01T00:30+01:00

A moment is an ISO 8601 time with its UTC offset. Only this process's clock moves: tests
that need a separate worker or server process are left out of such runs by ``-m``.
"""

import datetime

import pytest
import time_machine


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        metavar="MOMENT[,MOMENT…]",
        default="",
        help="run each test at these ISO 8601 moments with offset, e.g. 2028-02-29T00:30+01:00",
    )


def moments(config) -> list[datetime.datetime]:
    found = []
    for text in filter(None, (part.strip() for part in config.getoption("--clock").split(","))):
        moment = datetime.datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise pytest.UsageError(f"--clock needs a UTC offset, e.g. {text}+01:00")
        found.append(moment)
    return found


def pytest_configure(config):
    moments(config)  # a malformed moment stops the run before collection


def pytest_generate_tests(metafunc):
    found = moments(metafunc.config)
    if found:
        metafunc.parametrize(
            "clock", found, indirect=True, ids=[f"clock={m.isoformat()}" for m in found]
        )


@pytest.fixture(autouse=True)
def clock(request):
    """The moment this test runs at, or None at the real time. Autouse fixtures of
    plugins are set up before those of conftest files, so data made by fixtures is made
    at the moment too."""
    moment = getattr(request, "param", None)
    if moment is None:
        yield None
        return
    with time_machine.travel(moment, tick=True):
        yield moment


def pytest_report_header(config):
    found = moments(config)
    if found:
        return "clock: each test at " + ", ".join(m.isoformat() for m in found)
