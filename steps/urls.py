from django.urls import path

from . import views

app_name = "steps"

urlpatterns = [
    path("regions/<int:region_id>/steps/<str:code>/start/", views.step_start, name="start"),
    path(
        "regions/<int:region_id>/steps/<str:code>/complete/", views.step_complete, name="complete"
    ),
    path("regions/<int:region_id>/steps/<str:code>/skip/", views.step_skip, name="skip"),
    path(
        "regions/<int:region_id>/decisions/<slug:point_code>/",
        views.decision_create,
        name="decide",
    ),
]
