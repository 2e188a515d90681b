from django.urls import path

from .views import calendar as views

app_name = "calendar"

urlpatterns = [
    path("calendar/", views.calendar_settings, name="settings"),
    path("calendar/renew/", views.calendar_renew, name="renew"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("sessions/<int:pk>/calendar.ics", views.session_ics, name="session"),
]
