"""The national screens (dashboard, comparison, charts) and the learning network."""

from django.urls import path

from .views import dashboard as views_dashboard
from .views import network as views_network

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", views_dashboard.dashboard, name="index"),
    path("dashboard/comparison/", views_dashboard.comparison_view, name="comparison"),
    path("dashboard/charts/", views_dashboard.charts_view, name="charts"),
    path("network/", views_network.feed, name="network"),
    path("network/regions/<int:pk>/", views_network.region_news, name="region_news"),
    path(
        "network/interventions/<int:pk>/adopt/",
        views_network.adopt_intervention,
        name="adopt",
    ),
]
