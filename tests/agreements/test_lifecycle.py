"""The agreement rules: versions, approvals per party, agreed only on one version."""

import pytest
from django.core.exceptions import PermissionDenied

from agreements import services
from agreements.models import AgreementStatus, AgreementVersion, FrozenVersionError
from regions.models import ContextEvent
from steps.models import BusinessCase, Scenario
from tests.factories import StakeholderFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db


def approve_all(agreement, version, stakeholder_user, rpl, parties):
    services.approve(version=version, organisation=parties["own"], user=stakeholder_user)
    services.approve(
        version=version,
        organisation=parties["municipality"],
        user=rpl,
        consent_note="Alderman's letter of 3 May",
    )
    services.approve(
        version=version, organisation=parties["ssi"], user=rpl, consent_note="E-mail of 4 May"
    )


def test_a_draft_is_rewritten_in_place(agreement):
    assert agreement.status == AgreementStatus.DRAFT
    assert list(agreement.versions.values_list("number", flat=True)) == [1]
    content = agreement.versions.get().content
    assert [p["organisation"] for p in content["parties"]] == [
        "Gemeente Rivierstad",
        agreement.parties.order_by("organisation__name")[1].organisation.name,
        "UWV Rivierenland",
    ]
    assert [c["title"] for c in content["clauses"]] == ["Purpose", "Payment"]


def test_every_party_approving_one_version_makes_it_agreed(
    in_consultation, stakeholder_user, rpl, parties
):
    version = services.latest_version(in_consultation)
    assert version.frozen
    services.approve(version=version, organisation=parties["own"], user=stakeholder_user)
    services.approve(
        version=version, organisation=parties["municipality"], user=rpl, consent_note="Letter"
    )
    in_consultation.refresh_from_db()
    assert in_consultation.status == AgreementStatus.CONSULTATION
    services.approve(version=version, organisation=parties["ssi"], user=rpl, consent_note="Mail")
    in_consultation.refresh_from_db()
    assert in_consultation.status == AgreementStatus.AGREED
    assert in_consultation.agreed_version == version
    approvals = {a.organisation_id: a for a in version.approvals.all()}
    assert not approvals[parties["own"].pk].on_behalf
    assert approvals[parties["ssi"].pk].on_behalf
    assert approvals[parties["ssi"].pk].consent_note == "Mail"


def test_approvals_of_different_versions_do_not_add_up(
    in_consultation, stakeholder_user, rpl, parties
):
    first = services.latest_version(in_consultation)
    services.approve(version=first, organisation=parties["own"], user=stakeholder_user)
    services.approve(version=first, organisation=parties["ssi"], user=rpl, consent_note="Mail")
    second = services.save_clause(
        in_consultation, title="Payment", text="Paid monthly after the count.", by=rpl
    )
    assert second.number == 2 and second.frozen
    services.approve(
        version=second, organisation=parties["municipality"], user=rpl, consent_note="Letter"
    )
    in_consultation.refresh_from_db()
    assert in_consultation.status == AgreementStatus.CONSULTATION
    with pytest.raises(services.AgreementRuleError, match="replaced by version 2"):
        services.approve(
            version=first, organisation=parties["municipality"], user=rpl, consent_note="x"
        )


def test_a_change_after_agreement_makes_a_new_version_and_resets_approvals(
    in_consultation, stakeholder_user, rpl, parties
):
    agreed = services.latest_version(in_consultation)
    approve_all(in_consultation, agreed, stakeholder_user, rpl, parties)
    in_consultation.refresh_from_db()
    assert in_consultation.status == AgreementStatus.AGREED
    before = dict(agreed.content)

    new = services.update_terms(in_consultation, by=rpl, financial_terms="Paid per year.")
    in_consultation.refresh_from_db()
    assert new.number == agreed.number + 1
    assert new.approvals.count() == 0
    assert in_consultation.status == AgreementStatus.CONSULTATION
    agreed.refresh_from_db()
    assert agreed.content == before
    assert agreed.approvals.count() == 3


def test_a_frozen_version_cannot_be_saved(in_consultation):
    version = services.latest_version(in_consultation)
    version.content = {"title": "forged"}
    with pytest.raises(FrozenVersionError):
        version.save()
    assert AgreementVersion.objects.get(pk=version.pk).content["title"] == "WIM pilot funding"


def test_a_stakeholder_cannot_approve_for_another_organisation(
    in_consultation, stakeholder_user, parties
):
    version = services.latest_version(in_consultation)
    with pytest.raises(PermissionDenied):
        services.approve(version=version, organisation=parties["ssi"], user=stakeholder_user)
    assert version.approvals.count() == 0


def test_a_stakeholder_of_another_region_cannot_approve(
    in_consultation, other_stakeholder_user, parties, other_region
):
    # Even a stakeholder of the same organisation, when they belong to another region.
    person = other_stakeholder_user.stakeholder
    person.organisation = parties["own"]
    person.save()
    version = services.latest_version(in_consultation)
    with pytest.raises(PermissionDenied):
        services.approve(version=version, organisation=parties["own"], user=other_stakeholder_user)


def test_readers_cannot_approve_and_on_behalf_needs_a_note(
    in_consultation, researcher, board, other_rpl, rpl, parties
):
    version = services.latest_version(in_consultation)
    for user in (researcher, board, other_rpl):
        with pytest.raises(PermissionDenied):
            services.approve(version=version, organisation=parties["ssi"], user=user)
    with pytest.raises(services.AgreementRuleError, match="consent"):
        services.approve(version=version, organisation=parties["ssi"], user=rpl)


def test_approving_twice_or_in_draft_is_refused(
    agreement, in_consultation, stakeholder_user, parties
):
    version = services.latest_version(in_consultation)
    services.approve(version=version, organisation=parties["own"], user=stakeholder_user)
    with pytest.raises(services.AgreementRuleError, match="already approved"):
        services.approve(version=version, organisation=parties["own"], user=stakeholder_user)


def test_a_draft_cannot_be_approved(agreement, stakeholder_user, parties):
    with pytest.raises(services.AgreementRuleError, match="consultation"):
        services.approve(
            version=services.latest_version(agreement),
            organisation=parties["own"],
            user=stakeholder_user,
        )


def test_consultation_needs_two_parties_and_a_clause(region, rpl, parties):
    agreement = services.create_agreement(region=region, title="Intent", kind="letter_of_intent")
    with pytest.raises(services.AgreementRuleError, match="two parties"):
        services.submit_for_consultation(agreement, by=rpl)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT


def test_a_party_must_take_part_in_the_region_and_signatory_work_there(
    agreement, rpl, other_region
):
    from regions.models import Organisation

    outsider = Organisation.objects.create(name="Elsewhere", sector="ssi")
    with pytest.raises(services.AgreementRuleError, match="does not take part"):
        services.set_party(agreement, organisation=outsider, by=rpl)
    person = StakeholderFactory()
    with pytest.raises(services.AgreementRuleError, match="does not work for"):
        services.set_party(
            agreement, organisation=agreement.parties.first().organisation, signatory=person
        )


def test_shared_savings_copies_the_split_from_the_business_case(region, parties):
    case = BusinessCase.objects.create(region=region)
    scenario = Scenario.objects.create(
        business_case=case,
        name="Pilot",
        clients=10,
        success_rate="0.3",
        lag_months=6,
        horizon_months=36,
        intervention_months=12,
        split_kind="percentages",
        split_percentages={str(parties["municipality"].pk): 60, str(parties["ssi"].pk): 40},
    )
    agreement = services.create_agreement(
        region=region, title="Shared savings", kind="shared_savings", scenario=scenario
    )
    content = services.latest_version(agreement).content
    assert content["split_kind"] == "percentages"
    assert {s["organisation"]: s["percentage"] for s in content["split"]} == {
        "Gemeente Rivierstad": "60",
        "UWV Rivierenland": "40",
    }
    # A later change to the business case leaves the agreement's split alone.
    scenario.split_percentages = {}
    scenario.save()
    agreement.refresh_from_db()
    assert len(agreement.split_percentages) == 2


def test_status_moves_after_agreement(in_consultation, stakeholder_user, rpl, parties, region):
    approve_all(
        in_consultation, services.latest_version(in_consultation), stakeholder_user, rpl, parties
    )
    services.move(in_consultation, "activate", by=rpl)
    with pytest.raises(services.AgreementRuleError):
        services.move(in_consultation, "activate", by=rpl)
    with pytest.raises(services.AgreementRuleError, match="why"):
        services.move(in_consultation, "terminate", by=rpl)
    services.move(in_consultation, "end", by=rpl)
    in_consultation.refresh_from_db()
    assert in_consultation.status == AgreementStatus.ENDED
    with pytest.raises(services.AgreementRuleError, match="can no longer change"):
        services.update_terms(in_consultation, by=rpl, title="Other")


def test_diff_between_two_versions(in_consultation, rpl, parties):
    first = services.latest_version(in_consultation)
    services.save_clause(
        in_consultation, title="Payment", text="Paid monthly after the count.", by=rpl
    )
    services.save_clause(in_consultation, title="Exit", text="Either party may leave.", by=rpl)
    third = services.set_party(in_consultation, organisation=parties["ssi"], amount=200, by=rpl)
    rows = services.diff_versions(first, third)
    by_label = {row.label: row for row in rows}
    assert by_label["Payment"].change == "changed"
    assert ("del", "quarterly") in by_label["Payment"].segments
    assert ("ins", "monthly") in by_label["Payment"].segments
    assert by_label["Exit"].change == "added"
    assert "200.00" in by_label["UWV Rivierenland"].new


def test_a_context_event_flags_its_agreements_for_review(agreement, rpl, region, other_region):
    event = ContextEvent.objects.create(
        region=region, date="2026-03-01", kind="legislation", description="Benefit rules change"
    )
    services.flag_for_review(event, [agreement], by=rpl)
    services.flag_for_review(event, [agreement], by=rpl)  # twice changes nothing
    assert agreement.reviews.filter(resolved_at__isnull=True).count() == 1
    review = agreement.reviews.get()
    services.resolve_review(review, by=rpl, resolution="Terms still hold.")
    assert agreement.reviews.filter(resolved_at__isnull=True).count() == 0
    foreign = ContextEvent.objects.create(
        region=other_region, date="2026-03-01", kind="funding", description="x"
    )
    with pytest.raises(services.AgreementRuleError):
        services.flag_for_review(foreign, [agreement], by=rpl)


def test_a_second_stakeholder_of_the_same_organisation_may_approve(
    in_consultation, region, parties
):
    user = UserFactory(username="colleague", role="stakeholder")
    add_member(region, StakeholderFactory(user=user, organisation=parties["municipality"]))
    version = services.latest_version(in_consultation)
    approval = services.approve(version=version, organisation=parties["municipality"], user=user)
    assert not approval.on_behalf


def test_editing_a_clause_in_consultation_changes_it_in_the_new_version(in_consultation, rpl):
    clause = in_consultation.clauses.get(title="Payment")
    version = services.save_clause(
        in_consultation, clause_id=clause.pk, title="Payment", text="Monthly.", by=rpl
    )
    assert [c["text"] for c in version.content["clauses"] if c["title"] == "Payment"] == [
        "Monthly."
    ]
    assert len(version.content["clauses"]) == 2


def test_an_agreement_reached_appears_in_the_learning_network_and_on_the_dashboard(
    in_consultation, stakeholder_user, rpl, npl, parties, client
):
    from django.urls import reverse

    from roadmap_site.national.network import network_feed

    assert not [item for item in network_feed() if item.kind == "agreement"]
    version = services.latest_version(in_consultation)
    services.approve(version=version, organisation=parties["own"], user=stakeholder_user)
    for party in ("municipality", "ssi"):
        services.approve(
            version=version, organisation=parties[party], user=rpl, consent_note="Signed letter"
        )
    [item] = [item for item in network_feed() if item.kind == "agreement"]
    assert item.region == in_consultation.region
    assert in_consultation.title in item.title

    client.force_login(npl)
    page = client.get(reverse("dashboard:index")).content.decode()
    assert "agreed × 1" in page
    comparison = client.get(reverse("dashboard:comparison")).content.decode()
    assert in_consultation.title in comparison
