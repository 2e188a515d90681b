from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from roadmap_site.mail import views as mail_views
from roadmap_site.national.views import regions as region_views

from .views import healthz

handler400 = "roadmap_site.views.bad_request"
handler500 = "roadmap_site.views.server_error"

urlpatterns = [
    path("", region_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Password reset by mail, sent through the outbox (docs/mail.md).
    path("accounts/password/reset/", mail_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        mail_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("", include("roadmap_site.mail.urls")),
    path("regions/", include("roadmap_site.national.urls_regions")),
    path("", include("steps.urls")),
    path("", include("sessions.urls")),
    path("", include("agreements.urls")),
    path("", include("sessions.calendar_urls")),
    path("", include("roadmap_site.national.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("roadmap_site.audit.urls")),
    path("", include("roadmap_site.privacy.urls")),
    path("admin/", admin.site.urls),
]
