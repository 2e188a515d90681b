"""Scale data for sessions: about forty a year per region, with who attended."""

import datetime

from steps.models import Step

from .models import Attendance, AttendanceStatus, Session, SessionKind, SessionStatus

KINDS = [
    SessionKind.GROUP,
    SessionKind.ONE_ON_ONE,
    SessionKind.PROJECT_LEADERS,
    SessionKind.STEERING,
]
KIND_WEIGHTS = [5, 3, 1, 1]
PER_YEAR = 40


def _step_on(timeline, day):
    for code, started, ended in reversed(timeline):
        if started <= day and (ended is None or day <= ended):
            return code
    return None


def seed_sessions(world, rng) -> None:
    step_ids = dict(Step.objects.values_list("code", "id"))
    sessions, meta = [], []
    for region in world.regions:
        span = (world.today - region.joined_on).days
        count = round(PER_YEAR * span / 365)
        for _ in range(count):
            day = region.joined_on + datetime.timedelta(days=rng.randint(0, span))
            kind = rng.choices(KINDS, weights=KIND_WEIGHTS)[0]
            sessions.append(
                Session(
                    region=region,
                    title=f"{kind.label.capitalize()} {day:%b %Y}",
                    date=day,
                    kind=kind,
                    status=SessionStatus.HELD if rng.random() < 0.95 else SessionStatus.CANCELLED,
                    created_by=region.owner,
                )
            )
            meta.append((region, _step_on(world.timeline[region.pk], day), kind))
        for ahead in (7, 21):  # the next sessions are planned
            sessions.append(
                Session(
                    region=region,
                    title="Group session",
                    date=world.today + datetime.timedelta(days=ahead),
                    kind=SessionKind.GROUP,
                    status=SessionStatus.PLANNED,
                    created_by=region.owner,
                )
            )
            meta.append((region, None, SessionKind.GROUP))
    sessions = Session.objects.bulk_create(sessions, batch_size=2000)
    world.sessions = sessions

    steps_links, facilitators, attendances = [], [], []
    statuses = [AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED]
    for session, (region, code, kind) in zip(sessions, meta, strict=True):
        if code:
            steps_links.append(Session.steps.through(session_id=session.pk, step_id=step_ids[code]))
        facilitators.append(
            Session.facilitators.through(session_id=session.pk, user_id=region.owner_id)
        )
        people = world.stakeholders[region.pk]
        size = {
            SessionKind.GROUP: rng.randint(6, 14),
            SessionKind.ONE_ON_ONE: 1,
            SessionKind.PROJECT_LEADERS: 0,
            SessionKind.STEERING: rng.randint(3, 5),
        }[kind]
        for person in rng.sample(people, min(size, len(people))):
            status = (
                AttendanceStatus.INVITED
                if session.status == SessionStatus.PLANNED
                else rng.choices(statuses, weights=[15, 3, 2])[0]
            )
            attendances.append(Attendance(session=session, stakeholder=person, status=status))
    Session.steps.through.objects.bulk_create(steps_links, batch_size=5000)
    Session.facilitators.through.objects.bulk_create(facilitators, batch_size=5000)
    Attendance.objects.bulk_create(attendances, batch_size=5000)
    world.count("sessions", len(sessions))
    world.count("attendances", len(attendances))
