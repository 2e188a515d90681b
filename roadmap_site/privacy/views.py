"""The privacy page of the national project leader: the record of processing, the
retention periods with the next purge and what it would remove, and the last purges."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from agreements.rendering import pdf_from_html
from regions.access import is_national
from regions.models import Stakeholder

from . import person as person_data
from . import record, retention, schedule
from .models import PurgeReport


@login_required
def privacy(request):
    if not is_national(request.user):
        raise PermissionDenied("The record of processing is for the national project leader.")
    upcoming = schedule.next_purge()
    would_remove = retention.dry_run(upcoming)
    periods = retention.periods()
    return TemplateResponse(
        request,
        "privacy/privacy.html",
        {
            "record": list(record.rows()),
            "next_purge": upcoming,
            "retention": [(periods[kind], would_remove[kind]) for kind in would_remove],
            "reports": PurgeReport.objects.all()[:5],
        },
    )


def _national(request):
    if not is_national(request.user):
        raise PermissionDenied("A person's data is for the national project leader.")


def _stakeholder(pk):
    try:
        return Stakeholder.objects.select_related("organisation", "user").get(pk=pk)
    except (Stakeholder.DoesNotExist, ValueError):
        raise Http404("No such stakeholder.") from None


@login_required
def people(request):
    """Find the stakeholder whose data is asked for."""
    _national(request)
    query = request.GET.get("q", "").strip()[:200]
    found = []
    if query:
        found = list(
            Stakeholder.objects.filter(Q(name__icontains=query) | Q(email__icontains=query))
            .select_related("organisation")
            .order_by("name")[:20]
        )
    return TemplateResponse(request, "privacy/people.html", {"query": query, "found": found})


@login_required
def person(request, pk):
    _national(request)
    stakeholder = _stakeholder(pk)
    return TemplateResponse(
        request,
        "privacy/person.html",
        {
            "stakeholder": stakeholder,
            "data": person_data.stakeholder_export(stakeholder),
            "refusals": person_data.refusals(stakeholder),
        },
    )


@login_required
def person_export(request, pk):
    _national(request)
    stakeholder = _stakeholder(pk)
    response = HttpResponse(
        person_data.export_json(stakeholder), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="stakeholder-{stakeholder.pk}.json"'
    return response


@login_required
def person_pdf(request, pk):
    """The export as a readable document, laid out like the other PDFs. Rendered while the
    national project leader waits: it is asked for rarely, and is not kept (a stored copy
    would be one more copy of the person's data)."""
    _national(request)
    stakeholder = _stakeholder(pk)
    data = person_data.stakeholder_export(stakeholder)
    html = render_to_string(
        "privacy/pdf/person.html",
        {
            "doc": {"title": stakeholder.name, "language": get_language()},
            "document": {"kind": "person"},
            "kind_label": _("What Roadmap keeps about a person"),
            "generated_at": timezone.now(),
            "data": data,
        },
    )
    pdf, _pages = pdf_from_html(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="stakeholder-{stakeholder.pk}.pdf"'
    return response


@login_required
def person_erase(request, pk):
    """Erasure cannot be undone: a page that says so, and a box to tick, come first."""
    _national(request)
    stakeholder = _stakeholder(pk)
    refusals = person_data.refusals(stakeholder)
    status, error = 200, ""
    if request.method == "POST":
        if refusals:
            status = 409
        elif request.POST.get("confirm") != "yes":
            status, error = 422, _("Tick the box to confirm that this cannot be undone.")
        else:
            try:
                alias = person_data.stakeholder_erase(stakeholder=stakeholder, by=request.user)
            except ValidationError as refusal:
                status, error = 409, " ".join(refusal.messages)
            else:
                messages.success(
                    request, _("Erased: the person is now %(alias)s everywhere.") % {"alias": alias}
                )
                return redirect("privacy:person", stakeholder.pk)
    return TemplateResponse(
        request,
        "privacy/erase.html",
        {"stakeholder": stakeholder, "refusals": refusals, "error": error},
        status=status,
    )
