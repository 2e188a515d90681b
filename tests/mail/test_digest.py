"""The weekly digest: one mail for the national project leader (and whoever opts in),
grouped by region — steps overdue, decisions of the past week, approvals waiting, action
items overdue, sessions of the coming week — in text and HTML, in their language; read in
the same number of queries whatever the number of regions."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Agreement, AgreementVersion, ApprovalRequest
from regions.models import Role
from roadmap_site.mail import digest
from roadmap_site.mail.models import MailPreference, Message, MessageStatus
from sessions.models import ActionItem, Session
from steps.models import Decision, DecisionPoint, RegionStep
from tests.factories import OrganisationFactory, RegionFactory, StakeholderFactory, UserFactory

from .conftest import html_part, text_part

pytestmark = pytest.mark.django_db

# Monday 14 June 2027, the digest's morning.
MONDAY = datetime.date(2027, 6, 14)
RATIONALE = "The alderman wants the figures of the pilot first, privately."


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(datetime.datetime(2027, 6, 14, 5, 30, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def npl_with_mail(npl):
    npl.email = "npl@roadmap.example"
    npl.save()
    return npl


def busy_region(name, owner=None):
    """A region with one of everything the digest reports."""
    region = RegionFactory(name=name, owner=owner)
    step = RegionStep.objects.get(region=region, step__code="1")
    step.status = "in_progress"
    step.started_on = datetime.date(2027, 3, 1)
    step.planned_end = datetime.date(2027, 6, 1)
    step.save()
    Decision.objects.create(
        region=region,
        decision_point=DecisionPoint.objects.order_by("pk").first(),
        outcome="go",
        decided_on=MONDAY - datetime.timedelta(days=3),
        rationale=RATIONALE,
    )
    held = Session.objects.create(
        region=region,
        title=f"Kick-off {name}",
        date=datetime.date(2027, 5, 3),
        kind="group",
        status="held",
    )
    ActionItem.objects.create(
        session=held, what=f"Send the cost figures of {name}", due_date=datetime.date(2027, 6, 4)
    )
    Session.objects.create(
        region=region,
        title=f"Business case {name}",
        date=MONDAY + datetime.timedelta(days=2),
        start_time=datetime.time(9, 30),
        kind="group",
        status="planned",
    )
    Session.objects.create(  # beyond the coming week: not in the digest
        region=region,
        title=f"Later {name}",
        date=MONDAY + datetime.timedelta(days=9),
        kind="group",
        status="planned",
    )
    agreement = Agreement.objects.create(
        region=region, title=f"Pilot funding {name}", kind="pilot_funding", status="consultation"
    )
    organisation = OrganisationFactory(name=f"Gemeente {name}")
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        frozen=True,
        content={"parties": [{"organisation_id": organisation.pk, "organisation": "x"}]},
    )
    ApprovalRequest.objects.create(
        version=version,
        organisation=organisation,
        stakeholder=StakeholderFactory(organisation=organisation),
    )
    return region


def test_the_national_project_leader_gets_one_digest_grouped_by_region(npl_with_mail):
    busy_region("Rivierenland")
    busy_region("Noorderveen")
    RegionFactory(name="Quiet Haven")  # nothing to report: left out
    assert digest.digest_send(MONDAY) == 1
    [row] = Message.objects.filter(kind="digest")
    assert row.to_email == "npl@roadmap.example"
    assert row.subject == "Roadmap: the week of 14 June 2027"
    text = row.body_text
    assert text.index("== Noorderveen ==") < text.index("== Rivierenland ==")
    assert "Quiet Haven" not in text
    part = text[text.index("== Rivierenland ==") :]
    assert "step 1" in part and "13 days late" in part
    assert "go on" in part
    assert "“Pilot funding Rivierenland” version 1: Gemeente Rivierenland, asked 14 June" in part
    assert "Send the cost figures of Rivierenland" in part and "due 4 June" in part
    assert "Wednesday 16 June 09:30: Business case Rivierenland" in part
    assert "Later Rivierenland" not in part
    # A decision's rationale is the group's reasoning, not for a mail.
    assert RATIONALE not in text and RATIONALE not in row.body_html
    assert "<h2" in row.body_html and "Noorderveen" in row.body_html
    assert row.unsubscribe_url  # an optional kind: one click switches it off
    # The beat job of the same week sends nothing twice.
    assert digest.digest_send(MONDAY + datetime.timedelta(days=1)) == 0


def test_the_digest_goes_out_in_dutch_with_text_and_html_parts(
    npl_with_mail, smtp, eager_mail, django_capture_on_commit_callbacks
):
    MailPreference.objects.create(email=npl_with_mail.email, language="nl")
    busy_region("Rivierenland")
    with django_capture_on_commit_callbacks(execute=True):
        digest.digest_send(MONDAY)
    [mail] = smtp.inbox.messages()
    assert mail["Subject"] == "Roadmap: de week van 14 juni 2027"
    assert "Genomen besluiten:" in text_part(mail)
    assert "Actiepunten over tijd:" in text_part(mail)
    assert "13 dagen te laat" in text_part(mail)
    assert "Bijeenkomsten in de komende week:" in html_part(mail)
    assert mail["List-Unsubscribe"]


def test_whoever_opts_in_gets_it_for_their_own_regions_only(npl_with_mail):
    rpl = UserFactory(
        username="rpl-digest", email="rpl@roadmap.example", role=Role.REGIONAL_PROJECT_LEADER
    )
    busy_region("Rivierenland", owner=rpl)
    busy_region("Noorderveen")
    MailPreference.objects.create(email=rpl.email, weekly_digest=True)
    # The national project leader switched it off.
    MailPreference.objects.create(email=npl_with_mail.email, weekly_digest=False)
    assert digest.digest_send(MONDAY) == 1
    [row] = Message.objects.filter(kind="digest")
    assert row.to_email == "rpl@roadmap.example"
    assert "Rivierenland" in row.body_text
    assert "Noorderveen" not in row.body_text


def test_notifications_held_for_the_digest_go_in_it_once(npl_with_mail):
    stakeholder = StakeholderFactory(email="anna@ggz.example", name="Anna de Wit")
    held = Message.objects.create(
        kind="action_reminder",
        to_email=stakeholder.email,
        stakeholder=stakeholder,
        language="en",
        subject="Due tomorrow: send the cost figures",
        body_text="…",
        message_id="<held-1@roadmap.example>",
        status=MessageStatus.HELD,
    )
    assert digest.digest_send(MONDAY) == 2
    row = Message.objects.get(kind="digest", to_email="anna@ggz.example")
    assert "Due tomorrow: send the cost figures" in row.body_text
    assert "== " not in row.body_text  # a stakeholder gets no programme overview
    held.refresh_from_db()
    assert held.status == MessageStatus.DIGESTED


def queries_for(n_regions) -> int:
    for i in range(n_regions):
        busy_region(f"Region {n_regions}-{i}")
    Message.objects.filter(kind="digest").delete()
    with CaptureQueriesContext(connection) as captured:
        assert digest.digest_send(MONDAY) == 1
    return len(captured.captured_queries)


def test_the_digest_reads_the_same_number_of_queries_for_2_and_6_regions(npl_with_mail):
    small = queries_for(2)
    large = queries_for(4)  # 6 regions in all now
    assert small == large
    assert small <= 20  # measured: 18 (+1 for the week's key), one recipient


def test_the_digest_runs_every_monday_morning():
    entry = settings.CELERY_BEAT_SCHEDULE["weekly-digest"]
    assert entry["task"] == "roadmap_site.mail.digest.weekly_digest"
    assert entry["schedule"].day_of_week == {1}
    from roadmap_site.celery import app

    assert "roadmap_site.mail.digest.weekly_digest" in app.tasks
