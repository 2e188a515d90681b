"""The stakeholder portal's read parts are cached under the data version (issue 23): the
same for every viewer of the region, while who is looking (the organisation they represent,
whether an agreement waits for their approval) and the forms with their CSRF tokens are
answered per request. An approval or a new document shows at once."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements import services
from agreements.models import Document, DocumentStatus
from regions.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Runs the block's on-commit callbacks (the version bump) as a commit would, after
    dropping the bump earlier saves of the never-committed test transaction queued."""

    def block():
        transaction.get_connection().run_on_commit.clear()
        return django_capture_on_commit_callbacks(execute=True)

    return block


@pytest.fixture
def alderman_user(parties):
    """The municipality's representative, with a login of their own."""
    user = UserFactory(username="alderman", role=Role.STAKEHOLDER)
    parties["alderman"].user = user
    parties["alderman"].save()
    return user


def portal(client, user, region):
    client.force_login(user)
    transaction.get_connection().run_on_commit.clear()  # as if the fixtures had committed
    return client.get(reverse("agreements:portal_region", args=[region.pk])).content.decode()


def approve_form(agreement):
    return reverse("agreements:approve", args=[agreement.pk, 1])


def test_one_stakeholder_never_gets_another_ones_approval_or_organisation(
    client, region, in_consultation, stakeholder_user, alderman_user, parties, rpl, committing
):
    mine = portal(client, stakeholder_user, region)
    assert approve_form(in_consultation) in mine
    assert f'name="approve-organisation" value="{parties["own"].pk}"' in mine
    assert f"<dd>{parties['own'].name}</dd>" in mine

    with committing():
        services.approve(
            version=services.latest_version(in_consultation),
            organisation=parties["municipality"],
            user=alderman_user,
        )
    theirs = portal(client, alderman_user, region)
    assert approve_form(in_consultation) not in theirs  # approved already
    assert "This binds" not in theirs
    assert f"<dd>{parties['municipality'].name}</dd>" in theirs
    assert parties["own"].name not in theirs.split("</header>")[0]

    mine = portal(client, stakeholder_user, region)
    assert approve_form(in_consultation) in mine
    assert f'name="approve-organisation" value="{parties["own"].pk}"' in mine
    assert f'value="{parties["municipality"].pk}"' not in mine
    assert f"<dd>{parties['own'].name}</dd>" in mine


def test_an_approval_shows_at_once_to_every_viewer(
    client, region, in_consultation, stakeholder_user, parties, npl, committing
):
    before = portal(client, stakeholder_user, region)
    assert "○ " + parties["own"].name in before
    assert "○ " + parties["own"].name in portal(client, npl, region)  # from the cache
    with committing():
        services.approve(
            version=services.latest_version(in_consultation),
            organisation=parties["own"],
            user=stakeholder_user,
        )
    for viewer in (stakeholder_user, npl):
        html = portal(client, viewer, region)
        assert "✓ " + parties["own"].name in html and "○ " + parties["own"].name not in html
        assert approve_form(in_consultation) not in html


def test_a_new_document_and_a_new_version_show_at_once(
    client, region, in_consultation, stakeholder_user, rpl, committing
):
    assert "Ready to download" not in portal(client, stakeholder_user, region)
    Document.objects.create(
        kind="work_plan",
        region=region,
        title="Work plan of Rivierenland",
        payload={},
        content_hash="y" * 64,
        status=DocumentStatus.READY,
        pages=1,
    )
    html = portal(client, stakeholder_user, region)
    assert "Ready to download" in html and "Work plan of Rivierenland" in html

    with committing():
        # A change during consultation makes a new version, put to the parties again.
        services.save_clause(in_consultation, title="Payment", text="Monthly.", by=rpl)
    html = portal(client, stakeholder_user, region)
    assert "version 2" in html
    assert reverse("agreements:approve", args=[in_consultation.pk, 2]) in html


def test_the_cached_parts_hold_no_token_and_every_viewer_gets_their_own(
    client, region, in_consultation, stakeholder_user, npl, work_plan_version
):
    tokens = set()
    for viewer in (stakeholder_user, npl):
        client.logout()
        html = portal(client, viewer, region)
        assert reverse("agreements:pdf", args=[in_consultation.pk, 1]) in html
        assert reverse("agreements:work_plan_pdf", args=[region.pk, work_plan_version.pk]) in html
        tokens |= {
            part.split('"')[0] for part in html.split('name="csrfmiddlewaretoken" value="')[1:]
        }
    assert len(tokens) >= 2  # masked per request: none of them came from the cache
    from django.core.cache import cache

    stored = list(cache._cache.values())  # the local-memory cache: pickled entries
    assert stored and not any(b"csrfmiddlewaretoken" in value for value in stored)


def test_warm_the_portal_costs_a_fixed_few_queries(
    client, region, in_consultation, stakeholder_user, parties, rpl, work_plan_version
):
    def warm():
        portal(client, stakeholder_user, region)
        transaction.get_connection().run_on_commit.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("agreements:portal_region", args=[region.pk]))
        return len(queries)

    small = warm()
    for number in range(3):
        other = services.create_agreement(region=region, title=f"A{number}", kind="pilot_funding")
        services.set_party(other, organisation=parties["own"], by=rpl)
        services.set_party(other, organisation=parties["ssi"], by=rpl)
        services.save_clause(other, title="Purpose", text="x", by=rpl)
        services.submit_for_consultation(other, by=rpl)
    from django.core.cache import cache

    cache.clear()
    assert warm() == small <= PORTAL_WARM


# Warm: the session (read, and saved on every request: three), the user, the role, the
# region, the data version and the ready documents (read each time).
PORTAL_WARM = 10
