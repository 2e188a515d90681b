from django.urls import path

from .views import regions as views

app_name = "regions"

urlpatterns = [
    path("", views.region_list, name="list"),
    path("<int:pk>/", views.region_detail, name="detail"),
    path("<int:pk>/hand-over/", views.region_hand_over, name="hand_over"),
    path(
        "<int:pk>/context-events/new/",
        views.context_event_create,
        name="context_event_create",
    ),
    path(
        "<int:pk>/export/<slug:what>.<str:fmt>",
        views.region_export,
        name="export",
    ),
]
