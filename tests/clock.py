"""``--clock=MOMENT``: run the tests with the clock set to an awkward moment.

The product reads "today" in Europe/Amsterdam (``timezone.localdate()``), so a test that
passes at noon on the 15th may fail just after midnight on the 1st, on a leap day, or
across a daylight saving change. CI runs the date-sensitive parts of the suite at each of
those moments (``.ci/run``); locally, e.g.::

    .venv/bin/python -m pytest tests/dashboard --clock=2027-01-01T00:30+01:00

The clock starts at MOMENT (an ISO 8601 time with its UTC offset) and then runs on, so
timeouts and "a minute later" still behave. It moves this process's clock only: tests that
need a separate worker or server process are left out of such runs by ``-m``.
"""

import datetime

import pytest
import time_machine


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        metavar="MOMENT",
        default=None,
        help="start the clock at this ISO 8601 moment with offset, e.g. 2028-02-29T00:30+01:00",
    )


def pytest_configure(config):
    moment = config.getoption("--clock")
    if not moment:
        return
    start = datetime.datetime.fromisoformat(moment)
    if start.tzinfo is None:
        raise pytest.UsageError(f"--clock needs a UTC offset, e.g. {moment}+01:00")
    traveller = time_machine.travel(start, tick=True)
    traveller.start()
    config.add_cleanup(traveller.stop)


def pytest_report_header(config):
    moment = config.getoption("--clock")
    if moment:
        return f"clock: started at {moment}"
