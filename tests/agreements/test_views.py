"""Agreement screens, document downloads and the portal: access for every role, the main
flows, and query counts that do not grow with the data."""

import pytest
from django.urls import reverse

from agreements import documents, services
from agreements.models import AgreementStatus, Document, DocumentStatus
from regions.models import Organisation, RegionOrganisation
from tests.factories import StakeholderFactory, add_member

pytestmark = pytest.mark.django_db

READ = {
    "npl": 200,
    "rpl": 200,
    "other_rpl": 404,
    "researcher": 200,
    "board": 200,
    "stakeholder": 200,
    "other_stakeholder": 404,
    "anonymous": 302,
}
WRITE = {**READ, "researcher": 403, "board": 403, "stakeholder": 403}


def as_(client, personas, name):
    client.logout()
    if personas[name] is not None:
        client.force_login(personas[name])
    return client


def ready_document(region=None, kind="agreement"):
    document = Document.objects.create(
        kind=kind,
        region=region,
        title="A document",
        payload={"title": "A document"},
        content_hash="x" * 64,
        status=DocumentStatus.READY,
        pages=1,
    )
    from django.core.files.base import ContentFile

    document.file.save(f"{document.pk}.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    return document


@pytest.mark.parametrize("name", list(READ))
def test_reading_an_agreement_and_the_portal(client, personas, name, in_consultation, region):
    as_(client, personas, name)
    for url in (
        reverse("agreements:detail", args=[in_consultation.pk]),
        reverse("agreements:list", args=[region.pk]),
        reverse("agreements:diff", args=[in_consultation.pk]),
        reverse("agreements:portal_region", args=[region.pk]),
    ):
        assert client.get(url).status_code == READ[name], url


@pytest.mark.parametrize("name", list(WRITE))
def test_changing_an_agreement(client, personas, name, in_consultation):
    as_(client, personas, name)
    response = client.post(
        reverse("agreements:clause", args=[in_consultation.pk]),
        {"title": "Exit", "text": "Either party may leave."},
    )
    expected = {200: 302}.get(WRITE[name], WRITE[name])
    assert response.status_code == expected
    changed = in_consultation.clauses.filter(title="Exit").exists()
    assert changed == (expected == 302 and name != "anonymous")


@pytest.mark.parametrize("name", list(READ))
def test_downloads_check_access(client, personas, name, region):
    as_(client, personas, name)
    document = ready_document(region)
    response = client.get(reverse("agreements:download", args=[document.pk]))
    assert response.status_code == READ[name]
    if response.status_code == 200:
        assert response["Content-Type"] == "application/pdf"
        assert (
            'attachment; filename="agreement-rivierenland.pdf"' in response["Content-Disposition"]
        )
        assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    "name,expected",
    [
        ("npl", 200),
        ("board", 200),
        ("rpl", 404),
        ("researcher", 404),
        ("stakeholder", 404),
        ("anonymous", 302),
    ],
)
def test_the_board_report_is_for_the_national_level(client, personas, name, expected):
    as_(client, personas, name)
    document = ready_document(None, kind="board_report")
    assert client.get(reverse("agreements:download", args=[document.pk])).status_code == expected
    page = client.get(reverse("agreements:board_report"))
    assert page.status_code == {404: 403}.get(expected, expected)


def test_an_unknown_document_id_is_404(client, npl):
    client.force_login(npl)
    url = reverse("agreements:download", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404
    assert client.get("/documents/1/download/").status_code == 404


def test_the_media_directory_has_no_public_url(client, npl, region):
    client.force_login(npl)
    document = ready_document(region)
    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_a_stakeholder_approves_for_their_own_organisation_only(
    client, stakeholder_user, in_consultation, parties
):
    client.force_login(stakeholder_user)
    url = reverse("agreements:approve", args=[in_consultation.pk, 1])
    refused = client.post(url, {"approve-organisation": parties["ssi"].pk})
    assert refused.status_code == 403
    ok = client.post(url, {"approve-organisation": parties["own"].pk, "next": "portal"})
    assert ok.status_code == 302
    assert ok["Location"] == reverse("agreements:portal_region", args=[in_consultation.region_id])
    assert services.latest_version(in_consultation).approvals.get().organisation == parties["own"]


@pytest.mark.parametrize("name", ["researcher", "board", "other_rpl", "other_stakeholder"])
def test_others_cannot_approve(client, personas, name, in_consultation, parties):
    as_(client, personas, name)
    response = client.post(
        reverse("agreements:approve", args=[in_consultation.pk, 1]),
        {"approve-organisation": parties["ssi"].pk, "approve-consent_note": "x"},
    )
    assert response.status_code in {403, 404}
    assert response.status_code == (404 if name.startswith("other") else 403)


def test_the_project_leader_approves_on_behalf_with_htmx_and_sees_agreed(
    client, rpl, stakeholder_user, in_consultation, parties
):
    services.approve(
        version=services.latest_version(in_consultation),
        organisation=parties["own"],
        user=stakeholder_user,
    )
    client.force_login(rpl)
    url = reverse("agreements:approve", args=[in_consultation.pk, 1])
    missing_note = client.post(
        url, {"approve-organisation": parties["ssi"].pk}, headers={"HX-Request": "true"}
    )
    assert missing_note.status_code == 422
    assert "consent" in missing_note.content.decode()
    for key in ("ssi", "municipality"):
        response = client.post(
            url,
            {"approve-organisation": parties[key].pk, "approve-consent_note": "Signed letter"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
    in_consultation.refresh_from_db()
    assert in_consultation.status == AgreementStatus.AGREED
    assert 'id="agreement-status" aria-live="polite">agreed</span>' in response.content.decode()


def test_a_refused_form_keeps_what_was_typed(client, rpl, agreement):
    client.force_login(rpl)
    response = client.post(
        reverse("agreements:clause", args=[agreement.pk]),
        {"title": "Half a clause", "text": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert 'value="Half a clause"' in response.content.decode()


def test_submitting_too_early_explains_why(client, rpl, region):
    agreement = services.create_agreement(region=region, title="Intent", kind="letter_of_intent")
    client.force_login(rpl)
    response = client.post(reverse("agreements:submit", args=[agreement.pk]))
    assert response.status_code == 422
    assert "two parties" in response.content.decode()


def test_creating_an_agreement(client, rpl, region):
    client.force_login(rpl)
    response = client.post(
        reverse("agreements:create", args=[region.pk]),
        {"title": "LDD fee for service", "kind": "fee_for_service"},
    )
    assert response.status_code == 302
    bad = client.post(reverse("agreements:create", args=[region.pk]), {"title": "", "kind": "x"})
    assert bad.status_code == 422


def test_garbage_never_answers_500(client, rpl, in_consultation, region):
    client.force_login(rpl)
    pk = in_consultation.pk
    for url, data in [
        (reverse("agreements:move", args=[pk, "explode"]), {}),
        (reverse("agreements:move", args=[pk, "supersede"]), {"supersede-superseded_by": "abc"}),
        (reverse("agreements:approve", args=[pk, 99]), {}),
        (reverse("agreements:party_remove", args=[pk, 999999]), {}),
        (reverse("agreements:clause_edit", args=[pk, 999999]), {"title": "a", "text": "b"}),
        (reverse("agreements:terms", args=[pk]), {"start_date": "yesterday"}),
        (reverse("agreements:step_report_pdf", args=[region.pk, "9z"]), {}),
        (reverse("agreements:review", args=[pk]), {"context_event": "1;drop"}),
    ]:
        assert client.post(url, data).status_code < 500, url
    assert client.get(reverse("agreements:diff", args=[pk]) + "?from=x&to=7").status_code == 200


def test_the_diff_page_shows_what_changed(client, rpl, in_consultation):
    services.save_clause(in_consultation, title="Payment", text="Paid monthly.", by=rpl)
    client.force_login(rpl)
    page = client.get(reverse("agreements:diff", args=[in_consultation.pk]) + "?from=1&to=2")
    html = page.content.decode()
    assert "<del>quarterly after the count.</del>" in html
    assert "<ins>monthly.</ins>" in html


def test_flagging_and_closing_a_review(client, rpl, agreement, region):
    from regions.models import ContextEvent

    event = ContextEvent.objects.create(
        region=region, date="2026-02-01", kind="funding", description="Subsidy ends"
    )
    client.force_login(rpl)
    client.post(reverse("agreements:review", args=[agreement.pk]), {"context_event": event.pk})
    page = client.get(reverse("agreements:list", args=[agreement.region_id]))
    assert "needs review" in page.content.decode()
    review = agreement.reviews.get()
    client.post(
        reverse("agreements:review_resolve", args=[agreement.pk, review.pk]),
        {"resolution": "Covered by the municipality."},
    )
    review.refresh_from_db()
    assert review.resolved_at is not None


def test_requesting_a_pdf_answers_its_status_and_polls_until_done(
    client, stakeholder_user, in_consultation, monkeypatch
):
    from kombu.exceptions import OperationalError

    from agreements.rendering import render_document

    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(render_document, "apply_async", broker_down)
    client.force_login(stakeholder_user)
    response = client.post(
        reverse("agreements:pdf", args=[in_consultation.pk, 1]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Queued" in html and 'hx-trigger="every 1s"' in html
    document = Document.objects.get()
    page = client.get(reverse("agreements:document", args=[document.pk]))
    assert page.status_code == 200 and "Queued" in page.content.decode()
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.FAILED, error="boom")
    done = client.get(
        reverse("agreements:document", args=[document.pk]), headers={"HX-Request": "true"}
    )
    assert "hx-trigger" not in done.content.decode()
    assert "Try again" in done.content.decode()


def test_the_home_page_sends_a_stakeholder_to_the_portal(client, stakeholder_user, region):
    client.force_login(stakeholder_user)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("agreements:portal_region", args=[region.pk])
    assert region.name in response.content.decode()


def test_the_portal_shows_no_drafts_and_offers_the_own_approval(
    client, stakeholder_user, in_consultation, region, rpl
):
    services.create_agreement(region=region, title="Secret draft", kind="subsidy_scheme", by=rpl)
    client.force_login(stakeholder_user)
    html = client.get(reverse("agreements:portal_region", args=[region.pk])).content.decode()
    assert "WIM pilot funding" in html and "Secret draft" not in html
    assert "Approve version 1" in html


def test_the_region_page_shows_the_agreements_panel(client, rpl, in_consultation, region):
    client.force_login(rpl)
    html = client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    assert "Agreements and documents" in html and "WIM pilot funding" in html


# --- query counts ------------------------------------------------------------------------


def grow(agreement, region, rpl, stakeholder_user, parties, extra_parties=5, extra_clauses=8):
    """Many more parties, clauses and versions, with approvals on the latest."""
    for number in range(extra_parties):
        organisation = Organisation.objects.create(name=f"Extra {number}", sector="employer")
        RegionOrganisation.objects.create(region=region, organisation=organisation)
        person = add_member(region, StakeholderFactory(organisation=organisation))
        services.set_party(agreement, organisation=organisation, signatory=person, by=rpl)
    for number in range(extra_clauses):
        services.save_clause(agreement, title=f"Clause {number}", text="Text " * 20, by=rpl)
    services.approve(
        version=services.latest_version(agreement),
        organisation=parties["own"],
        user=stakeholder_user,
    )
    for key in ("ssi", "municipality"):
        services.approve(
            version=services.latest_version(agreement),
            organisation=parties[key],
            user=rpl,
            consent_note="Letter",
        )


@pytest.mark.parametrize("who", ["rpl", "stakeholder"])
def test_agreement_page_query_count_does_not_grow(
    client,
    django_assert_max_num_queries,
    personas,
    who,
    in_consultation,
    region,
    rpl,
    stakeholder_user,
    parties,
):
    client.force_login(personas[who])
    url = reverse("agreements:detail", args=[in_consultation.pk])
    with django_assert_max_num_queries(QUERIES["agreement", who]):
        assert client.get(url).status_code == 200
    grow(in_consultation, region, rpl, stakeholder_user, parties)
    documents.request_agreement(services.latest_version(in_consultation))
    with django_assert_max_num_queries(QUERIES["agreement", who]):
        assert client.get(url).status_code == 200


def test_portal_query_count_does_not_grow(
    client,
    django_assert_max_num_queries,
    in_consultation,
    region,
    rpl,
    stakeholder_user,
    parties,
    work_plan_version,
):
    client.force_login(stakeholder_user)
    url = reverse("agreements:portal_region", args=[region.pk])
    with django_assert_max_num_queries(QUERIES["portal"]):
        assert client.get(url).status_code == 200
    grow(in_consultation, region, rpl, stakeholder_user, parties)
    for number in range(4):
        other = services.create_agreement(region=region, title=f"A{number}", kind="pilot_funding")
        services.set_party(other, organisation=parties["own"], by=rpl)
        services.set_party(other, organisation=parties["ssi"], by=rpl)
        services.save_clause(other, title="Purpose", text="x", by=rpl)
        services.submit_for_consultation(other, by=rpl)
    from steps.models import WorkPlanVersion

    for number in range(2, 6):
        WorkPlanVersion.objects.create(
            work_plan=work_plan_version.work_plan, number=number, snapshot={}
        )
    with django_assert_max_num_queries(QUERIES["portal"]):
        assert client.get(url).status_code == 200


# Measured: agreement page 22 (project leader, with the edit forms) and 14 (stakeholder);
# the portal 21 for a stakeholder with nothing cached (one of them the proof that a step is
# done, steps/step_state.py; one the data version; one the started steps for the PDF
# buttons), 9 warm (tests/agreements/test_portal_cache.py). The same at both sizes.
# The project leader's agreement page reads one more: who was asked by mail, and when.
QUERIES = {("agreement", "rpl"): 23, ("agreement", "stakeholder"): 14, "portal": 21}


def test_the_status_badge_polls_while_in_consultation_and_refreshes_once_agreed(
    client, rpl, stakeholder_user, in_consultation, parties
):
    client.force_login(rpl)
    url = reverse("agreements:status", args=[in_consultation.pk])
    polling = client.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 3s"' in polling.content.decode()
    assert "HX-Refresh" not in polling
    version = services.latest_version(in_consultation)
    services.approve(version=version, organisation=parties["own"], user=stakeholder_user)
    for key in ("ssi", "municipality"):
        services.approve(version=version, organisation=parties[key], user=rpl, consent_note="ok")
    done = client.get(url, headers={"HX-Request": "true"})
    assert "hx-trigger" not in done.content.decode()
    assert done["HX-Refresh"] == "true"


@pytest.mark.parametrize("name", list(READ))
def test_asking_for_pdfs_and_their_status_pages(
    client, personas, name, in_consultation, region, held_step, work_plan_version, monkeypatch
):
    from agreements.rendering import render_document

    monkeypatch.setattr(render_document, "apply_async", lambda *a, **k: None)
    as_(client, personas, name)
    expected = {200: 302}.get(READ[name], READ[name])
    for url in (
        reverse("agreements:pdf", args=[in_consultation.pk, 1]),
        reverse("agreements:step_report_pdf", args=[region.pk, "1"]),
        reverse("agreements:work_plan_pdf", args=[region.pk, work_plan_version.pk]),
    ):
        assert client.post(url).status_code == expected, url
    document = ready_document(region)
    for url in (
        reverse("agreements:document", args=[document.pk]),
        reverse("agreements:portal"),
    ):
        response = client.get(url)
        if url.endswith("/portal/") and READ[name] == 404:
            # Their own region's portal, never this one.
            assert response.status_code in {200, 302}
            assert response.get("Location") != reverse("agreements:portal_region", args=[region.pk])
            assert region.name not in response.content.decode()
        else:
            assert response.status_code in {READ[name], 302}, url
    retry = client.post(reverse("agreements:retry", args=[document.pk]))
    assert retry.status_code == expected


def test_stakeholders_do_not_see_drafts(client, stakeholder_user, agreement, region):
    client.force_login(stakeholder_user)
    assert client.get(reverse("agreements:detail", args=[agreement.pk])).status_code == 404
    listing = client.get(reverse("agreements:list", args=[region.pk])).content.decode()
    assert agreement.title not in listing
    region_page = client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    assert agreement.title not in region_page


def test_a_pdf_of_a_draft_is_not_for_stakeholders(client, stakeholder_user, rpl, agreement, region):
    document = ready_document(region)
    document.subject_id = services.latest_version(agreement).pk
    document.save()
    client.force_login(stakeholder_user)
    assert client.get(reverse("agreements:download", args=[document.pk])).status_code == 404
    portal = client.get(reverse("agreements:portal_region", args=[region.pk]))
    assert str(document.pk) not in portal.content.decode()
    client.force_login(rpl)
    assert client.get(reverse("agreements:download", args=[document.pk])).status_code == 200


def test_an_active_agreement_past_its_review_date_says_so(
    client, rpl, in_consultation, stakeholder_user, parties, region
):
    import datetime

    version = services.latest_version(in_consultation)
    services.approve(version=version, organisation=parties["own"], user=stakeholder_user)
    for key in ("ssi", "municipality"):
        services.approve(version=version, organisation=parties[key], user=rpl, consent_note="ok")
    services.move(in_consultation, "activate", by=rpl)
    in_consultation.__class__.objects.filter(pk=in_consultation.pk).update(
        review_date=datetime.date(2020, 1, 1)
    )
    client.force_login(rpl)
    assert (
        "review date passed"
        in client.get(reverse("agreements:list", args=[region.pk])).content.decode()
    )
    assert (
        "review date passed"
        in client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    )


def test_a_ready_document_without_a_page_count_still_shows(client, rpl, region):
    document = ready_document(region)
    Document.objects.filter(pk=document.pk).update(pages=None)
    client.force_login(rpl)
    assert client.get(reverse("agreements:document", args=[document.pk])).status_code == 200
