from django.urls import path

from .views import group as group_views
from .views import influence as influence_views
from .views import regions as views
from .views import setup as setup_views

app_name = "regions"

urlpatterns = [
    path("", views.region_list, name="list"),
    path("<int:pk>/", views.region_detail, name="detail"),
    # Region setup (the national project leader)
    path("new/", setup_views.region_create, name="create"),
    path("import/", setup_views.region_import, name="import"),
    path("import/apply/", setup_views.region_import_apply, name="import_apply"),
    path("<int:pk>/setup/", setup_views.region_setup_page, name="setup"),
    path("<int:pk>/status/", setup_views.region_status, name="status"),
    path(
        "<int:pk>/requirements/<str:step_code>/",
        setup_views.region_requirements,
        name="requirements",
    ),
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
    # The project group over time
    path("<int:pk>/group/", group_views.group_page, name="group"),
    path("<int:pk>/group/members/new/", group_views.member_add, name="member_add"),
    path(
        "<int:pk>/group/members/<int:membership_id>/leave/",
        group_views.member_leave,
        name="member_leave",
    ),
    path(
        "<int:pk>/group/members/<int:membership_id>/replace/",
        group_views.member_replace,
        name="member_replace",
    ),
    path(
        "<int:pk>/group/members/<int:membership_id>/rejoin/",
        group_views.member_rejoin,
        name="member_rejoin",
    ),
    path(
        "<int:pk>/group/members/<int:membership_id>/dates/",
        group_views.membership_correct,
        name="membership_correct",
    ),
    path(
        "<int:pk>/group/people/<int:stakeholder_id>/",
        group_views.stakeholder_edit,
        name="stakeholder_edit",
    ),
    # Who matters: the influence/interest map of step 1
    path("<int:pk>/group/map/", influence_views.map_page, name="map"),
    path("<int:pk>/group/map/assess/", influence_views.assess, name="assess"),
    path(
        "<int:pk>/group/organisations/new/", group_views.organisation_add, name="organisation_add"
    ),
    path(
        "<int:pk>/group/organisations/<int:participation_id>/leave/",
        group_views.organisation_leave,
        name="organisation_leave",
    ),
]
