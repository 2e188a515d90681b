"""The code page, the codebook, a session page and a region's session list keep their query
counts on national-scale data with field notes and codings (``seed_scale``), at a small and
a larger size."""

import pytest
from django.urls import reverse

from roadmap_site.national.management.commands.seed_scale import seed_scale
from sessions.models import Coding

pytestmark = pytest.mark.django_db


# The same budgets as on hand-built data in tests/sessions/test_queries.py.
@pytest.mark.parametrize("regions", [4, 12])
def test_code_page_and_session_list_keep_their_query_count(
    client, regions, django_assert_max_num_queries
):
    world = seed_scale(regions=regions, years=1, seed=2)
    coded = set(Coding.objects.values_list("note__session__region", flat=True))
    assert coded == {r.pk for r in world.regions}  # coded passages in every region
    busiest = max(world.regions, key=lambda r: sum(s.region_id == r.pk for s in world.sessions))

    noted = Coding.objects.filter(note__session__region=busiest).latest("pk").note.session
    client.force_login(world.users["researcher"])  # a researcher of every region
    pages = {}
    for name, url, budget in [
        ("codings", reverse("sessions:codings"), 12),
        ("region", reverse("sessions:codings") + f"?region={busiest.pk}", 12),
        ("codebook", reverse("sessions:codebook"), 10),
        # With an empty cache: its read parts and the data version (one query).
        ("session", reverse("sessions:detail", args=[noted.pk]), 22),
    ]:
        with django_assert_max_num_queries(budget):
            pages[name] = client.get(url)
        assert pages[name].status_code == 200
    assert pages["codings"].context["total"] == Coding.objects.count()
    mine = Coding.objects.filter(note__session__region=busiest).count()
    assert pages["region"].context["total"] == mine > 0
    assert f'id="note-{noted.notes.first().pk}"' in pages["session"].content.decode()

    client.force_login(busiest.owner)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("sessions:region_list", args=[busiest.pk]))
    assert response.status_code == 200
