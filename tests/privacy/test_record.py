"""The record of processing: every personal field of every model is in it, who can read
each kind comes from the access rules, and only the national project leader sees the page."""

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from roadmap_site.privacy import record
from roadmap_site.privacy.personal_fields import is_personal, personal_fields
from tests.query_budgets import PRIVACY_PAGE

pytestmark = pytest.mark.django_db


def test_every_personal_field_of_every_model_is_in_the_record():
    recorded = record.recorded_fields()
    missing = {
        label: sorted(fields - recorded.get(label, set()))
        for label, fields in personal_fields().items()
        if fields - recorded.get(label, set())
    }
    assert missing == {}, "add these to a kind in roadmap_site/privacy/record.py"


def test_the_record_names_no_field_that_does_not_exist():
    for label, fields in record.recorded_fields().items():
        model = apps.get_model(label)
        names = {f.name for f in [*model._meta.fields, *model._meta.many_to_many]}
        assert fields <= names, label


def test_the_rule_finds_a_new_personal_field():
    stakeholder = apps.get_model("regions.Stakeholder")
    phone = models.CharField(name="phone", max_length=20)
    free_text = models.TextField(name="remarks")
    assert is_personal(phone, stakeholder) and is_personal(free_text, stakeholder)
    # An organisation's name is nobody's; the national codebook is about no one.
    organisation = apps.get_model("regions.Organisation")
    assert not is_personal(organisation._meta.get_field("name"), organisation)
    code = apps.get_model("roadmap_sessions.Code")
    assert not is_personal(code._meta.get_field("description"), code)


def roles(key):
    kind = next(k for k in record.KINDS if k.key == key)
    return {(str(r.role), str(r.scope)) for r in record.readers(kind)}


def test_who_reads_field_notes_follows_the_access_rule():
    assert roles("field_notes") == {
        ("National project leader", "every region"),
        ("Regional project leader", "their own regions"),
        ("Researcher", "their own regions"),
    }


def test_stakeholders_and_the_board_do_not_read_the_outbox():
    assert {role for role, _ in roles("outbox")} == {
        "National project leader",
        "Regional project leader",
    }


def test_the_national_project_leader_reads_the_record(client, npl, django_assert_max_num_queries):
    client.force_login(npl)
    # One count per kind of rows the dry run looks at: fixed, whatever the data.
    with django_assert_max_num_queries(PRIVACY_PAGE):
        response = client.get(reverse("privacy:privacy"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Record of processing" in page and "regions.Stakeholder" in page
    assert "regions.access.can_read_field_notes" in page
    assert "Next purge:" in page


@pytest.mark.parametrize("who", ["rpl", "researcher", "board", "stakeholder_user"])
def test_no_one_else_reads_the_record(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("privacy:privacy")).status_code == 403
