from django.apps import AppConfig


class NationalConfig(AppConfig):
    """The layer on top: the screens that read across every app (the national dashboard,
    comparison, charts, the learning network, the region pages, spreadsheets, region export
    and import, seed_scale). It has no models of its own; what it stores (the dashboard's
    data version, adoptions) lives in the regions app, so moving here needed no migration."""

    name = "roadmap_site.national"
    label = "national"

    def ready(self):
        # The national screens cache what they render; changes anywhere invalidate it.
        from . import dashboard_cache
        from .views import regions  # noqa: F401 - registers the whole region page with steps

        dashboard_cache.connect()
