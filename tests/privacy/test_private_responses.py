"""Nothing a logged-in user is sent may be kept by a cache, the browser's included: after
logging out on a shared computer, the back button must not show region pages again.

Walks every URL of the access matrix (and so of the URL conf: the matrix fails when a URL
has no entry) for a role that passes nearly every check and for one refused nearly
everywhere, so that pages, downloads, refusals (403, 404) and redirects are all covered.
"""

import pytest
from django.urls import reverse

from tests.trust.test_access_matrix import (  # noqa: F401 - the fixtures
    MATRIX,
    matrix_world,
    personas,
    world,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["npl", "other_stakeholder"])
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_answer_to_a_logged_in_user_is_private_and_not_stored(
    client,
    personas,  # noqa: F811 - the matrix's fixtures
    world,  # noqa: F811
    name,
    role,
):
    entry = MATRIX[name]
    client.force_login(personas[role])
    url = reverse(name, kwargs=entry.kwargs(world))
    response = getattr(client, entry.method)(url, entry.data)
    if name == "logout":
        # The logout answer too: it is the last thing the person who was logged in sees.
        assert response.status_code == 302
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, (name, role, response.status_code)


def test_after_logging_out_the_region_page_is_not_shown_again(client, personas, world):  # noqa: F811
    region = world["region"]
    client.force_login(personas["rpl"])
    page = client.get(reverse("regions:detail", args=[region.pk]))
    assert page["Cache-Control"] == "private, no-store"
    client.post(reverse("logout"))
    response = client.get(reverse("regions:detail", args=[region.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
