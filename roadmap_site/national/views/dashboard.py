"""The national screens: the dashboard, the comparison table and the charts."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.vary import vary_on_headers

from regions.access import role_of, sees_all_regions, visible_regions
from regions.models import RegionStatus, Role

from .. import charts, comparison
from ..dashboard import build_dashboard, filter_rows
from ..dashboard_cache import cached, current_version, region_key

SORT_CHOICES = [
    ("name", _("region name")),
    ("progress", _("furthest along first")),
    ("late", _("most days late first")),
    ("owner", _("project leader")),
    ("since", _("longest with the same project leader")),
]


class DashboardFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Region status"),
        required=False,
        choices=[("", _("any"))] + RegionStatus.choices,
    )
    step = forms.ChoiceField(label=_("Current step"), required=False)
    owner = forms.TypedChoiceField(
        label=_("Project leader"), required=False, coerce=int, empty_value=None
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, steps=(), owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [("", _("any"))] + [(code, code) for code in steps]
        self.fields["owner"].choices = [("", _("anyone"))] + list(owners)


def _require_national(user):
    """The dashboard is the national project leader's and the steering board's."""
    if not sees_all_regions(user):
        raise PermissionDenied("The dashboard is for the national project leader and board.")


def _owners(rows):
    owners = {row.region.owner for row in rows if row.region.owner}
    return sorted(
        ((o.pk, o.get_full_name() or o.username) for o in owners), key=lambda o: o[1].lower()
    )


@login_required
@vary_on_headers("HX-Request")
def dashboard(request):
    _require_national(request.user)
    version = current_version()
    regions = visible_regions(request.user)
    board = None
    # What the page needs besides the matrix, small enough to read from the cache fast.
    summary_key = f"national:summary:{version}:{timezone.localdate()}"
    summary = cache.get(summary_key)
    if summary is None:
        board = build_dashboard(regions)
        summary = {
            "steps": [step.code for step in board.steps],
            "owners": _owners(board.rows),
            "total": len(board.rows),
            "overdue_count": sum(1 for row in board.rows if row.overdue),
        }
        cache.set(summary_key, summary, 3600)
    form = DashboardFilterForm(
        request.GET or None, steps=summary["steps"], owners=summary["owners"]
    )
    # A filter nobody could have chosen (a hand-edited address) shows every region and
    # says so next to the field, rather than failing.
    options = form.cleaned_data if form.is_bound and form.is_valid() else {}
    options = {
        "status": options.get("status", ""),
        "step": options.get("step", ""),
        "overdue": options.get("overdue", False),
        "owner": options.get("owner"),
        "sort": options.get("sort") or "name",
    }
    context = {"form": form, "total": summary["total"], "overdue_count": summary["overdue_count"]}

    def render_matrix():
        nonlocal board
        board = board or build_dashboard(regions)
        rows = filter_rows(board.rows, **options)
        return render_to_string(
            "dashboard/dashboard.html#matrix",
            {**context, "board": board, "rows": rows},
            request=request,
        )

    matrix_html = mark_safe(  # noqa: S308 - our own rendered, escaped template
        cached("matrix", sorted(options.items()), render_matrix, version=version)
    )
    if request.htmx and request.htmx.target == "matrix":
        return HttpResponse(matrix_html)
    # A GET form (no CSRF token): what it shows is the choices (the version) and what was
    # typed into it, errors included, so the raw values are the key.
    typed = [form.is_bound] + [(name, request.GET.getlist(name)) for name in form.fields]
    filter_html = mark_safe(  # noqa: S308 - our own rendered, escaped template
        cached(
            "filter",
            typed,
            lambda: render_to_string("dashboard/dashboard.html#filter", context),
            version=version,
        )
    )
    return TemplateResponse(
        request,
        "dashboard/dashboard.html",
        {**context, "matrix_html": matrix_html, "filter_html": filter_html},
    )


def _require_evaluation_reader(user):
    """The comparison and the charts read like the published evaluation: for the national
    project leader, the steering board and the researchers (over their regions)."""
    if role_of(user) not in {
        Role.NATIONAL_PROJECT_LEADER,
        Role.STEERING_BOARD,
        Role.RESEARCHER,
    }:
        raise PermissionDenied("The comparison is for the national team and researchers.")


@login_required
def comparison_view(request):
    _require_evaluation_reader(request.user)
    regions = visible_regions(request.user)

    def render_table():
        rows = comparison.build_comparison(regions)
        # Without the request: nothing of the viewer's (no CSRF token) can enter the cache.
        return render_to_string("dashboard/comparison.html#table", {"rows": rows})

    # Researchers see fewer regions than the national team: the region ids are part of the key.
    html = mark_safe(cached("comparison", region_key(request.user, regions), render_table))  # noqa: S308 - our own template
    return TemplateResponse(request, "dashboard/comparison.html", {"table_html": html})


@login_required
def charts_view(request):
    _require_evaluation_reader(request.user)
    regions = visible_regions(request.user)
    ids = list(regions.values_list("pk", flat=True))

    def render_charts():
        board = build_dashboard(regions, glance=False)
        context = {
            "step_charts": charts.time_per_step(board),
            "sessions_chart": charts.sessions_per_month(
                [row.region for row in board.rows], today=board.today
            ),
        }
        return render_to_string("dashboard/charts.html#charts", context, request=request)

    # Researchers see fewer regions than the national team: the region ids are part of the key.
    html = mark_safe(cached("charts", ids, render_charts))  # noqa: S308 - our own template
    return TemplateResponse(request, "dashboard/charts.html", {"charts_html": html})
