"""Every URL of the product, for every role, with the outcome that role must get.

The list of URLs comes from the resolver, so a new URL without an entry in ``MATRIX``
fails ``test_every_url_has_an_entry``. Each entry says how to build the URL for objects of
``region`` (led by ``rpl``) and what each role gets:

- ``OK``: the page or action works (2xx, a redirect that is not to the login page, or a
  form error / conflict answer: 409, 422);
- ``LOGIN``: sent to log in;
- ``DENIED``: 403, for someone who may read the region but not do this;
- ``HIDDEN``: 404, for someone who may not know the object exists.

POST entries send an empty form: for those allowed it is a form error or a success, for
the others a refusal before any form is read.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import make_personas

PDF = b"%PDF-1.4\n%%EOF\n"

pytestmark = pytest.mark.django_db

OK, LOGIN, DENIED, HIDDEN = "ok", "login", 403, 404
ROLES = [
    "npl",
    "rpl",
    "other_rpl",
    "researcher",
    "stakeholder",
    "other_stakeholder",
    "board",
    "anonymous",
]


def outcomes(default, **per_role):
    unknown = set(per_role) - set(ROLES)
    assert not unknown, unknown
    return {role: per_role.get(role, default) for role in ROLES}


# Profiles shared by many URLs. Anonymous users are always sent to log in.
EVERYONE_LOGGED_IN = outcomes(OK, anonymous=LOGIN)
PUBLIC = outcomes(OK)
READ_REGION = outcomes(OK, other_rpl=HIDDEN, other_stakeholder=HIDDEN, anonymous=LOGIN)
WRITE_REGION = outcomes(
    DENIED, npl=OK, rpl=OK, other_rpl=HIDDEN, other_stakeholder=HIDDEN, anonymous=LOGIN
)
NATIONAL_ONLY_WRITE = outcomes(
    DENIED, npl=OK, other_rpl=HIDDEN, other_stakeholder=HIDDEN, anonymous=LOGIN
)
# Field notes are internal: facilitators, project leaders and researchers.
INTERNAL = outcomes(
    DENIED,
    npl=OK,
    rpl=OK,
    researcher=OK,
    other_rpl=HIDDEN,
    other_stakeholder=HIDDEN,
    anonymous=LOGIN,
)
# One note, its versions, drafts or codings: to readers of the region who may not read
# field notes (stakeholders, the steering board) no note exists, so they get the 404 of a
# missing one; a 403 would tell them which note ids exist.
INTERNAL_OBJECT = outcomes(HIDDEN, npl=OK, rpl=OK, researcher=OK, other_rpl=HIDDEN, anonymous=LOGIN)
# Coding a region's notes: researchers (and the national project leader); the region's
# project leader reads the note but may not code it.
CODE_NOTE = outcomes(HIDDEN, npl=OK, researcher=OK, rpl=DENIED, anonymous=LOGIN)
# The codebook belongs to the programme, not to a region.
CODEBOOK_READ = outcomes(DENIED, npl=OK, rpl=OK, other_rpl=OK, researcher=OK, anonymous=LOGIN)
CODEBOOK_WRITE = outcomes(DENIED, npl=OK, researcher=OK, anonymous=LOGIN)
# Double-coding rounds: researchers and the national project leader; to those who may not
# read field notes (stakeholders, the board) no round exists.
ROUND = outcomes(HIDDEN, npl=OK, researcher=OK, rpl=DENIED, other_rpl=DENIED, anonymous=LOGIN)
NETWORK = outcomes(DENIED, npl=OK, rpl=OK, other_rpl=OK, researcher=OK, anonymous=LOGIN)
KEEP_LIBRARY = outcomes(DENIED, npl=OK, anonymous=LOGIN)
# Memos are research material: to anyone who does not code, no memo exists.
MEMO = outcomes(HIDDEN, npl=OK, researcher=OK, anonymous=LOGIN)
# "Field notes to code" lists the sessions with notes of the reader's own regions.
NOTES_TO_CODE = outcomes(HIDDEN, npl=OK, rpl=OK, other_rpl=OK, researcher=OK, anonymous=LOGIN)
# A REFI-QDA export holds field-note text chosen by its requester (the researcher here):
# to everyone else, the national project leader and other researchers too, it does not exist.
REQUESTER = outcomes(HIDDEN, researcher=OK, anonymous=LOGIN)
# One mail in the outbox, sent by the region's project leader.
OUTBOX_MESSAGE = outcomes(DENIED, npl=OK, rpl=OK, other_rpl=HIDDEN, anonymous=LOGIN)


@dataclass
class Entry:
    expected: dict
    kwargs: Callable[[dict], dict] = lambda world: {}
    method: str = "get"
    data: dict = field(default_factory=dict)


def region_pk(world):
    return {"pk": world["region"].pk}


def region_id(world):
    return {"region_id": world["region"].pk}


def in_region(key, name):
    return lambda world: {"region_id": world["region"].pk, key: world[name].pk}


def of_agreement(key, name):
    return lambda world: {"pk": world["agreement"].pk, key: world[name].pk}


def obj(name):
    return lambda world: {"pk": world[name].pk}


def obj_as(key, name):
    return lambda world: {key: world[name].pk}


def message_code(world):
    return {"code": world["message"].code}


def a_stakeholder(world):
    return {"pk": world["membership"].stakeholder_id}


def region_step(code):
    return lambda world: {"region_id": world["region"].pk, "code": code}


MATRIX: dict[str, Entry] = {
    # Site
    "home": Entry(EVERYONE_LOGGED_IN),
    "healthz": Entry(PUBLIC),
    "login": Entry(PUBLIC),
    # Logging out lands on the login page, logged in or not.
    "logout": Entry(outcomes(LOGIN), method="post"),
    "password_change": Entry(EVERYONE_LOGGED_IN),
    "password_change_done": Entry(EVERYONE_LOGGED_IN),
    # Regions and the roadmap
    "regions:list": Entry(EVERYONE_LOGGED_IN),
    "regions:detail": Entry(READ_REGION, region_pk),
    "regions:hand_over": Entry(NATIONAL_ONLY_WRITE, region_pk, method="post"),
    # Region setup: the national project leader only (docs/projectgroup.md).
    "regions:create": Entry(outcomes(DENIED, npl=OK, anonymous=LOGIN)),
    "regions:import": Entry(outcomes(DENIED, npl=OK, anonymous=LOGIN)),
    "regions:import_apply": Entry(outcomes(DENIED, npl=OK, anonymous=LOGIN), method="post"),
    "regions:setup": Entry(NATIONAL_ONLY_WRITE, region_pk),
    "regions:status": Entry(NATIONAL_ONLY_WRITE, region_pk, method="post"),
    "regions:requirements": Entry(
        NATIONAL_ONLY_WRITE, lambda world: {"pk": world["region"].pk, "step_code": "2b"}
    ),
    "steps:start": Entry(WRITE_REGION, region_step("1"), method="post"),
    "steps:complete": Entry(WRITE_REGION, region_step("1"), method="post"),
    "steps:skip": Entry(WRITE_REGION, region_step("1"), method="post"),
    "steps:decide": Entry(
        WRITE_REGION,
        lambda world: {"region_id": world["region"].pk, "point_code": "after-2a"},
        method="post",
    ),
    "regions:context_event_create": Entry(WRITE_REGION, region_pk, method="post"),
    # The project group over time: internal readers and the board; stakeholders see the
    # current group on the region page only.
    "regions:group": Entry(
        outcomes(
            OK, stakeholder=DENIED, other_rpl=HIDDEN, other_stakeholder=HIDDEN, anonymous=LOGIN
        ),
        region_pk,
    ),
    "regions:member_add": Entry(WRITE_REGION, region_pk, method="post"),
    # Who matters: the influence/interest map, read like the group, placed by its writers.
    "regions:map": Entry(
        outcomes(
            OK, stakeholder=DENIED, other_rpl=HIDDEN, other_stakeholder=HIDDEN, anonymous=LOGIN
        ),
        region_pk,
    ),
    "regions:assess": Entry(WRITE_REGION, region_pk, method="post"),
    "regions:organisation_add": Entry(WRITE_REGION, region_pk, method="post"),
    **{
        f"regions:{name}": Entry(
            WRITE_REGION,
            lambda world: {"pk": world["region"].pk, "membership_id": world["membership"].pk},
        )
        for name in ["member_leave", "member_replace", "member_rejoin", "membership_correct"]
    },
    "regions:stakeholder_edit": Entry(
        WRITE_REGION,
        lambda world: {
            "pk": world["region"].pk,
            "stakeholder_id": world["membership"].stakeholder_id,
        },
    ),
    "regions:organisation_leave": Entry(
        WRITE_REGION,
        lambda world: {"pk": world["region"].pk, "participation_id": world["participation"].pk},
    ),
    "regions:export": Entry(
        outcomes(
            OK, other_rpl=HIDDEN, other_stakeholder=HIDDEN, stakeholder=DENIED, anonymous=LOGIN
        ),
        lambda world: {"pk": world["region"].pk, "what": "sessions", "fmt": "xlsx"},
    ),
    # Step work: 2a target group and interventions, 2b business case, 3 work plan, 5 monitoring
    "steps:target_group": Entry(READ_REGION, region_id),
    "steps:target_group_save": Entry(WRITE_REGION, region_id, method="post"),
    "steps:intervention_choose": Entry(WRITE_REGION, region_id, method="post"),
    "steps:intervention_own": Entry(WRITE_REGION, region_id, method="post"),
    "steps:intervention_remove": Entry(
        WRITE_REGION, in_region("choice_id", "choice"), method="post"
    ),
    "steps:passage_link": Entry(WRITE_REGION, region_id, method="post"),
    "steps:passage_unlink": Entry(WRITE_REGION, in_region("link_id", "passage"), method="post"),
    "steps:business_case": Entry(READ_REGION, region_id),
    "steps:scenario_create": Entry(WRITE_REGION, region_id, method="post"),
    **{
        f"steps:{name}": Entry(WRITE_REGION, in_region("scenario_id", "scenario"), method="post")
        for name in [
            "scenario_update",
            "scenario_copy",
            "scenario_delete",
            "cost_add",
            "benefit_add",
            "split_update",
            "outcome_add",
        ]
    },
    "steps:outcome_delete": Entry(
        WRITE_REGION,
        lambda world: {
            "region_id": world["region"].pk,
            "scenario_id": world["scenario"].pk,
            "outcome_id": world["outcome"].pk,
        },
        method="post",
    ),
    "steps:item_library_update": Entry(
        WRITE_REGION,
        lambda world: {
            "region_id": world["region"].pk,
            "scenario_id": world["scenario"].pk,
            "kind": "cost",
            "item_id": world["cost"].pk,
        },
        method="post",
    ),
    # The national unit-cost library: everyone reads it, the national project leader keeps it.
    "steps:library": Entry(EVERYONE_LOGGED_IN),
    "steps:unit_value_create": Entry(KEEP_LIBRARY, method="post"),
    "steps:unit_value_revise": Entry(KEEP_LIBRARY, obj_as("value_id", "unit_value"), method="post"),
    "steps:price_index_save": Entry(KEEP_LIBRARY, method="post"),
    "steps:item_delete": Entry(
        WRITE_REGION,
        lambda world: {
            "region_id": world["region"].pk,
            "scenario_id": world["scenario"].pk,
            "kind": "cost",
            "item_id": world["cost"].pk,
        },
        method="post",
    ),
    "steps:work_plan": Entry(READ_REGION, region_id),
    "steps:activity_add": Entry(WRITE_REGION, region_id, method="post"),
    "steps:activity_update": Entry(
        WRITE_REGION, in_region("activity_id", "activity"), method="post"
    ),
    "steps:milestone_add": Entry(WRITE_REGION, region_id, method="post"),
    "steps:work_plan_item_delete": Entry(
        WRITE_REGION,
        lambda world: {
            "region_id": world["region"].pk,
            "kind": "milestone",
            "item_id": world["milestone"].pk,
        },
        method="post",
    ),
    "steps:work_plan_publish": Entry(WRITE_REGION, region_id, method="post"),
    "steps:work_plan_version": Entry(
        READ_REGION, lambda world: {"region_id": world["region"].pk, "number": 1}
    ),
    "steps:monitoring": Entry(READ_REGION, region_id),
    "steps:monitoring_setup": Entry(WRITE_REGION, region_id, method="post"),
    "steps:measurements_save": Entry(WRITE_REGION, region_id, method="post"),
    "steps:measurements_import": Entry(WRITE_REGION, region_id, method="post"),
    "steps:indicator_add": Entry(WRITE_REGION, region_id, method="post"),
    "steps:indicator_update": Entry(
        WRITE_REGION, in_region("indicator_id", "indicator"), method="post"
    ),
    # Agreements, documents and the stakeholder portal
    "agreements:list": Entry(READ_REGION, region_id),
    "agreements:create": Entry(WRITE_REGION, region_id, method="post"),
    "agreements:detail": Entry(READ_REGION, obj("agreement")),
    "agreements:status": Entry(READ_REGION, obj("agreement")),
    "agreements:diff": Entry(READ_REGION, obj("agreement")),
    **{
        f"agreements:{name}": Entry(WRITE_REGION, obj("agreement"), method="post")
        for name in ["terms", "party", "clause", "submit", "review"]
    },
    "agreements:party_remove": Entry(
        WRITE_REGION, of_agreement("party_id", "party"), method="post"
    ),
    "agreements:clause_edit": Entry(
        WRITE_REGION, of_agreement("clause_id", "clause"), method="post"
    ),
    "agreements:clause_remove": Entry(
        WRITE_REGION, of_agreement("clause_id", "clause"), method="post"
    ),
    "agreements:review_resolve": Entry(
        WRITE_REGION, of_agreement("review_id", "review"), method="post"
    ),
    "agreements:move": Entry(
        WRITE_REGION,
        lambda world: {"pk": world["agreement"].pk, "action": "terminate"},
        method="post",
    ),
    # Parties approve through their stakeholder logins; the service then checks that the
    # stakeholder signs for a party (tests/agreements).
    "agreements:approve": Entry(
        outcomes(
            DENIED,
            npl=OK,
            rpl=OK,
            stakeholder=OK,
            other_rpl=HIDDEN,
            other_stakeholder=HIDDEN,
            anonymous=LOGIN,
        ),
        lambda world: {"pk": world["agreement"].pk, "number": 1},
        method="post",
    ),
    # Everyone who reads a region may ask for its documents and download them.
    "agreements:pdf": Entry(
        READ_REGION, lambda world: {"pk": world["agreement"].pk, "number": 1}, method="post"
    ),
    "agreements:step_report_pdf": Entry(
        READ_REGION, lambda world: {"region_id": world["region"].pk, "code": "1"}, method="post"
    ),
    "agreements:work_plan_pdf": Entry(
        READ_REGION, in_region("version_id", "version"), method="post"
    ),
    "agreements:board_report": Entry(outcomes(DENIED, npl=OK, board=OK, anonymous=LOGIN)),
    "agreements:document": Entry(READ_REGION, obj("document")),
    "agreements:download": Entry(READ_REGION, obj("document")),
    "agreements:retry": Entry(READ_REGION, obj("failed_document"), method="post"),
    "agreements:portal": Entry(EVERYONE_LOGGED_IN),
    "agreements:portal_region": Entry(READ_REGION, region_id),
    # The newcomer briefing: everyone who reads the region (staff see it as a preview).
    "agreements:briefing": Entry(READ_REGION, region_id),
    "agreements:briefing_pdf": Entry(READ_REGION, region_id, method="post"),
    # National screens: the dashboard for the national project leader and the steering
    # board; comparison and charts also for researchers (the evaluation)
    "dashboard:index": Entry(outcomes(DENIED, npl=OK, board=OK, anonymous=LOGIN)),
    "dashboard:comparison": Entry(
        outcomes(DENIED, npl=OK, board=OK, researcher=OK, anonymous=LOGIN)
    ),
    "dashboard:charts": Entry(outcomes(DENIED, npl=OK, board=OK, researcher=OK, anonymous=LOGIN)),
    # The learning network: project leaders and researchers
    "dashboard:network": Entry(NETWORK),
    "dashboard:region_news": Entry(
        outcomes(
            DENIED,
            npl=OK,
            rpl=OK,
            researcher=OK,
            other_rpl=HIDDEN,
            other_stakeholder=HIDDEN,
            anonymous=LOGIN,
        ),
        region_pk,
    ),
    # A regional project leader adopts a region's chosen intervention into their own region.
    "dashboard:adopt": Entry(
        outcomes(DENIED, rpl=OK, other_rpl=OK, anonymous=LOGIN),
        obj("choice"),
        method="post",
    ),
    # Sessions
    "sessions:all": Entry(EVERYONE_LOGGED_IN),
    "sessions:region_list": Entry(READ_REGION, region_id),
    "sessions:create": Entry(WRITE_REGION, region_id, method="post"),
    "sessions:missing": Entry(WRITE_REGION, region_id, method="post"),
    "sessions:stakeholder_add": Entry(WRITE_REGION, region_id, method="post"),
    "sessions:detail": Entry(READ_REGION, obj("session")),
    "sessions:edit": Entry(WRITE_REGION, obj("session"), method="post"),
    "sessions:attendance": Entry(WRITE_REGION, obj("session"), method="post"),
    "sessions:decision_create": Entry(WRITE_REGION, obj("session"), method="post"),
    "sessions:action_create": Entry(WRITE_REGION, obj("session"), method="post"),
    "sessions:action_status": Entry(WRITE_REGION, obj("action"), method="post"),
    "sessions:attachment_upload": Entry(WRITE_REGION, obj("session"), method="post"),
    "sessions:attachment": Entry(READ_REGION, obj("attachment")),
    "sessions:attachment_delete": Entry(WRITE_REGION, obj("attachment"), method="post"),
    "sessions:note_create": Entry(INTERNAL, obj("session"), method="post"),
    # A draft may name a note: hidden like one, whatever it names.
    "sessions:note_draft": Entry(INTERNAL_OBJECT, obj("session"), method="post"),
    "sessions:note_edit": Entry(INTERNAL_OBJECT, obj("note")),
    "sessions:note_versions": Entry(INTERNAL_OBJECT, obj("note")),
    "sessions:coding_create": Entry(CODE_NOTE, obj("note"), method="post"),
    # Project leaders, who read notes, are refused by role before the coding is looked up,
    # so their 403 reveals nothing; for those who may not read notes no coding exists.
    "sessions:coding_delete": Entry(
        outcomes(HIDDEN, npl=OK, researcher=OK, rpl=DENIED, other_rpl=DENIED, anonymous=LOGIN),
        obj("coding"),
        method="post",
    ),
    "sessions:codebook": Entry(CODEBOOK_READ),
    "sessions:code_edit": Entry(CODEBOOK_WRITE, obj("code"), method="post"),
    "sessions:code_merge": Entry(CODEBOOK_WRITE, obj("code"), method="post"),
    "sessions:codings": Entry(CODEBOOK_READ),
    # Calendars: the feed's token is its key (calendar programs cannot log in).
    "calendar:settings": Entry(EVERYONE_LOGGED_IN),
    "calendar:renew": Entry(EVERYONE_LOGGED_IN, method="post"),
    "calendar:feed": Entry(PUBLIC, lambda world: {"token": world["calendar_token"]}),
    "calendar:session": Entry(READ_REGION, lambda world: {"pk": world["session"].pk}),
    # Links in mails: the token is the key and answers for its person only. The invitee
    # here has no login, so everyone logged in is someone else (404); nobody logged in may
    # answer (a form error for the empty post).
    "sessions:invitation_reply": Entry(
        outcomes(HIDDEN, anonymous=OK),
        lambda world: {"token": world["invitation"].reply_token},
        method="post",
    ),
    "sessions:minutes_review": Entry(
        outcomes(HIDDEN, anonymous=OK),
        lambda world: {"token": world["minutes_review"].token},
        method="post",
    ),
    "sessions:minutes_publish": Entry(WRITE_REGION, obj("session"), method="post"),
    "sessions:amendment_decide": Entry(WRITE_REGION, obj("amendment"), method="post"),
    # --- REFI-QDA export and codebook import
    # Only researchers and the national project leader export notes (a researcher: their
    # regions) and import a codebook; refused by role before anything is read.
    "sessions:qdpx_export": Entry(CODEBOOK_WRITE),
    "sessions:qdpx_job": Entry(REQUESTER, obj("qdpx_export")),
    "sessions:qdpx_job_download": Entry(REQUESTER, obj("qdpx_export")),
    "sessions:qdpx_job_retry": Entry(REQUESTER, obj("failed_qdpx_export"), method="post"),
    "sessions:codebook_import": Entry(CODEBOOK_WRITE, method="post"),
    "sessions:project_import": Entry(CODEBOOK_WRITE),
    # --- double coding: the round's coders and the national project leader; another
    # researcher's round does not exist for them (404), a project leader is refused by role.
    "sessions:rounds": Entry(ROUND),
    "sessions:memos": Entry(MEMO, lambda world: {"kind": "note", "pk": world["note"].pk}),
    "sessions:memo_edit": Entry(MEMO, obj("memo")),
    "sessions:memo_delete": Entry(MEMO, obj("memo"), method="post"),
    "sessions:analysis": Entry(CODEBOOK_WRITE),
    "sessions:analysis_cell": Entry(CODEBOOK_WRITE, data={"matrix": "regions"}),
    "sessions:analysis_xlsx": Entry(CODEBOOK_WRITE, lambda world: {"matrix": "regions"}),
    "sessions:notes_to_code": Entry(NOTES_TO_CODE),
    # The key of the pseudonymised export: the national project leader's alone.
    "sessions:pseudonym_key": Entry(KEEP_LIBRARY),
    "sessions:round_detail": Entry(ROUND, obj("coding_round")),
    "sessions:round_close": Entry(ROUND, obj("coding_round"), method="post"),
    "sessions:reconcile_choose": Entry(ROUND, obj("coding_round"), method="post"),
    "sessions:reconcile_finish": Entry(ROUND, obj("coding_round"), method="post"),
    # --- audit trail and bin
    "audit:history": Entry(
        WRITE_REGION,
        lambda world: {
            "region_id": world["region"].pk,
            "kind": "session",
            "pk": world["session"].pk,
        },
    ),
    "audit:region_history": Entry(
        WRITE_REGION, lambda world: {"region_id": world["region"].pk, "kind": "region"}
    ),
    "audit:bin": Entry(WRITE_REGION, region_id),
    "audit:restore": Entry(WRITE_REGION, in_region("entry_id", "bin_entry"), method="post"),
    "audit:session_delete": Entry(WRITE_REGION, obj("session"), method="post"),
    "audit:note_delete": Entry(
        outcomes(HIDDEN, npl=OK, rpl=OK, researcher=DENIED, anonymous=LOGIN),
        obj("note"),
        method="post",
    ),
    # The world's agreement is in consultation: refused with a message, not deleted.
    "audit:agreement_delete": Entry(WRITE_REGION, obj("agreement"), method="post"),
    # --- mail: the outbox shows the national project leader every mail and a project
    # leader the mails they sent; another leader's mail does not exist for them.
    "mail:outbox": Entry(outcomes(DENIED, npl=OK, rpl=OK, other_rpl=OK, anonymous=LOGIN)),
    "mail:message": Entry(OUTBOX_MESSAGE, message_code),
    "mail:message_html": Entry(OUTBOX_MESSAGE, message_code),
    "mail:resend": Entry(OUTBOX_MESSAGE, message_code, method="post"),
    "mail:invite": Entry(outcomes(DENIED, npl=OK, anonymous=LOGIN)),
    # --- privacy: the record of processing and the retention are the national leader's.
    "privacy:privacy": Entry(outcomes(DENIED, npl=OK, anonymous=LOGIN)),
    "privacy:people": Entry(outcomes(DENIED, npl=OK, anonymous=LOGIN)),
    "privacy:person": Entry(outcomes(DENIED, npl=OK, anonymous=LOGIN), a_stakeholder),
    "privacy:person_export": Entry(outcomes(DENIED, npl=OK, anonymous=LOGIN), a_stakeholder),
    "privacy:person_pdf": Entry(outcomes(DENIED, npl=OK, anonymous=LOGIN), a_stakeholder),
    "privacy:person_erase": Entry(outcomes(DENIED, npl=OK, anonymous=LOGIN), a_stakeholder),
    # Posting needs a stakeholder of the region (a 404 for the empty form): the page.
    "mail:portal_access": Entry(WRITE_REGION, region_id),
    "mail:preferences": Entry(EVERYONE_LOGGED_IN),
    # Links in mails with a token that is not valid: no such invitation or address, for
    # everyone.
    "mail:invitation": Entry(
        outcomes(HIDDEN),
        lambda world: {"code": "00000000-0000-4000-8000-000000000000", "token": "bad-token"},
    ),
    "mail:unsubscribe": Entry(outcomes(HIDDEN), lambda world: {"token": "bad-token"}),
    # Password reset by mail: public; a reset link that is not valid shows a page that says
    # so (200), for everyone.
    "password_reset": Entry(PUBLIC),
    "password_reset_done": Entry(PUBLIC),
    "password_reset_confirm": Entry(PUBLIC, lambda world: {"uidb64": "MQ", "token": "bad-token"}),
    # --- region export and import
    # --- language
    # Anyone may choose a language, also on the login page.
    "set_language": Entry(PUBLIC, method="post"),
}

# The admin has its own permission system and object scoping (tests/roadmap/test_admin.py).
EXCLUDED_NAMESPACES = {"admin"}


def project_url_names():
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if namespace and pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                if (pattern.namespace or "") in EXCLUDED_NAMESPACES:
                    continue
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_has_an_entry():
    missing = sorted(project_url_names() - set(MATRIX))
    assert missing == [], f"URLs without an access entry in MATRIX: {missing}"


def test_the_matrix_names_only_real_urls():
    assert sorted(set(MATRIX) - project_url_names()) == []


@pytest.fixture(scope="module")
def matrix_world(module_data):
    """The personas and one object of each kind in their ``region``, made once for the
    module (each test's changes are undone after it: ``module_data``)."""
    personas, region, other_region = make_personas()
    return personas, make_world(region, other_region, personas["rpl"], personas["researcher"])


@pytest.fixture
def personas(matrix_world, db):
    return matrix_world[0]


@pytest.fixture
def world(matrix_world, db):
    world = matrix_world[1]
    # Removing an attachment deletes its file, which no rollback brings back.
    attachment = world["attachment"]
    storage = attachment.file.storage
    if not storage.exists(attachment.file.name):
        assert storage.save(attachment.file.name, ContentFile(PDF)) == attachment.file.name
    return world


def make_world(region, other_region, rpl, researcher):
    """One object of each kind in ``region``, for the URLs to point at."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from regions.models import CalendarFeed, RegionOrganisation
    from sessions import services as session_services
    from sessions.models import ActionItem, Attachment, Code, Session, SessionKind

    session = Session.objects.create(
        region=region, title="Group session", date=timezone.localdate(), kind=SessionKind.GROUP
    )
    note = session_services.note_create(
        session=session, user=researcher, text="The insurer has no budget for work outcomes."
    )
    code = Code.objects.get(name="Organisation of funding")
    from steps import library as steps_library
    from steps import services as step_services
    from steps.models import (
        Activity,
        BusinessCase,
        Indicator,
        Intervention,
        Milestone,
        RegionIntervention,
        Scenario,
        ScenarioCost,
        ScenarioOutcome,
        TargetGroup,
        TargetGroupPassage,
        WorkPlan,
    )
    from tests.factories import OrganisationFactory

    payer = OrganisationFactory(name="Kustzorg")
    scenario = Scenario.objects.create(
        business_case=BusinessCase.objects.create(region=region),
        name="Pilot",
        clients=10,
        success_rate="0.4",
        lag_months=6,
        horizon_months=36,
        intervention_months=12,
    )
    plan = WorkPlan.objects.create(region=region)
    agreement, clause, party, review, document, failed = _agreement_world(region, rpl)
    pdf = PDF
    coding = session_services.coding_create(
        note=note, code=code, quote="no budget", user=researcher
    )
    return {
        "region": region,
        "other_region": other_region,
        "session": session,
        "note": note,
        "code": code,
        "coding": coding,
        "passage": TargetGroupPassage.objects.create(
            target_group=TargetGroup.objects.create(region=region, description="Adults"),
            coding=coding,
            kind="barrier",
        ),
        "action": ActionItem.objects.create(session=session, what="Ask the insurer"),
        "attachment": Attachment.objects.create(
            session=session,
            file=SimpleUploadedFile("a.pdf", pdf),
            original_name="plan.pdf",
            content_type="application/pdf",
            size=len(pdf),
            uploaded_by=rpl,
        ),
        "calendar_token": CalendarFeed.for_user(region.owner).token,
        "scenario": scenario,
        "outcome": ScenarioOutcome.objects.create(
            scenario=scenario, name="Fewer crisis contacts", expected_clients=3
        ),
        "unit_value": steps_library.unit_value_create(
            by=None,
            name="IPS route",
            unit="per client",
            use="cost",
            kind="fiscal",
            cashable=True,
            sector="mhc",
            amount=4200,
            price_year=2024,
            valid_from=datetime.date(2025, 1, 1),
            valid_to=None,
            source="Demo figure",
        ),  # fmt: skip
        "cost": ScenarioCost.objects.create(
            scenario=scenario, organisation=payer, kind="one_off", amount=1000
        ),
        "choice": RegionIntervention.objects.create(
            region=region, intervention=Intervention.objects.filter(region=None).first()
        ),
        "activity": Activity.objects.create(work_plan=plan, title="Train job coaches"),
        "milestone": Milestone.objects.create(work_plan=plan, title="First clients", month=3),
        "version": step_services.work_plan_publish(plan, by=rpl),
        "indicator": Indicator.objects.create(
            region=region, key="clients_in_paid_work", name="Clients in paid work", unit="n"
        ),
        "agreement": agreement,
        "clause": clause,
        "party": party,
        "review": review,
        "document": document,
        "failed_document": failed,
        **_qdpx_exports(region, researcher),
        "bin_entry": _bin_entry(region, rpl),
        "membership": _membership(region),
        "participation": RegionOrganisation.objects.create(region=region, organisation=payer),
        **_mail_links_world(region, session, rpl),
        "message": _outbox_message(region, rpl),
        "coding_round": _coding_round(session, researcher),
        "memo": _memo(note, researcher),
    }


def _coding_round(session, researcher):
    """A closed double-coding round of the researcher with a second researcher, on a note
    of its own, so that it hides none of the world's other codings."""
    from regions.models import Role
    from sessions import services as session_services
    from sessions.models import CodingRound, RoundStatus
    from tests.factories import UserFactory

    note = session_services.note_create(
        session=session, user=researcher, text="Second note, coded twice."
    )
    second = UserFactory(username="second_researcher", role=Role.RESEARCHER)
    coding_round = CodingRound.objects.create(
        name="Round", first_coder=researcher, second_coder=second, status=RoundStatus.CLOSED
    )
    coding_round.notes.add(note)
    return coding_round


def _memo(note, researcher):
    from sessions import memos

    subject = memos.get_subject_for_user(researcher, memos.NOTE, note.pk)
    return memos.memo_create(subject=subject, text="Funding keeps coming back.", user=researcher)


def _outbox_message(region, rpl):
    """A mail in the outbox that the region's project leader sent."""
    from roadmap_site.mail.outbox import Recipient, queue_mail

    return queue_mail(
        kind="test",
        to=Recipient("anne@example.org", "Anne"),
        template="mail/test",
        region=region,
        sender=rpl,
    )


def _mail_links_world(region, session, rpl):
    """An invitee of ``session`` with a reply link, and a held session whose minutes went
    round one attendee who proposed an amendment."""
    from sessions import services as session_services
    from sessions.models import AttendanceStatus, Session, SessionKind
    from tests.factories import StakeholderFactory, add_member

    invitee = add_member(region, StakeholderFactory(name="Invited person"))
    session_services.session_set_invitees(session=session, stakeholders=[invitee])
    held = Session.objects.create(
        region=region, title="Held", date=datetime.date(2026, 1, 12), kind=SessionKind.GROUP
    )
    session_services.session_set_invitees(session=held, stakeholders=[invitee])
    held.attendances.update(status=AttendanceStatus.PRESENT)
    held.status = "held"
    held.save()
    revision = session_services.minutes_publish(session=held, summary="Agreed.", user=rpl)
    review = revision.reviews.get()
    return {
        "invitation": session.attendances.get(stakeholder=invitee),
        "minutes_review": review,
        "amendment": session_services.minutes_amend(review=review, text="Not quite."),
    }


def _membership(region):
    from regions.models import RegionStakeholder
    from tests.factories import StakeholderFactory, add_member

    return RegionStakeholder.objects.get(
        region=region, stakeholder=add_member(region, StakeholderFactory())
    )


def _bin_entry(region, rpl):
    """A session of the region that its project leader moved to the bin."""
    from roadmap_site.audit import bin
    from sessions.models import Session, SessionKind

    binned = Session.objects.create(
        region=region,
        title="Cancelled kick-off",
        date=datetime.date(2026, 1, 9),
        kind=SessionKind.GROUP,
    )
    return bin.move_to_bin(binned, kind="session", region=region, by=rpl)


def _qdpx_exports(region, researcher):
    """A ready and a failed REFI-QDA export, both the researcher's."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sessions.models import QdpxExport, QdpxExportStatus

    ready = QdpxExport.objects.create(
        requested_by=researcher,
        status=QdpxExportStatus.READY,
        notes_total=1,
        notes_done=1,
        file=SimpleUploadedFile("export.qdpx", b"PK\x05\x06" + b"\0" * 18),
    )
    failed = QdpxExport.objects.create(
        requested_by=researcher, status=QdpxExportStatus.FAILED, error="Worker lost"
    )
    for export in (ready, failed):
        export.regions.set([region])
    return {"qdpx_export": ready, "failed_qdpx_export": failed}


def _agreement_world(region, rpl):
    """An agreement in consultation with two parties and a clause, a review flagged by a
    context event, and a rendered document of the region."""
    from agreements import services
    from agreements.models import Document, DocumentKind, DocumentStatus
    from regions.models import ContextEvent, RegionOrganisation
    from tests.factories import OrganisationFactory

    agreement = services.create_agreement(
        region=region, title="Pilot funding", kind="pilot_funding", by=rpl
    )
    for name in ("GGZ Rivierenland", "Gemeente Rivierstad"):
        organisation = OrganisationFactory(name=name)
        RegionOrganisation.objects.create(region=region, organisation=organisation)
        services.set_party(agreement, organisation=organisation, by=rpl)
    services.save_clause(agreement, title="Purpose", text="Ten clients.", by=rpl)
    services.submit_for_consultation(agreement, by=rpl)
    event = ContextEvent.objects.create(
        region=region, date=datetime.date(2026, 1, 5), kind="funding", description="Budget cut"
    )
    [review] = services.flag_for_review(event, [agreement], by=rpl)
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = Document.objects.create(
        kind=DocumentKind.STEP_REPORT,
        region=region,
        title="Step report",
        status=DocumentStatus.READY,
        payload={},
        content_hash="0" * 64,
        file=SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    failed = Document.objects.create(
        kind=DocumentKind.STEP_REPORT,
        region=region,
        title="Step report",
        status=DocumentStatus.FAILED,
        payload={},
        content_hash="1" * 64,
        error="Worker lost",
    )
    return agreement, agreement.clauses.first(), agreement.parties.first(), review, document, failed


def classify(response):
    status = response.status_code
    if status == 302 and response["Location"].split("?")[0] == reverse("login"):
        return LOGIN
    if status in (403, 404):
        return status
    if status < 400 or status in (409, 422):
        return OK
    return status


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_the_matrix_says(client, personas, world, name, role):
    entry = MATRIX[name]
    user = personas[role]
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=entry.kwargs(world))
    response = getattr(client, entry.method)(url, entry.data)
    assert classify(response) == entry.expected[role], (name, role, response.status_code)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_other_method_never_answers_a_server_error(client, personas, world, name):
    """A form posted to a page, or a link followed to an action: refused (405 for an
    action that only takes POST) or answered, never a 500. As the national project leader,
    who passes the access checks of nearly every view and so reaches its body."""
    entry = MATRIX[name]
    client.force_login(personas["npl"])
    url = reverse(name, kwargs=entry.kwargs(world))
    response = client.get(url) if entry.method == "post" else client.post(url, {})
    assert response.status_code < 500, (name, response.status_code)
