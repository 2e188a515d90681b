"""The codebook and the code page."""

import pytest
from django.urls import reverse

from sessions import services
from sessions.codebook import THEMES
from sessions.models import Code, Coding

pytestmark = pytest.mark.django_db


def test_the_codebook_is_seeded_with_four_themes_and_ten_subthemes():
    assert Code.objects.filter(parent__isnull=True).count() == len(THEMES) == 4
    assert Code.objects.filter(parent__isnull=False).count() == 10


def test_researchers_add_rename_nest_retire_and_mark_codes(client, researcher):
    client.force_login(researcher)
    theme = Code.objects.get(name="Collaboration")
    response = client.post(
        reverse("sessions:codebook"),
        {"new-name": "Trust", "new-parent": theme.pk, "new-polarity": "facilitator"},
    )
    assert response.status_code == 302
    trust = Code.objects.get(name="Trust")
    assert trust.parent == theme and trust.polarity == "facilitator"
    response = client.post(
        reverse("sessions:code_edit", args=[trust.pk]),
        {
            "edit-name": "Mutual trust",
            "edit-parent": Code.objects.get(name="Motives and interests").pk,
            "edit-polarity": "barrier",
            "edit-retired": "on",
        },
    )
    assert response.status_code == 302
    trust.refresh_from_db()
    assert (trust.name, trust.parent.name, trust.polarity, trust.retired) == (
        "Mutual trust",
        "Motives and interests",
        "barrier",
        True,
    )


def test_merging_moves_the_codings(client, researcher, note):
    source = Code.objects.get(name="Personal motives")
    target = Code.objects.get(name="Organisational interests")
    coding = services.coding_create(note=note, code=source, quote="no budget", user=researcher)
    client.force_login(researcher)
    response = client.post(
        reverse("sessions:code_merge", args=[source.pk]), {"merge-target": target.pk}
    )
    assert response.status_code == 302
    coding.refresh_from_db()
    source.refresh_from_db()
    assert coding.code == target and source.retired and source.merged_into == target
    refused = client.post(
        reverse("sessions:code_merge", args=[target.pk]), {"merge-target": target.pk}
    )
    assert refused.status_code == 422


def test_a_project_leader_reads_the_codebook_but_does_not_change_it(client, rpl):
    client.force_login(rpl)
    assert client.get(reverse("sessions:codebook")).status_code == 200
    assert client.post(reverse("sessions:codebook"), {"new-name": "X"}).status_code == 403
    code = Code.objects.first()
    assert client.get(reverse("sessions:code_edit", args=[code.pk])).status_code == 403


def test_coding_a_passage_that_is_not_in_the_note_is_refused(client, researcher, note):
    client.force_login(researcher)
    code = Code.objects.get(name="Personal motives")
    response = client.post(
        reverse("sessions:coding_create", args=[note.pk]),
        {"code": code.pk, "quote": "words that are not there"},
    )
    assert response.status_code == 422
    assert not Coding.objects.exists()


def test_the_code_page_filters_and_counts_per_region(
    client, researcher, npl, note, other_region, make_session
):
    other_region.researchers.add(researcher)
    other_session = make_session(other_region, steps=("1",), title="Elsewhere")
    other_note = services.note_create(
        session=other_session, user=researcher, text="Legislation blocks the pilot here."
    )
    funding = Code.objects.get(name="Organisation of funding")
    law = Code.objects.get(name="Legislation barriers")
    services.coding_create(note=note, code=funding, quote="no budget", user=researcher)
    services.coding_create(note=other_note, code=law, quote="Legislation blocks", user=researcher)
    client.force_login(researcher)
    url = reverse("sessions:codings")
    response = client.get(url)
    assert response.context["total"] == 2
    assert {r["note__session__region__name"]: r["n"] for r in response.context["per_region"]} == {
        "Rivierenland": 1,
        "Noorderveen": 1,
    }
    html = client.get(url, {"polarity": "barrier"}).content.decode()
    assert "Legislation blocks" in html and "no budget" not in html
    theme = Code.objects.get(name="Politics, finances and legislation")
    assert client.get(url, {"theme": theme.pk}).context["total"] == 2
    assert client.get(url, {"step": "2b"}).context["total"] == 1
    assert client.get(url, {"region": other_region.pk}).context["total"] == 1
    assert client.get(url, {"region": "x", "theme": "y"}).status_code == 200
    # A step that is not on the roadmap filters nothing; PostgreSQL refuses a NUL byte in
    # text, so it must never reach the query.
    for junk in ("9z", "nul\x00in the middle"):
        response = client.get(url, {"step": junk})
        assert response.status_code == 200 and response.context["total"] == 2


def test_a_theme_cannot_be_merged_into_its_own_subtheme(researcher):
    from django.core.exceptions import ValidationError

    theme = Code.objects.get(name="Collaboration")
    with pytest.raises(ValidationError):
        services.code_merge(source=theme, target=theme.children.first())


def test_the_code_page_reaches_every_passage_a_page_at_a_time(
    client, researcher, note, django_assert_max_num_queries
):
    from sessions.models import FieldNote
    from sessions.views.coding import CODINGS_PER_PAGE

    funding = Code.objects.get(name="Organisation of funding")
    FieldNote.objects.filter(pk=note.pk).update(text=" ".join(f"w{n}" for n in range(260)))
    note.refresh_from_db()
    Coding.objects.bulk_create(
        Coding(note=note, code=funding, quote=f"w{n}", start=0, end=1, created_by=researcher)
        for n in range(CODINGS_PER_PAGE + 30)
    )
    client.force_login(researcher)
    url = reverse("sessions:codings")
    with django_assert_max_num_queries(12):
        first = client.get(url, {"step": "2b"})
    assert len(first.context["rows"]) == CODINGS_PER_PAGE
    html = first.content.decode()
    assert f"{CODINGS_PER_PAGE + 30} coded passages" in html and "page 1 of 2" in html
    assert "step=2b&amp;page=2" in html  # the filter travels with the page
    second = client.get(url, {"step": "2b", "page": 2})
    assert len(second.context["rows"]) == 30
    assert client.get(url, {"page": "999"}).context["page"].number == 2


@pytest.mark.parametrize("value", ["99999999999999999999999", "²", "-1"])
def test_the_code_page_ignores_a_filter_id_no_column_can_hold(client, researcher, note, value):
    services.coding_create(
        note=note,
        code=Code.objects.get(name="Organisation of funding"),
        quote="no budget",
        user=researcher,
    )
    client.force_login(researcher)
    for name in ("region", "theme", "code"):
        response = client.get(reverse("sessions:codings"), {name: value})
        assert response.status_code == 200
        assert response.context["total"] == 1  # ignored, like an unknown filter
