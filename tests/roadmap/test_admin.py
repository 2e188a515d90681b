import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_staff_project_leader_sees_only_their_region_in_the_admin(
    client, rpl, region, other_region
):
    from django.contrib.auth.models import Permission

    rpl.is_staff = True
    rpl.save()
    rpl.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_region", "change_region"])
    )
    client.force_login(rpl)
    listing = client.get(reverse("admin:regions_region_changelist"))
    assert listing.status_code == 200
    names = {region.name for region in listing.context["cl"].queryset}
    assert names == {region.name}
    assert client.get(
        reverse("admin:regions_region_change", args=[other_region.pk])
    ).status_code in {
        302,
        404,
    }


def test_the_superuser_admin_lists_every_model(admin_client):
    from django.apps import apps
    from django.contrib import admin

    registered = set(admin.site._registry)
    ours = [
        model
        for model in apps.get_models()
        if model._meta.app_label in {"regions", "steps", "roadmap_sessions", "agreements"}
        # History tables are shown on the history pages, not in the admin.
        and not model.__name__.startswith("Historical")
    ]
    missing = [model._meta.label for model in ours if model not in registered]
    assert missing == []
    assert admin_client.get(reverse("admin:index")).status_code == 200
