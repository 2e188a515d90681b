"""Which fields of the project's models hold personal data, by a rule (docs/privacy.md).

A field is personal when it can say who someone is or what they said:
- an e-mail field, or a field named like a person's name, phone or job title (``name``
  only on a model that also has an e-mail field: an organisation's name is no person's);
- free text (a ``TextField``) on a model that belongs to a region or to a person: whoever
  writes it may write about someone (the national catalogues — steps, interventions, the
  codebook — are not about anyone);
- a link to a login or to a stakeholder: it ties the row to a person.
History tables (django-simple-history) copy their model's fields and are covered by it.
"""

from django.apps import apps
from django.conf import settings
from django.db import models

from .retention import region_path

PROJECT_APPS = {
    "auth",
    "axes",
    "regions",
    "steps",
    "roadmap_sessions",
    "agreements",
    "audit",
    "mail",
    "privacy",
}
PERSONAL_NAMES = {
    "first_name",
    "last_name",
    "email",
    "phone",
    "function_title",
    "to_name",
    "to_email",
    "signatory",
    "signatory_name",
    "ip_address",
    "user_agent",
    "username",
}


def _links_a_person(field) -> bool:
    if not isinstance(field, models.ForeignKey | models.OneToOneField | models.ManyToManyField):
        return False
    target = field.related_model
    return target is not None and target._meta.label in {
        settings.AUTH_USER_MODEL,
        "regions.Stakeholder",
    }


def _has_email(model) -> bool:
    return any(isinstance(f, models.EmailField) for f in model._meta.fields)


def _belongs_to_someone(model) -> bool:
    return region_path(model) is not None or any(
        _links_a_person(f) for f in [*model._meta.fields, *model._meta.many_to_many]
    )


def is_personal(field, model) -> bool:
    if isinstance(field, models.EmailField) or field.name in PERSONAL_NAMES:
        return True
    if field.name == "name" and _has_email(model):
        return True
    if isinstance(field, models.TextField):
        return _belongs_to_someone(model)
    return _links_a_person(field)


def project_models():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        if model.__name__.startswith("Historical"):
            continue
        yield model


def personal_fields() -> dict[str, set[str]]:
    """Model label → the names of its personal fields, for every project model that has one."""
    found = {}
    for model in project_models():
        names = {
            f.name
            for f in [*model._meta.fields, *model._meta.many_to_many]
            if is_personal(f, model)
        }
        if names:
            found[model._meta.label] = names
    return found
