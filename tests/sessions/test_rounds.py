"""Blind double coding: a round of two researchers, agreement on closing, reconciling."""

import io
import zipfile

import pytest
from django.db import connection
from django.urls import reverse

from regions.models import Role
from sessions import rounds, services
from sessions.models import Code, Coding, CodingRound, ReconcileChoice, RoundStatus
from tests.factories import UserFactory
from tests.qdpx.conftest import export_download  # noqa: F401 - fixtures
from tests.trust.concurrency_helpers import at_once, form_on_page, logged_in

pytestmark = pytest.mark.django_db

TEXT = "The insurer has no budget. The alderman decides. Trust grows slowly here."


@pytest.fixture
def second(region):
    user = UserFactory(
        username="second", first_name="Sanne", last_name="Tweede", role=Role.RESEARCHER
    )
    region.researchers.add(user)
    return user


@pytest.fixture
def shared_note(session, researcher):
    return services.note_create(session=session, user=researcher, text=TEXT)


@pytest.fixture
def funding():
    return Code.objects.get(name="Organisation of funding")


@pytest.fixture
def politics():
    return Code.objects.get(name="Political trade-off and financial-political interaction")


def code(client, note, code, quote):
    response = client.post(
        reverse("sessions:coding_create", args=[note.pk]), {"code": code.pk, "quote": quote}
    )
    assert response.status_code == 302, response.content
    return Coding.objects.filter(note=note).latest("id")


def start_round(client, second, **choice):
    page = client.get(reverse("sessions:rounds"))
    assert page.status_code == 200
    key = page.context["form"]["submission_key"].value()
    data = {"name": "Round 1", "second_coder": second.pk, "submission_key": key, **choice}
    return client.post(reverse("sessions:rounds"), data)


@pytest.fixture
def open_round(client, researcher, second, shared_note):
    client.force_login(researcher)
    response = start_round(client, second, picked=[shared_note.pk])
    assert response.status_code == 302
    return CodingRound.objects.get()


def test_a_round_by_region_takes_the_regions_notes_and_a_double_post_makes_one(
    client, researcher, second, region, shared_note, note
):
    client.force_login(researcher)
    page = client.get(reverse("sessions:rounds"))
    key = page.context["form"]["submission_key"].value()
    data = {"name": "Round 1", "second_coder": second.pk, "region": region.pk}
    first = client.post(reverse("sessions:rounds"), {**data, "submission_key": key})
    again = client.post(reverse("sessions:rounds"), {**data, "submission_key": key})
    assert first.status_code == again.status_code == 302
    coding_round = CodingRound.objects.get()
    assert set(coding_round.notes.all()) == {shared_note, note}
    assert (coding_round.first_coder, coding_round.second_coder) == (researcher, second)


def test_a_round_without_notes_is_refused_and_keeps_what_was_typed(client, researcher, second):
    client.force_login(researcher)
    response = start_round(client, second)
    assert response.status_code == 422
    assert 'value="Round 1"' in response.content.decode()
    assert not CodingRound.objects.exists()


def test_a_note_in_an_open_round_cannot_go_into_a_second(client, open_round, second, shared_note):
    response = start_round(client, second, picked=[shared_note.pk])
    assert response.status_code == 422
    assert "already in an open round" in response.content.decode()
    assert CodingRound.objects.count() == 1


def test_the_second_coder_must_read_every_note(client, researcher, other_region, shared_note):
    outsider = UserFactory(username="outsider", role=Role.RESEARCHER)
    other_region.researchers.add(outsider)
    client.force_login(researcher)
    response = start_round(client, outsider, picked=[shared_note.pk])
    assert response.status_code == 422
    assert "cannot read" in response.content.decode()


def test_while_open_neither_coder_sees_the_others_codings_anywhere(
    client, open_round, researcher, second, shared_note, funding, politics, rpl, npl
):
    project = services.coding_create(
        note=shared_note, code=politics, quote="The alderman decides", user=npl
    )
    mine = code(client, shared_note, funding, "no budget")
    theirs_client = logged_in(second)
    theirs = code(theirs_client, shared_note, funding, "Trust grows slowly")
    assert mine.round == theirs.round == open_round and project.round is None

    session_page = reverse("sessions:detail", args=[shared_note.session_id])
    code_page = reverse("sessions:codings")
    for viewer, own, hidden in (
        (client, "no budget", ["Trust grows slowly", "The alderman decides"]),
        (theirs_client, "Trust grows slowly", ["no budget", "The alderman decides"]),
    ):
        for url in (session_page, code_page):
            html = viewer.get(url).content.decode()
            assert f"“{own}" in html, url
            for quote in hidden:
                assert f"“{quote}" not in html, (url, quote)
        assert "is in the double-coding round" in viewer.get(session_page).content.decode()
        round_page = viewer.get(open_round.get_absolute_url()).content.decode()
        for quote in (own, *hidden):
            assert quote not in round_page
        history = viewer.get(
            reverse(
                "audit:history",
                args=[shared_note.session.region_id, "note", shared_note.pk],
            )
        )
        # The audit trail of the note lists the project's codings, never a round's.
        entries = history.content.decode()
        assert "The alderman decides</td>" in entries
        assert "no budget</td>" not in entries and "Trust grows slowly</td>" not in entries
    # Someone outside the round sees the project's codings, never a round's.
    for other in (logged_in(rpl), logged_in(npl)):
        html = other.get(session_page).content.decode()
        assert "“The alderman decides" in html
        assert "no budget”" not in html and "“Trust grows slowly" not in html
    # Nor may a coder remove the other's coding.
    refused = client.post(reverse("sessions:coding_delete", args=[theirs.pk]))
    assert refused.status_code == 404 and Coding.objects.filter(pk=theirs.pk).exists()


def test_an_export_while_a_round_is_open_carries_only_the_projects_codings(
    client,
    open_round,
    second,
    shared_note,
    funding,
    politics,
    npl,
    export_download,  # noqa: F811
):
    services.coding_create(note=shared_note, code=politics, quote="The alderman decides", user=npl)
    code(client, shared_note, funding, "no budget")
    code(logged_in(second), shared_note, funding, "Trust grows slowly")
    response = export_download(client)
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        project = archive.read("project.qde").decode()
    assert project.count("<Coding ") == 1


def test_closing_shows_agreement_per_code_and_overall(
    client, open_round, second, shared_note, funding
):
    code(client, shared_note, funding, "The insurer has no budget")
    code(logged_in(second), shared_note, funding, "The insurer has no budget")
    response = client.post(reverse("sessions:round_close", args=[open_round.pk]))
    assert response.status_code == 302
    page = client.get(open_round.get_absolute_url())
    html = page.content.decode()
    assert "Organisation of funding" in html and "Overall" in html
    rows = page.context["agreement"]
    assert [row.code for row in rows] == [funding, None]
    for row in rows:
        with_uncoded, without = row.with_uncoded, row.without_uncoded
        assert (with_uncoded.percent, with_uncoded.kappa, with_uncoded.alpha) == (1.0, 1.0, 1.0)
        # Counting only coded text, every unit is "coded by both": no variation, so κ and α
        # are not defined and read as a dash.
        assert (without.percent, without.kappa, without.alpha) == (1.0, None, None)
    assert "100.0 %" in html and "<td>—</td>" in html
    # After closing, both codings show side by side only on the round page: none to decide.
    assert page.context["comparison"].passages == []


def test_agreement_is_counted_over_characters_with_and_without_uncoded_text(
    researcher, second, session, funding
):
    note = services.note_create(session=session, user=researcher, text="abcdefghij")
    coding_round = rounds.round_create(
        name="Hand", first_coder=researcher, second_coder=second, notes=[note]
    )
    for user, quote in ((researcher, "abcde"), (second, "abcd")):
        services.coding_create(note=note, code=funding, quote=quote, user=user)
    overall = rounds.round_agreement(coding_round)[-1]
    # 10 characters, 9 alike; each coder's share coded .5 and .4: chance .5, κ = .8.
    assert overall.with_uncoded.units == 10
    assert overall.with_uncoded.percent == pytest.approx(0.9)
    assert overall.with_uncoded.kappa == pytest.approx(0.8)
    # Only the 5 characters someone coded: 4 alike, and the first coded all: κ = 0.
    assert overall.without_uncoded.units == 5
    assert overall.without_uncoded.percent == pytest.approx(0.8)
    assert overall.without_uncoded.kappa == pytest.approx(0.0)


def test_agreement_counts_the_plain_text_the_reader_sees(researcher, second, session, funding):
    note = services.note_create(session=session, user=researcher, text="**bold** text")
    coding_round = rounds.round_create(
        name="Marks", first_coder=researcher, second_coder=second, notes=[note]
    )
    services.coding_create(note=note, code=funding, quote="bold", user=researcher)
    assert rounds.round_agreement(coding_round)[-1].with_uncoded.units == len("bold text")


@pytest.fixture
def disagreeing(client, open_round, second, shared_note, funding, politics):
    """Agreed on one passage; the first coded the alderman with politics, the second with
    funding; and both coded trust with funding, with different spans."""
    other = logged_in(second)
    for who in (client, other):
        code(who, shared_note, funding, "no budget")
    code(client, shared_note, politics, "The alderman decides")
    code(other, shared_note, funding, "The alderman decides")
    code(client, shared_note, funding, "Trust grows slowly")
    code(other, shared_note, funding, "Trust grows")
    rounds.round_close(coding_round=open_round)
    return open_round, other


def passages(client, coding_round):
    return client.get(coding_round.get_absolute_url()).context["comparison"].passages


def choose(client, coding_round, passage, outcome):
    return client.post(
        reverse("sessions:reconcile_choose", args=[coding_round.pk]),
        {"passage": passage.key, "outcome": outcome},
    )


def test_the_reconcile_view_shows_each_disagreement_with_both_codings_side_by_side(
    client, disagreeing
):
    coding_round, _other = disagreeing
    found = passages(client, coding_round)
    described = sorted(
        (p.code.name, [c.quote for c in p.first], [c.quote for c in p.second]) for p in found
    )
    assert described == [
        ("Organisation of funding", [], ["The alderman decides"]),
        ("Organisation of funding", ["Trust grows slowly"], ["Trust grows"]),
        ("Political trade-off and financial-political interaction", ["The alderman decides"], []),
    ]
    html = client.get(coding_round.get_absolute_url()).content.decode()
    assert html.count('class="side"') == 6


def test_reconcile_keeps_exactly_the_chosen_codings_and_each_choice_is_idempotent(
    client, disagreeing, shared_note, funding, politics, researcher, second
):
    coding_round, other = disagreeing
    by_shape = {(p.code, bool(p.first), bool(p.second)): p for p in passages(client, coding_round)}
    spans = by_shape[(funding, True, True)]
    for _ in range(2):
        assert choose(client, coding_round, spans, "second").status_code == 302
    # The other coder changes their mind on the same passage: one row, the latest choice.
    choose(other, coding_round, spans, "first")
    assert ReconcileChoice.objects.filter(round=coding_round).count() == 1
    choose(client, coding_round, by_shape[(politics, True, False)], "both")
    refused = client.post(reverse("sessions:reconcile_finish", args=[coding_round.pk]))
    assert refused.status_code == 302
    coding_round.refresh_from_db()
    assert coding_round.status == RoundStatus.CLOSED  # one passage still undecided
    choose(other, coding_round, by_shape[(funding, False, True)], "neither")
    for who in (client, other):  # both press it: the second finds it done
        finish = who.post(reverse("sessions:reconcile_finish", args=[coding_round.pk]))
        assert finish.status_code == 302
    coding_round.refresh_from_db()
    assert coding_round.status == RoundStatus.RECONCILED
    kept = sorted((c.code.name, c.quote, c.created_by.username) for c in rounds.project_codings())
    assert kept == [
        ("Organisation of funding", "Trust grows slowly", researcher.username),
        ("Organisation of funding", "no budget", researcher.username),
        (politics.name, "The alderman decides", researcher.username),
    ]
    # The reconciled codings are the project's: everyone who reads notes sees them.
    html = client.get(reverse("sessions:detail", args=[shared_note.session_id])).content
    assert "“Trust grows slowly".encode() in html and "“The alderman decides".encode() in html


def test_a_choice_on_an_open_round_or_an_unknown_passage_is_refused_without_error(
    client, open_round
):
    response = client.post(
        reverse("sessions:reconcile_choose", args=[open_round.pk]),
        {"passage": "1:2:3", "outcome": "both"},
    )
    assert response.status_code == 302
    assert not ReconcileChoice.objects.exists()


def test_only_the_rounds_coders_reconcile_it_and_another_researcher_finds_no_round(
    client, disagreeing, npl, region
):
    coding_round, _other = disagreeing
    passage = passages(client, coding_round)[0]
    national = logged_in(npl)
    assert national.get(coding_round.get_absolute_url()).status_code == 200
    choose(national, coding_round, passage, "neither")
    national.post(reverse("sessions:reconcile_finish", args=[coding_round.pk]))
    assert not ReconcileChoice.objects.exists()
    stranger = UserFactory(username="third", role=Role.RESEARCHER)
    region.researchers.add(stranger)
    assert logged_in(stranger).get(coding_round.get_absolute_url()).status_code == 404


def test_the_national_project_leader_follows_an_open_round_without_seeing_codings(
    client, open_round, second, shared_note, funding, npl
):
    code(client, shared_note, funding, "no budget")
    code(logged_in(second), shared_note, funding, "Trust grows slowly")
    html = logged_in(npl).get(open_round.get_absolute_url()).content.decode()
    assert shared_note.session.title in html
    assert "no budget" not in html and "Trust grows slowly" not in html


@pytest.mark.parametrize("role", ["rpl", "board", "stakeholder"])
def test_project_leaders_the_board_and_stakeholders_have_no_rounds(
    client, open_round, personas, role
):
    client.force_login(personas[role])
    expected = 403 if role == "rpl" else 404
    for url in (reverse("sessions:rounds"), open_round.get_absolute_url()):
        assert client.get(url).status_code == expected


def test_the_round_page_costs_the_same_queries_at_two_sizes(
    client, open_round, second, session, researcher, funding
):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    other = logged_in(second)

    def grow(n):
        for i in range(n):
            note = services.note_create(
                session=session, user=researcher, text=f"Note {i} on money and trust."
            )
            open_round.notes.add(note)
            services.coding_create(note=note, code=funding, quote="money", user=researcher)
            services.coding_create(note=note, code=funding, quote="trust", user=second)

    counts = []
    for n in (2, 6):
        grow(n)
        with CaptureQueriesContext(conn) as queries:
            response = other.get(open_round.get_absolute_url())
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    CodingRound.objects.filter(pk=open_round.pk).update(status=RoundStatus.CLOSED)
    closed = []
    for n in (2, 6):
        grow(n)
        with CaptureQueriesContext(conn) as queries:
            response = other.get(open_round.get_absolute_url())
        assert response.status_code == 200
        closed.append(len(queries))
    assert closed[0] == closed[1], closed


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="parallel writers need PostgreSQL"
)


@pytest.fixture
def two_coders(transactional_db, region, researcher, second, session, funding, politics):
    note = services.note_create(session=session, user=researcher, text=TEXT)
    coding_round = rounds.round_create(
        name="At once", first_coder=researcher, second_coder=second, notes=[note]
    )
    services.coding_create(note=note, code=funding, quote="no budget", user=researcher)
    services.coding_create(note=note, code=politics, quote="no budget", user=second)
    rounds.round_close(coding_round=coding_round)
    return coding_round, logged_in(researcher), logged_in(second)


@on_postgresql
def test_both_coders_reconciling_at_once_get_no_500_and_one_outcome(two_coders):
    coding_round, a, b = two_coders
    page = coding_round.get_absolute_url()
    action = reverse("sessions:reconcile_choose", args=[coding_round.pk])
    # Both coders choose for the same passage at the same moment, one of them twice.
    forms = [form_on_page(c, page, action) for c in (a, b)]
    answers = at_once(
        (a, action, {**forms[0], "outcome": "both"}),
        (b, action, {**forms[1], "outcome": "neither"}),
        (a, action, {**forms[0], "outcome": "both"}),
    )
    assert all(r.status_code == 302 for r in answers)
    assert ReconcileChoice.objects.count() == 1
    for passage in rounds.compare(coding_round).passages:
        rounds.reconcile_choose(
            coding_round=coding_round,
            user=coding_round.first_coder,
            passage=passage.key,
            outcome="both",
        )
    finish = reverse("sessions:reconcile_finish", args=[coding_round.pk])
    answers = at_once((a, finish, {}), (b, finish, {}))
    assert all(r.status_code == 302 for r in answers)
    assert rounds.project_codings().count() == 2  # not four
