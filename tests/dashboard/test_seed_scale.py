"""The national-scale data set: reproducible, complete enough to measure, and the pages
keep their query counts on it."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from regions.models import Region, RegionStakeholder
from roadmap_site.national.management.commands.seed_scale import seed_scale
from sessions.models import Attendance, Coding, FieldNote, FieldNoteVersion, Session
from steps.models import Measurement, RegionStep
from tests.query_budgets import REGION_PAGE

pytestmark = pytest.mark.django_db


def fingerprint():
    return (
        list(Region.objects.order_by("name").values_list("name", "status", "joined_on")),
        list(
            RegionStep.objects.order_by("region__name", "step__order").values_list(
                "status", "started_on", "completed_on"
            )
        ),
        list(Session.objects.order_by("region__name", "date", "kind").values_list("date", "kind")),
        Attendance.objects.count(),
        sorted(FieldNote.objects.values_list("session__region__name", "session__date", "text")),
        sorted(Coding.objects.values_list("note__text", "code__name", "quote", "start", "end")),
    )


def seeded(seed):
    with transaction.atomic():
        seed_scale(regions=5, years=2, seed=seed)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    first, again, other = seeded(3), seeded(3), seeded(4)
    assert first == again
    assert first != other


def test_scale_regions_take_the_codes_regions_beside_them_leave_free():
    # `make bench-pages` seeds the scale data beside the demo, whose regions hold codes.
    Region.objects.create(name="Already here", code="AM02")
    seed_scale(regions=3, years=1, seed=1)
    codes = sorted(Region.objects.exclude(name="Already here").values_list("code", flat=True))
    assert codes == ["AM01", "AM03", "AM04"]


def test_scale_data_has_what_the_national_rollout_has():
    world = seed_scale(regions=6, years=2, seed=1)
    assert Region.objects.count() == 6
    for region in world.regions:
        assert RegionStakeholder.objects.filter(region=region).count() == 30
        assert RegionStep.objects.filter(region=region).count() == 6
    active_years = sum((world.today - r.joined_on).days for r in world.regions) / 365
    held = Session.objects.filter(status="held").count()
    assert 30 * active_years < held < 45 * active_years
    assert Attendance.objects.count() > held * 3
    assert RegionStep.objects.exclude(status="not_started").exists()
    assert world.counts["sessions"] == Session.objects.count()
    if RegionStep.objects.filter(step__code="5").exclude(status="not_started").exists():
        assert Measurement.objects.exists()


def test_held_group_sessions_have_field_notes_with_coded_passages():
    world = seed_scale(regions=4, years=2, seed=5)
    held_groups = Session.objects.filter(kind="group", status="held")
    notes = FieldNote.objects.select_related("session", "author")
    assert held_groups.count() <= notes.count() < 1.3 * held_groups.count()
    assert not notes.exclude(session__in=held_groups).exists()
    assert set(held_groups.values_list("pk", flat=True)) == {n.session_id for n in notes}
    researcher, owners = world.users["researcher"], {r.owner_id for r in world.regions}
    texts = set()
    for note in notes:
        assert (note.version, note.updated_by_id) == (1, note.author_id)
        assert note.author_id in owners | {researcher.pk}
        assert timezone.localtime(note.created_at).date() >= note.session.date
        texts.add(note.text)
    assert len(texts) == notes.count()  # varied, not one text repeated
    assert "lorem" not in " ".join(texts).lower()
    versions = FieldNoteVersion.objects.values_list("note_id", "number", "text", "saved_by_id")
    assert sorted(versions) == sorted((n.pk, 1, n.text, n.author_id) for n in notes)

    codings = list(Coding.objects.select_related("note", "code"))
    assert 2 * notes.count() <= len(codings) <= 3 * notes.count()
    assert {len(n.codings.all()) for n in notes.prefetch_related("codings")} <= {2, 3}
    for coding in codings:
        assert coding.quote and coding.note.text[coding.start : coding.end] == coding.quote
        assert coding.code.parent_id is not None and not coding.code.retired
        assert coding.created_by_id == researcher.pk and not coding.lost
    assert len({c.code_id for c in codings}) >= 8  # the whole codebook is used
    # Offsets count code points: passages after "Cliëntenraad" or "€" still line up.
    assert any(not c.note.text[: c.start].isascii() for c in codings)
    assert world.counts["field notes"] == notes.count()
    assert world.counts["codings"] == len(codings)


def test_seeding_twice_changes_nothing(capsys):
    call_command("seed_scale", regions=2, years=1, seed=1, force=True)
    counts = (Region.objects.count(), Session.objects.count())
    call_command("seed_scale", regions=2, years=1, seed=1, force=True)
    assert (Region.objects.count(), Session.objects.count()) == counts
    assert "nothing changed" in capsys.readouterr().out


def test_seed_scale_refuses_in_production_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(Exception, match="DJANGO_DEBUG=0"):
        call_command("seed_scale", regions=2, years=1)
    assert not Region.objects.exists()


@pytest.mark.parametrize("regions", [4, 35])
def test_pages_keep_their_query_count_on_scale_data(
    client, npl, regions, django_assert_max_num_queries
):
    world = seed_scale(regions=regions, years=1, seed=2)
    client.force_login(npl)
    busiest = max(world.regions, key=lambda r: len(world.stakeholders[r.pk]))
    for url, budget in [
        (reverse("dashboard:index"), 25),
        # The list and the comparison: one query more for the data version of their cache.
        (reverse("regions:list"), 9),
        (reverse("regions:detail", args=[busiest.pk]), REGION_PAGE),
        (reverse("dashboard:comparison"), 14),
        (reverse("dashboard:charts"), 20),
        (reverse("dashboard:network"), 14),
        (reverse("steps:business_case", args=[busiest.pk]), 17),
        # The downloads of issue 23: a CSV builds only its own sheet.
        (reverse("regions:export", args=[busiest.pk, "sessions", "csv"]), 9),
        (reverse("regions:export", args=[busiest.pk, "sessions", "csv"]) + "?sheet=2", 9),
        (reverse("regions:export", args=[busiest.pk, "sessions", "xlsx"]), 10),
    ]:
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200
