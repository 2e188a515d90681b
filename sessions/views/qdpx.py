"""REFI-QDA: the field notes of chosen regions as a ``.qdpx`` project for the researchers'
analysis software, and a ``.qdc`` codebook merged into the codebook."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regions.access import role_of, visible_regions
from regions.models import Role
from regions.submissions import submit_once
from roadmap_site.spreadsheets import Column, Sheet, csv_response

from .. import qdc, qdpx, qdpx_import, qdpx_jobs
from ..access import exports_for_user, get_export_for_user, require_coder
from ..forms import CodebookImportForm, ProjectImportForm, QdpxExportForm
from ..models import Coding, FieldNote, QdpxExportStatus
from .coding import codebook_page


@login_required
def qdpx_export(request):
    """GET: choose regions. POST: queue a REFI-QDA export of their field notes, codebook
    and codings, and go to its page (303). Researchers and the national project leader
    only; a researcher only their regions. The project is built by a worker
    (``sessions.qdpx_jobs``): a national one takes seconds, too long for a request."""
    require_coder(request.user)
    regions = visible_regions(request.user)
    status = 200
    if request.method == "POST":
        form = QdpxExportForm(request.POST, regions=regions)
        if form.is_valid():
            chosen = form.cleaned_data["regions"] or regions

            def create():
                export = qdpx_jobs.export_request(
                    user=request.user,
                    regions=chosen,
                    pseudonymised=form.cleaned_data["pseudonymise"],
                    language=request.LANGUAGE_CODE,
                )
                return export, reverse("sessions:qdpx_job", args=[export.pk])

            done = submit_once(user=request.user, key=form.submission_key, create=create)
            return redirect_303(done.answer)
        status = 422
    else:
        form = QdpxExportForm(regions=regions)
    counts = regions.order_by("name").annotate(
        n_notes=Count("sessions__notes", distinct=True),
        n_codings=Count(
            "sessions__notes__codings",
            filter=Q(
                sessions__notes__codings__lost=False,
                sessions__notes__codings__round__isnull=True,
            ),
            distinct=True,
        ),
    )
    # What the export leaves out, said before the download (the command prints the same).
    left_out = (
        Coding.objects.filter(note__session__region__in=regions, lost=True, round__isnull=True)
        .select_related("code", "note__session__region")
        .order_by("note__session__region__name", "note__session__date", "note_id", "id")
    )
    # Ordered here: a model's default ordering does not apply to a query with GROUP BY.
    recent = (
        exports_for_user(request.user)
        .annotate(n_regions=Count("regions"))
        .order_by("-created_at")[:10]
    )
    return TemplateResponse(
        request,
        "sessions/qdpx_export.html",
        {
            "form": form,
            "counts": counts,
            "left_out": left_out,
            "recent": recent,
            "retention_hours": settings.QDPX_EXPORT_RETENTION_HOURS,
            "may_download_key": role_of(request.user) == Role.NATIONAL_PROJECT_LEADER,
        },
        status=status,
    )


def redirect_303(location):
    """After a POST: "see other", so that reloading the job page never posts again."""
    response = HttpResponseRedirect(location)
    response.status_code = 303
    return response


def _job(export, **extra):
    return {"export": export, "retention_hours": settings.QDPX_EXPORT_RETENTION_HOURS, **extra}


@login_required
def qdpx_job(request, pk):
    """The export's page: status and progress, polled by htmx until it is ready or failed,
    then the download link. The requester's alone (``exports_for_user``)."""
    export = get_export_for_user(request.user, pk)
    if request.htmx:
        response = TemplateResponse(request, "sessions/qdpx_job.html#job-status", _job(export))
    else:
        context = _job(export, regions=export.regions.order_by("name"))
        response = TemplateResponse(request, "sessions/qdpx_job.html", context)
    patch_vary_headers(response, ["HX-Request"])
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def qdpx_job_download(request, pk):
    export = get_export_for_user(request.user, pk)
    if export.status != QdpxExportStatus.READY or not export.file:
        raise Http404("The export is not ready.")
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.filename,
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def qdpx_job_retry(request, pk):
    export = qdpx_jobs.export_retry(get_export_for_user(request.user, pk))
    if request.htmx:
        return TemplateResponse(request, "sessions/qdpx_job.html#job-status", _job(export))
    return redirect_303(reverse("sessions:qdpx_job", args=[export.pk]))


@login_required
@require_POST
def codebook_import(request):
    """Merge an uploaded ``.qdc`` into the codebook and show what changed."""
    require_coder(request.user)
    form = CodebookImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = qdc.import_codebook(
                upload.read(qdc.MAX_BYTES + 1), apply=not form.cleaned_data["check_only"]
            )
        except qdc.CodebookError as error:
            form.add_error("file", str(error))
        else:
            return codebook_page(request, import_form=CodebookImportForm(), import_report=report)
    return codebook_page(request, import_form=form, status=422)


@login_required
def project_import(request):
    """GET: the upload form. POST: read the codings of a ``.qdpx`` made from one of our
    exports; a dry run by default, written only when "only show" is unticked."""
    require_coder(request.user)
    report = None
    status = 200
    if request.method == "POST":
        form = ProjectImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            notes = FieldNote.objects.filter(session__region__in=visible_regions(request.user))
            try:
                report = qdpx_import.import_project(
                    upload.read(qdpx_import.MAX_BYTES + 1),
                    notes=notes.select_related("session"),
                    user=request.user,
                    apply=not form.cleaned_data["check_only"],
                )
            except qdpx_import.ProjectError as error:
                form.add_error("file", str(error))
                status = 422
            else:
                form = ProjectImportForm()
        else:
            status = 422
    else:
        form = ProjectImportForm()
    return TemplateResponse(
        request, "sessions/qdpx_import.html", {"form": form, "report": report}, status=status
    )


@login_required
def pseudonym_key(request):
    """The key of the pseudonymised export: which code is which person or organisation.
    The national project leader's alone (the ethics protocol keeps it apart from the data
    the researchers analyse)."""
    if role_of(request.user) != Role.NATIONAL_PROJECT_LEADER:
        raise PermissionDenied("Only the national project leader keeps the key.")
    sheet = Sheet(
        _("Pseudonyms"),
        [
            Column(_("Pseudonym")),
            Column(_("Kind")),
            Column(_("Name")),
            Column(_("Organisation")),
            Column(_("E-mail")),
        ],
        qdpx.pseudonymiser().key_rows(),
    )
    return csv_response(sheet, f"roadmap-pseudonym-key-{timezone.localdate():%Y-%m-%d}.csv")
