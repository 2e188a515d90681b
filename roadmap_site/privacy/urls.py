from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/people/", views.people, name="people"),
    path("privacy/people/<int:pk>/", views.person, name="person"),
    path("privacy/people/<int:pk>/export.json", views.person_export, name="person_export"),
    path("privacy/people/<int:pk>/export.pdf", views.person_pdf, name="person_pdf"),
    path("privacy/people/<int:pk>/erase/", views.person_erase, name="person_erase"),
]
