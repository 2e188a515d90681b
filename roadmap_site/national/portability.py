"""Export one region's complete data to JSON and import it again, here or in another
installation (data portability and a per-region backup). docs/trust.md, "Region export and
import", explains the choices.

The walk is generic: a model of the project's own apps belongs to a region when it has a
cascading foreign key to ``Region`` or to another model that belongs to a region (what
deleting the region would delete). Things regions share are referred to by natural keys
(users by username, steps and decision points by code, organisations by name, codes by
their path of names, catalogue interventions by code), so an import into another
installation links to (or creates) its own rows. Own rows get new ids on import; ids that
are not integers (document UUIDs) are kept.
"""

import base64
import datetime
import json
from collections import defaultdict
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from regions.models import Organisation, Profile, Region, Stakeholder

from . import dashboard_cache

FORMAT = "roadmap-region-export"
FORMAT_VERSION = 1


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder without its rounding of times to milliseconds: a backup keeps
    every microsecond."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class ImportRefused(Exception):
    """The file cannot be imported; nothing was changed."""


# --- which models belong to a region ----------------------------------------------------


def project_models() -> list[type[models.Model]]:
    """Concrete models of the apps that live in this project (not installed packages),
    without the audit trail's historical copies (they record, they are not data)."""
    base = Path(settings.BASE_DIR).resolve()
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if base not in path.parents or ".venv" in path.parts or "site-packages" in path.parts:
            continue
        for model in config.get_models():
            meta = model._meta
            if meta.proxy or meta.abstract or model.__name__.startswith("Historical"):
                continue
            found.append(model)
    return found


def _fk_fields(model):
    return [
        f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)
    ]


def owner_fields(model, owned: set) -> list:
    """The cascading foreign keys of ``model`` that lead to the region or to its rows."""
    return [
        f
        for f in _fk_fields(model)
        if f.remote_field.on_delete is models.CASCADE
        and (f.related_model is Region or f.related_model in owned)
    ]


def region_models() -> list[type[models.Model]]:
    owned = {Region}
    candidates = [m for m in project_models() if m is not Region]
    changed = True
    while changed:
        changed = False
        for model in candidates:
            if model not in owned and owner_fields(model, owned):
                owned.add(model)
                changed = True
    return [Region] + [m for m in candidates if m in owned]


def label(model) -> str:
    return model._meta.label_lower


def collect(region: Region) -> dict:
    """{model: {pk: instance}} of every row that belongs to ``region``."""
    owned_models = region_models()
    owned_set = set(owned_models)
    rows = {Region: {region.pk: region}}
    changed = True
    while changed:
        changed = False
        for model in owned_models[1:]:
            query = models.Q()
            for field in owner_fields(model, owned_set):
                pks = list(rows.get(field.related_model, {}))
                if pks:
                    query |= models.Q(**{f"{field.attname}__in": pks})
            if not query:
                continue
            found = model._base_manager.filter(query).exclude(pk__in=list(rows.get(model, {})))
            for obj in found:
                rows.setdefault(model, {})[obj.pk] = obj
                changed = True
    return {model: rows.get(model, {}) for model in owned_models}


# --- natural keys of shared things ----------------------------------------------------


def _code_path(code) -> list[str]:
    path = []
    while code is not None:
        path.insert(0, code.name)
        code = code.parent
    return path


def natural_key(obj):
    """A key that names a shared row in any installation, or None when it has none."""
    model = type(obj)
    name = label(model)
    if model is get_user_model():
        return obj.get_username()
    if name in {"steps.step", "steps.decisionpoint"}:
        return obj.code
    if model is Organisation or model is Region:
        return obj.name
    if name == "roadmap_sessions.code":
        return _code_path(obj)
    if name == "steps.intervention":
        return [obj.region.name if obj.region_id else None, obj.code]
    if name == "steps.unitvalueversion":
        # The national unit-cost library: an item names the value and version it came from.
        return [obj.unit_value.name, obj.number]
    if model is Stakeholder:
        return {
            "name": obj.name,
            "email": obj.email,
            "organisation": obj.organisation.name,
            "function_level": obj.function_level,
            "function_title": obj.function_title,
            "user": obj.user.get_username() if obj.user_id else None,
        }
    return None


# JSON fields that carry organisation ids, and integer fields that carry ids of own rows
# (without being foreign keys): the import translates them.
ORGANISATION_KEYED_JSON = {
    ("steps.scenario", "split_percentages"),
    ("agreements.agreement", "split_percentages"),
}
DOCUMENT_SUBJECTS = {
    "step_report": "steps.regionstep",
    "work_plan": "steps.workplanversion",
    "agreement": "agreements.agreementversion",
}


def _organisation_ids_in_json(name: str, field: str, value) -> list[int]:
    ids = []
    if (name, field) in ORGANISATION_KEYED_JSON and isinstance(value, dict):
        ids += [int(k) for k in value if str(k).isdigit()]
    if name == "agreements.agreementversion" and field == "content" and isinstance(value, dict):
        ids += [p.get("organisation_id") for p in value.get("parties", []) if isinstance(p, dict)]
    return [i for i in ids if isinstance(i, int)]


# --- export ---------------------------------------------------------------------------


def _file_entry(file, inline: bool):
    if not file:
        return ""
    entry = {"name": file.name}
    try:
        with file.storage.open(file.name, "rb") as handle:
            entry["content"] = base64.b64encode(handle.read()).decode("ascii")
    except (FileNotFoundError, OSError):
        entry["missing"] = True
    return entry


def export_region(region: Region) -> dict:
    rows = collect(region)
    owned_pks = {model: set(objs) for model, objs in rows.items()}
    users = {}
    organisations = {}
    unlinked = []

    def remember_user(user):
        if user is None or user.get_username() in users:
            return
        profile = Profile.objects.filter(user=user).first()
        users[user.get_username()] = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "role": profile.role if profile else "",
        }

    keys = {}  # (model, pk) -> reference: each shared row is looked up once

    def reference(field, target_pk, target):
        model = field.related_model
        if model in owned_pks and target_pk in owned_pks[model]:
            return {"ref": _plain(target_pk)}
        if (model, target_pk) not in keys:
            keys[(model, target_pk)] = shared_reference(field, model, target_pk, target)
        return keys[(model, target_pk)]

    def shared_reference(field, model, target_pk, target):
        obj = target() if callable(target) else target
        if obj is None:
            return None
        key = natural_key(obj)
        if key is None and not field.many_to_many and not field.null:
            raise ImportRefused(
                f"{label(field.model)}.{field.name} refers to a shared "
                f"{label(model)} without a natural key; add one in regions/portability.py."
            )
        if key is None:
            unlinked.append(f"{label(field.model)}.{field.name} → {label(model)} {target_pk}")
            return None
        if isinstance(obj, get_user_model()):
            remember_user(obj)
        if isinstance(obj, Stakeholder):
            remember_user(obj.user)
        if isinstance(obj, Organisation):
            organisations[str(obj.pk)] = {"name": obj.name, "sector": obj.sector}
        return {"key": key}

    objects = []
    for model, objs in rows.items():
        name = label(model)
        for pk in sorted(objs, key=str):
            obj = objs[pk]
            fields = {}
            for field in model._meta.concrete_fields:
                if field.primary_key:
                    continue
                value = getattr(obj, field.attname)
                if field.is_relation:
                    fields[field.name] = (
                        None
                        if value is None
                        else reference(field, value, lambda f=field, o=obj: getattr(o, f.name))
                    )
                elif isinstance(field, models.FileField):
                    fields[field.name] = _file_entry(getattr(obj, field.name), True)
                else:
                    fields[field.name] = field.value_from_object(obj)
                    for org_id in _organisation_ids_in_json(name, field.name, value):
                        org = Organisation.objects.filter(pk=org_id).first()
                        if org:
                            organisations[str(org.pk)] = {"name": org.name, "sector": org.sector}
            for field in model._meta.many_to_many:
                if not field.remote_field.through._meta.auto_created:
                    continue  # an explicit through model is exported as its own rows
                fields[field.name] = [
                    reference(field, target.pk, target) for target in getattr(obj, field.name).all()
                ]
            objects.append({"model": name, "pk": _plain(pk), "fields": fields})
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "region": region.name,
        "users": users,
        "organisations": organisations,
        "unlinked": unlinked,
        "objects": json.loads(json.dumps(objects, cls=_Encoder)),
    }


def _plain(pk):
    return pk if isinstance(pk, int) else str(pk)


def write_export(region: Region, path) -> dict:
    data = export_region(region)
    Path(path).write_text(json.dumps(data, cls=_Encoder, indent=1), encoding="utf-8")
    return data


# --- import ---------------------------------------------------------------------------


class _Resolver:
    """Finds (or creates) the shared rows an export refers to by natural key."""

    def __init__(self, data):
        self.users = data.get("users", {})
        self.organisations = {v["name"]: v for v in data.get("organisations", {}).values()}
        self.cache = {}
        self.created_users = []

    def resolve(self, model, key):
        cache_key = (label(model), json.dumps(key, sort_keys=True))
        if cache_key not in self.cache:
            self.cache[cache_key] = self._find(model, key)
        return self.cache[cache_key]

    def _find(self, model, key):
        name = label(model)
        User = get_user_model()
        if model is User:
            return self.user(key)
        if model is Organisation:
            sector = self.organisations.get(key, {}).get("sector", "other")
            return Organisation.objects.get_or_create(name=key, defaults={"sector": sector})[0]
        if model is Region:
            return Region.objects.filter(name=key).first()
        if name in {"steps.step", "steps.decisionpoint"}:
            found = model.objects.filter(code=key).first()
            if found is None:
                raise ImportRefused(f"This installation has no {model._meta.verbose_name} {key}.")
            return found
        if name == "roadmap_sessions.code":
            parent = None
            for part in key:
                parent, _ = model.objects.get_or_create(name=part, parent=parent)
            return parent
        if name == "steps.intervention":
            region_name, code = key
            if region_name is None:
                return model.objects.filter(region__isnull=True, code=code).first()
            return model.objects.filter(region__name=region_name, code=code).first()
        if name == "steps.unitvalueversion":
            # Another installation's library may not have it: the item keeps its amount and
            # loses only the link.
            value_name, number = key
            return model.objects.filter(unit_value__name=value_name, number=number).first()
        if model is Stakeholder:
            return self.stakeholder(key)
        return None

    def user(self, username):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            # Someone this installation does not know: a login that cannot be used until an
            # administrator activates it and sets a password.
            details = self.users.get(username, {})
            user = User(
                username=username,
                first_name=details.get("first_name", ""),
                last_name=details.get("last_name", ""),
                email=details.get("email", ""),
                is_active=False,
            )
            user.set_unusable_password()
            user.save()
            if details.get("role"):
                Profile.objects.create(user=user, role=details["role"])
            self.created_users.append(username)
        return user

    def stakeholder(self, key):
        user = self.user(key["user"]) if key.get("user") else None
        if user is not None and hasattr(user, "stakeholder"):
            try:
                return user.stakeholder
            except Stakeholder.DoesNotExist:
                pass
        organisation = self.resolve(Organisation, key["organisation"])
        found = Stakeholder.objects.filter(
            name=key["name"], organisation=organisation, email=key["email"]
        ).first()
        if found:
            return found
        return Stakeholder.objects.create(
            name=key["name"],
            email=key["email"],
            organisation=organisation,
            function_level=key["function_level"],
            function_title=key["function_title"],
            user=user,
        )


def _model_order(by_model: dict) -> list:
    """Models ordered so that a row's required (non-null) own foreign keys exist first."""
    models_ = list(by_model)
    deps = {
        m: {
            f.related_model
            for f in _fk_fields(m)
            if not f.null and f.related_model in by_model and f.related_model is not m
        }
        for m in models_
    }
    ordered, done = [], set()
    while len(ordered) < len(models_):
        ready = [m for m in models_ if m not in done and deps[m] <= done]
        if not ready:
            raise ImportRefused("The export has a cycle of required links; cannot import it.")
        for m in ready:
            ordered.append(m)
            done.add(m)
    return ordered


def import_region(data: dict) -> dict:
    """Create the exported region here. Returns {model label: {old pk: new pk}}."""
    if data.get("format") != FORMAT or data.get("version") != FORMAT_VERSION:
        raise ImportRefused("This file is not a region export of this version of Roadmap.")
    if Region.objects.filter(name=data["region"]).exists():
        raise ImportRefused(
            f"A region named {data['region']!r} already exists here; the import was refused "
            "and nothing changed. Rename or remove the existing region first."
        )
    by_model = defaultdict(list)
    for entry in data["objects"]:
        by_model[apps.get_model(entry["model"])].append(entry)
    with transaction.atomic():
        mapping = _create_rows(data, by_model)
    dashboard_cache.data_changed()
    return mapping


def _create_rows(data, by_model):
    resolver = _Resolver(data)
    mapping = defaultdict(dict)  # label → {old pk (as exported): new pk}
    later = []  # (model, new pk, {attname: value}) set after every row exists

    def target_pk(field, ref):
        if ref is None:
            return None, False
        if "ref" in ref:
            new = mapping[label(field.related_model)].get(ref["ref"])
            return new, new is None
        obj = resolver.resolve(field.related_model, ref["key"])
        return (obj.pk if obj else None), False

    for model in _model_order(by_model):
        name = label(model)
        entries = sorted(by_model[model], key=lambda e: (isinstance(e["pk"], str), e["pk"]))
        instances, updates = [], []
        for entry in entries:
            obj = model()
            deferred = {}
            for field in model._meta.concrete_fields:
                if field.primary_key:
                    if not isinstance(field, models.AutoField):
                        setattr(obj, field.attname, field.to_python(entry["pk"]))
                    continue
                if field.name not in entry["fields"]:
                    continue
                value = entry["fields"][field.name]
                if field.is_relation:
                    pk, pending = target_pk(field, value)
                    if pending:
                        deferred[field.attname] = value["ref"]
                        pk = None
                    setattr(obj, field.attname, pk)
                elif isinstance(field, models.FileField):
                    setattr(obj, field.attname, _restore_file(field, value))
                else:
                    if isinstance(field, models.JSONField):
                        value = _translate_json(name, field.name, value, data, resolver)
                    else:
                        value = field.to_python(value)
                    setattr(obj, field.attname, value)
                    if getattr(field, "auto_now", False):
                        deferred[field.attname] = ("value", value)
            instances.append(obj)
            updates.append(deferred)
        created = model._base_manager.bulk_create(instances, batch_size=500)
        for entry, obj, deferred in zip(entries, created, updates, strict=True):
            mapping[name][entry["pk"]] = obj.pk
            if deferred:
                later.append((model, obj.pk, deferred))

    for model, pk, deferred in later:
        values = {}
        for attname, ref in deferred.items():
            if isinstance(ref, tuple):
                values[attname] = ref[1]  # auto_now: keep the exported time
            else:
                field = model._meta.get_field(attname.removesuffix("_id"))
                values[attname] = mapping[label(field.related_model)].get(ref)
        model._base_manager.filter(pk=pk).update(**values)

    _translate_document_subjects(by_model, mapping)
    _create_many_to_many(by_model, mapping, resolver)
    return dict(mapping) | {"created_users": resolver.created_users}


def _restore_file(field, value):
    if not value:
        return ""
    if value.get("missing") or "content" not in value:
        return value["name"]
    raw = base64.b64decode(value["content"])
    storage = field.storage
    if storage.exists(value["name"]):
        with storage.open(value["name"], "rb") as handle:
            if handle.read() == raw:
                return value["name"]  # the same file is still there (re-import of a backup)
    # Otherwise the storage picks a free name next to the original one.
    return storage.save(value["name"], ContentFile(raw))


def _translate_json(name, field_name, value, data, resolver):
    exported = data.get("organisations", {})

    def new_id(old):
        entry = exported.get(str(old))
        return resolver.resolve(Organisation, entry["name"]).pk if entry else old

    if (name, field_name) in ORGANISATION_KEYED_JSON and isinstance(value, dict):
        return {str(new_id(k)) if str(k).isdigit() else k: v for k, v in value.items()}
    if (
        name == "agreements.agreementversion"
        and field_name == "content"
        and isinstance(value, dict)
        and isinstance(value.get("parties"), list)
    ):
        value = dict(value)
        value["parties"] = [
            dict(p, organisation_id=new_id(p["organisation_id"]))
            if isinstance(p, dict) and isinstance(p.get("organisation_id"), int)
            else p
            for p in value["parties"]
        ]
    return value


def _translate_document_subjects(by_model, mapping):
    documents = mapping.get("agreements.document", {})
    if not documents:
        return
    Document = apps.get_model("agreements.document")
    for entry in by_model[Document]:
        fields = entry["fields"]
        subject_model = DOCUMENT_SUBJECTS.get(fields.get("kind"))
        if subject_model and fields.get("subject_id") is not None:
            new = mapping.get(subject_model, {}).get(fields["subject_id"])
            Document.objects.filter(pk=documents[entry["pk"]]).update(subject_id=new)


def _create_many_to_many(by_model, mapping, resolver):
    for model, entries in by_model.items():
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            if not through._meta.auto_created:
                continue
            source = field.m2m_field_name() + "_id"
            target = field.m2m_reverse_field_name() + "_id"
            rows = []
            for entry in entries:
                for ref in entry["fields"].get(field.name, []):
                    if ref is None:
                        continue
                    if "ref" in ref:
                        pk = mapping[label(field.related_model)].get(ref["ref"])
                    else:
                        obj = resolver.resolve(field.related_model, ref["key"])
                        pk = obj.pk if obj else None
                    if pk is not None:
                        rows.append(
                            through(**{source: mapping[label(model)][entry["pk"]], target: pk})
                        )
            through.objects.bulk_create(rows, batch_size=500)


def read_import(path) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ImportRefused(f"Cannot read {path}: {error}") from error
