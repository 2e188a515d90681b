from django.urls import path

from .views import (
    analysis,
    coding,
    lists,
    memos,
    minutes,
    notes,
    qdpx,
    records,
    replies,
    rounds,
    session,
    to_code,
)

app_name = "sessions"

urlpatterns = [
    path("sessions/", lists.all_sessions, name="all"),
    path("regions/<int:region_id>/sessions/", lists.region_sessions, name="region_list"),
    path("regions/<int:region_id>/sessions/new/", session.session_create, name="create"),
    path("regions/<int:region_id>/sessions/missing/", session.session_missing, name="missing"),
    path(
        "regions/<int:region_id>/stakeholders/new/",
        session.stakeholder_add,
        name="stakeholder_add",
    ),
    path("sessions/<int:pk>/", session.session_detail, name="detail"),
    path("sessions/<int:pk>/edit/", session.session_edit, name="edit"),
    path("sessions/<int:pk>/attendance/", session.attendance_mark, name="attendance"),
    path("sessions/<int:pk>/notes/", notes.note_create, name="note_create"),
    path("sessions/<int:pk>/notes/draft/", notes.draft_save, name="note_draft"),
    path("notes/<int:pk>/edit/", notes.note_edit, name="note_edit"),
    path("notes/<int:pk>/versions/", notes.note_versions, name="note_versions"),
    path("notes/<int:pk>/codings/", coding.coding_create, name="coding_create"),
    path("codings/<int:pk>/delete/", coding.coding_delete, name="coding_delete"),
    path("sessions/<int:pk>/decisions/", records.decision_create, name="decision_create"),
    path("sessions/<int:pk>/actions/", records.action_create, name="action_create"),
    path("actions/<int:pk>/status/", records.action_status, name="action_status"),
    path("sessions/<int:pk>/attachments/", records.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", records.attachment_download, name="attachment"),
    path("attachments/<int:pk>/delete/", records.attachment_delete, name="attachment_delete"),
    path("codes/", coding.codebook, name="codebook"),
    path("codes/<int:pk>/", coding.code_edit, name="code_edit"),
    path("codes/<int:pk>/merge/", coding.code_merge, name="code_merge"),
    path("codings/", coding.codings, name="codings"),
    path("notes/to-code/", to_code.notes_to_code, name="notes_to_code"),
]

# REFI-QDA export and codebook import
urlpatterns += [
    path("codings/export/", qdpx.qdpx_export, name="qdpx_export"),
    path("codings/export/<uuid:pk>/", qdpx.qdpx_job, name="qdpx_job"),
    path("codings/export/<uuid:pk>/download/", qdpx.qdpx_job_download, name="qdpx_job_download"),
    path("codings/export/<uuid:pk>/retry/", qdpx.qdpx_job_retry, name="qdpx_job_retry"),
    path("codes/import/", qdpx.codebook_import, name="codebook_import"),
    path("codings/import/", qdpx.project_import, name="project_import"),
]

# Memos (research material: researchers and the national project leader only)
urlpatterns += [
    path("memos/<str:kind>/<int:pk>/", memos.memo_list, name="memos"),
    path("memos/<int:pk>/edit/", memos.memo_edit, name="memo_edit"),
    path("memos/<int:pk>/delete/", memos.memo_delete, name="memo_delete"),
]

# Analysis matrices and the pseudonymised export's key
urlpatterns += [
    path("analysis/", analysis.matrices_page, name="analysis"),
    path("analysis/passages/", analysis.cell_passages, name="analysis_cell"),
    path("analysis/<str:matrix>.xlsx", analysis.matrix_xlsx, name="analysis_xlsx"),
    path("codings/export/pseudonyms.csv", qdpx.pseudonym_key, name="pseudonym_key"),
]

# Links in mails: the token is the key (sessions/access.py)
urlpatterns += [
    path("invitations/<str:token>/", replies.invitation_reply, name="invitation_reply"),
    path("minutes/review/<str:token>/", minutes.minutes_review, name="minutes_review"),
]

# Minutes of a held session
urlpatterns += [
    path("sessions/<int:pk>/minutes/", minutes.minutes_publish, name="minutes_publish"),
    path("amendments/<int:pk>/decide/", minutes.amendment_decide, name="amendment_decide"),
]

# Blind double coding (sessions/rounds.py)
urlpatterns += [
    path("codings/rounds/", rounds.round_list, name="rounds"),
    path("codings/rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("codings/rounds/<int:pk>/close/", rounds.round_close, name="round_close"),
    path("codings/rounds/<int:pk>/choose/", rounds.reconcile_choose, name="reconcile_choose"),
    path("codings/rounds/<int:pk>/reconcile/", rounds.reconcile_finish, name="reconcile_finish"),
]
