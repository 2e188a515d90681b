from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("regions/<int:region_id>/agreements/", views.agreement_list, name="list"),
    path("regions/<int:region_id>/agreements/new/", views.agreement_create, name="create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="detail"),
    path("agreements/<int:pk>/status/", views.agreement_status, name="status"),
    path("agreements/<int:pk>/terms/", views.agreement_terms, name="terms"),
    path("agreements/<int:pk>/parties/", views.party_set, name="party"),
    path(
        "agreements/<int:pk>/parties/<int:party_id>/remove/",
        views.party_remove,
        name="party_remove",
    ),
    path("agreements/<int:pk>/clauses/", views.clause_save, name="clause"),
    path("agreements/<int:pk>/clauses/<int:clause_id>/", views.clause_save, name="clause_edit"),
    path(
        "agreements/<int:pk>/clauses/<int:clause_id>/remove/",
        views.clause_remove,
        name="clause_remove",
    ),
    path("agreements/<int:pk>/submit/", views.agreement_submit, name="submit"),
    path("agreements/<int:pk>/status/<slug:action>/", views.agreement_move, name="move"),
    path(
        "agreements/<int:pk>/versions/<int:number>/approve/",
        views.agreement_approve,
        name="approve",
    ),
    path("agreements/<int:pk>/versions/<int:number>/pdf/", views.agreement_pdf, name="pdf"),
    path("agreements/<int:pk>/changes/", views.agreement_diff, name="diff"),
    path("agreements/<int:pk>/reviews/", views.review_flag, name="review"),
    path(
        "agreements/<int:pk>/reviews/<int:review_id>/close/",
        views.review_resolve,
        name="review_resolve",
    ),
    path(
        "regions/<int:region_id>/documents/step-report/<str:code>/",
        views.step_report_pdf,
        name="step_report_pdf",
    ),
    path(
        "regions/<int:region_id>/documents/work-plan/<int:version_id>/",
        views.work_plan_pdf,
        name="work_plan_pdf",
    ),
    path("documents/board-report/", views.board_report, name="board_report"),
    path("documents/<uuid:pk>/", views.document_detail, name="document"),
    path("documents/<uuid:pk>/download/", views.document_download, name="download"),
    path("documents/<uuid:pk>/retry/", views.document_retry, name="retry"),
    path("portal/", views.portal, name="portal"),
    path("portal/<int:region_id>/", views.portal_region, name="portal_region"),
    path("portal/<int:region_id>/briefing/", views.briefing, name="briefing"),
    path("portal/<int:region_id>/briefing/pdf/", views.briefing_pdf, name="briefing_pdf"),
]
