"""REFI-QDA: the field notes of chosen regions as a ``.qdpx`` project for the researchers'
analysis software, and a ``.qdc`` codebook merged into the codebook."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regions.access import role_of, visible_regions
from regions.models import Role
from roadmap_site.spreadsheets import Column, Sheet, csv_response

from .. import qdc, qdpx, qdpx_import
from ..access import require_coder
from ..forms import CodebookImportForm, ProjectImportForm, QdpxExportForm
from ..models import Coding, FieldNote
from .coding import codebook_page


@login_required
def qdpx_export(request):
    """GET: choose regions. POST: download their field notes, codebook and codings.
    Researchers and the national project leader only; a researcher only their regions."""
    require_coder(request.user)
    regions = visible_regions(request.user)
    status = 200
    if request.method == "POST":
        form = QdpxExportForm(request.POST, regions=regions)
        if form.is_valid():
            chosen = form.cleaned_data["regions"] or regions
            pseudonymised = form.cleaned_data["pseudonymise"]
            data, _summary = qdpx.export_regions(
                chosen, pseudonymiser=qdpx.pseudonymiser() if pseudonymised else None
            )
            response = HttpResponse(data, content_type="application/zip")
            kind = "pseudonymised-field-notes" if pseudonymised else "field-notes"
            name = f"roadmap-{kind}-{timezone.localdate():%Y-%m-%d}.qdpx"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
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
    return TemplateResponse(
        request,
        "sessions/qdpx_export.html",
        {
            "form": form,
            "counts": counts,
            "left_out": left_out,
            "may_download_key": role_of(request.user) == Role.NATIONAL_PROJECT_LEADER,
        },
        status=status,
    )


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
