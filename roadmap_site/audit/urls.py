from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("regions/<int:region_id>/history/<slug:kind>/<int:pk>/", views.history, name="history"),
    # The region itself, its business case and its work plan: one per region.
    path("regions/<int:region_id>/history/<slug:kind>/", views.history, name="region_history"),
    path("regions/<int:region_id>/bin/", views.bin_list, name="bin"),
    path(
        "regions/<int:region_id>/bin/<int:entry_id>/restore/",
        views.bin_restore,
        name="restore",
    ),
    path("sessions/<int:pk>/delete/", views.session_delete, name="session_delete"),
    path("notes/<int:pk>/delete/", views.note_delete, name="note_delete"),
    path("agreements/<int:pk>/delete/", views.agreement_delete, name="agreement_delete"),
]
