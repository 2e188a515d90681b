from django.urls import path

from . import views

app_name = "mail"

urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<uuid:code>/", views.outbox_message, name="message"),
    path("outbox/<uuid:code>/html/", views.outbox_message_html, name="message_html"),
    path("outbox/<uuid:code>/resend/", views.outbox_resend, name="resend"),
    path("people/invite/", views.invite, name="invite"),
    path("regions/<int:region_id>/portal-access/", views.portal_access, name="portal_access"),
    path("accounts/invitation/<uuid:code>/<str:token>/", views.invitation, name="invitation"),
    path("accounts/mail/", views.preferences, name="preferences"),
    path("mail/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
