"""Step 2a: barriers and facilitators found link to coded field-note passages, which only
readers of field notes see (DOMAIN.md: field notes are internal)."""

import datetime

import pytest

from roadmap_site.audit import bin
from sessions import services as session_services
from sessions.models import Code, Coding, FieldNote, Session
from steps.models import TargetGroup, TargetGroupPassage

pytestmark = pytest.mark.django_db

QUOTE = "the insurer will not pay for work outcomes"


def url(region, suffix=""):
    return f"/regions/{region.pk}/target-group/{suffix}"


def coded_passage(region, researcher, quote=QUOTE, title="Stakeholder round"):
    session = Session.objects.create(
        region=region, title=title, date=datetime.date(2026, 3, 2), kind="group", status="held"
    )
    note = session_services.note_create(
        session=session, user=researcher, text=f"Notes. Ingrid said {quote}. Next time more."
    )
    return session_services.coding_create(
        note=note,
        code=Code.objects.get(name="Organisation of funding"),
        quote=quote,
        user=researcher,
    )


@pytest.fixture
def target_group(region):
    return TargetGroup.objects.create(region=region, description="Adults with a benefit.")


def test_a_project_leader_links_a_coded_passage_as_a_barrier(
    client, rpl, researcher, region, target_group
):
    coding = coded_passage(region, researcher)
    client.force_login(rpl)
    page = client.get(url(region)).content.decode()
    assert "Link a coded passage" in page and QUOTE in page  # offered in the form
    response = client.post(
        url(region, "passages/"),
        {"link-coding": coding.pk, "link-kind": "barrier"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    link = TargetGroupPassage.objects.get()
    assert (link.coding, link.kind, link.linked_by) == (coding, "barrier", rpl)
    body = response.content.decode()
    barriers = body.split("Barriers found")[1].split("Link a coded passage")[0]
    assert QUOTE in barriers and "Stakeholder round" in barriers
    # Linked once: it is no longer offered.
    again = client.post(
        url(region, "passages/"), {"link-coding": coding.pk, "link-kind": "barrier"}
    )
    assert again.status_code == 422
    assert TargetGroupPassage.objects.count() == 1


def test_unlinking_keeps_the_coding(client, rpl, researcher, region, target_group):
    coding = coded_passage(region, researcher)
    link = TargetGroupPassage.objects.create(
        target_group=target_group, coding=coding, kind="facilitator"
    )
    client.force_login(rpl)
    response = client.post(url(region, f"passages/{link.pk}/remove/"))
    assert response.status_code == 302
    assert not TargetGroupPassage.objects.exists()
    assert Coding.objects.filter(pk=coding.pk).exists()


def test_a_passage_of_another_region_cannot_be_linked(
    client, rpl, researcher, region, other_region, target_group
):
    elsewhere = coded_passage(other_region, researcher)
    client.force_login(rpl)
    response = client.post(
        url(region, "passages/"), {"link-coding": elsewhere.pk, "link-kind": "barrier"}
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not TargetGroupPassage.objects.exists()


@pytest.mark.parametrize(
    "who, sees",
    [("npl", True), ("rpl", True), ("researcher", True), ("stakeholder", False), ("board", False)],
)
def test_only_readers_of_field_notes_see_linked_passages(
    client, personas, researcher, region, target_group, who, sees
):
    coding = coded_passage(region, researcher)
    TargetGroupPassage.objects.create(target_group=target_group, coding=coding, kind="barrier")
    client.force_login(personas[who])
    page = client.get(url(region)).content.decode()
    assert (QUOTE in page) is sees


@pytest.mark.parametrize(
    "who, status", [("researcher", 403), ("stakeholder", 403), ("board", 403), ("other_rpl", 404)]
)
def test_only_editors_of_the_region_link_passages(
    client, personas, researcher, region, target_group, who, status
):
    coding = coded_passage(region, researcher)
    client.force_login(personas[who])
    response = client.post(
        url(region, "passages/"), {"link-coding": coding.pk, "link-kind": "barrier"}
    )
    assert response.status_code == status
    assert not TargetGroupPassage.objects.exists()


def test_a_binned_note_takes_its_links_along_and_brings_them_back(
    rpl, researcher, region, target_group
):
    coding = coded_passage(region, researcher)
    TargetGroupPassage.objects.create(target_group=target_group, coding=coding, kind="barrier")
    entry = bin.move_to_bin(coding.note, kind="note", region=region, by=rpl)
    assert not TargetGroupPassage.objects.exists()
    bin.restore(entry, by=rpl)
    link = TargetGroupPassage.objects.get()
    assert link.coding.quote == QUOTE
    assert FieldNote.objects.filter(pk=coding.note_id).exists()


@pytest.mark.parametrize("count", [1, 6])
def test_the_page_with_linked_passages_runs_a_fixed_number_of_queries(
    client, rpl, researcher, region, target_group, django_assert_max_num_queries, count
):
    for number in range(count):
        coding = coded_passage(region, researcher, quote=f"{QUOTE} {number}", title=f"S{number}")
        TargetGroupPassage.objects.create(target_group=target_group, coding=coding, kind="barrier")
        coded_passage(region, researcher, quote=f"open passage {number}", title=f"T{number}")
    client.force_login(rpl)
    with django_assert_max_num_queries(15):
        page = client.get(url(region)).content.decode()
    assert page.count("<blockquote>") == count
