"""A region's tables as spreadsheets: sessions with attendance, the work plan, monitoring.

Each export is a function from a region to sheets; the same sheets become CSV (one sheet
per file) or XLSX (all sheets in one workbook).
"""

import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regions.models import Organisation, Stakeholder
from roadmap_site.spreadsheets import Column, Sheet
from sessions.models import ActionItem, Attendance, AttendanceStatus, Session
from steps.models import Activity, Measurement, Milestone, Scenario
from steps.scenarios import evaluate_scenario
from steps.sheets import SHEET_TITLES as BUSINESS_CASE_SUMMARY_TITLES
from steps.sheets import summary_sheets
from steps.step_one import assessment_history, group_data, membership_changes


def labels(model, field_name) -> dict:
    """A choice field's labels in the active language, looked up once for a whole sheet
    (``get_FOO_display`` translates every choice again on each call)."""
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


def sessions_sheets(region) -> list[Sheet]:
    return [sessions_sheet(region), attendance_sheet(region)]


def sessions_sheet(region) -> Sheet:
    kinds, modes, statuses = (labels(Session, name) for name in ("kind", "mode", "status"))
    # Plain tuples rather than model instances: a busy region has hundreds of sessions and
    # the sheet needs a few columns of each (one query for the step codes, as a prefetch).
    steps = {}
    for session_id, code in (
        Session.steps.through.objects.filter(session__region=region)
        .order_by("step__order", "step__pk")
        .values_list("session_id", "step__code")
    ):
        steps.setdefault(session_id, []).append(code)
    sessions = (
        Session.objects.filter(region=region)
        .annotate(
            invited=Count("attendances"),
            present=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT)),
            absent=Count("attendances", filter=Q(attendances__status=AttendanceStatus.ABSENT)),
            excused=Count("attendances", filter=Q(attendances__status=AttendanceStatus.EXCUSED)),
        )
        .order_by("date", "start_time", "pk")
        .values_list(
            "pk",
            "date",
            "start_time",
            "duration_minutes",
            "title",
            "kind",
            "mode",
            "status",
            "invited",
            "present",
            "absent",
            "excused",
        )  # fmt: skip
    )
    overview = Sheet(
        _("Sessions"),
        [
            Column(_("Date"), "date"),
            Column(_("Start")),
            Column(_("Minutes"), "int"),
            Column(_("Title")),
            Column(_("Steps")),
            Column(_("Kind")),
            Column(_("Mode")),
            Column(_("Status")),
            Column(_("Invited"), "int"),
            Column(_("Present"), "int"),
            Column(_("Absent"), "int"),
            Column(_("Excused"), "int"),
        ],
    )
    for pk, date, start, minutes, title, kind, mode, status, *counts in sessions:
        overview.rows.append(
            [
                date,
                start.strftime("%H:%M") if start else "",
                minutes,
                title,
                ", ".join(steps.get(pk, ())),
                kinds.get(kind, kind),
                modes.get(mode, mode),
                statuses.get(status, status),
                *counts,
            ]
        )
    return overview


def attendance_sheet(region) -> Sheet:
    sectors = labels(Organisation, "sector")
    levels = labels(Stakeholder, "function_level")
    statuses = labels(Attendance, "status")
    attendance = Sheet(
        _("Attendance"),
        [
            Column(_("Date"), "date"),
            Column(_("Session")),
            Column(_("Name")),
            Column(_("Organisation")),
            Column(_("Sector")),
            Column(_("Function level")),
            Column(_("Attendance")),
        ],
    )
    # Tuples of the seven columns: thousands of rows, each of three models otherwise.
    for date, title, name, organisation, sector, level, status in (
        Attendance.objects.filter(session__region=region)
        .order_by("session__date", "session__pk", "stakeholder__name")
        .values_list(
            "session__date",
            "session__title",
            "stakeholder__name",
            "stakeholder__organisation__name",
            "stakeholder__organisation__sector",
            "stakeholder__function_level",
            "status",
        )
    ):
        attendance.rows.append(
            [
                date,
                title,
                name,
                organisation,
                sectors.get(sector, sector),
                levels.get(level, level),
                statuses.get(status, status),
            ]
        )
    return attendance


def work_plan_sheets(region) -> list[Sheet]:
    activities = Sheet(
        _("Activities"),
        [
            Column(_("Activity")),
            Column(_("Description")),
            Column(_("Responsible")),
            Column(_("From month"), "int"),
            Column(_("To month"), "int"),
            Column(_("Cost (EUR)"), "money"),
            Column(_("Paid by")),
        ],
    )
    for activity in Activity.objects.filter(work_plan__region=region).select_related(
        "responsible_organisation", "paying_organisation"
    ):
        activities.rows.append(
            [
                activity.title,
                activity.description,
                getattr(activity.responsible_organisation, "name", ""),
                activity.start_month,
                activity.end_month,
                activity.cost,
                getattr(activity.paying_organisation, "name", ""),
            ]
        )
    milestones = Sheet(
        _("Milestones"),
        [Column(_("Milestone")), Column(_("Month"), "int"), Column(_("Description"))],
    )
    for milestone in Milestone.objects.filter(work_plan__region=region).order_by("month"):
        milestones.rows.append([milestone.title, milestone.month, milestone.description])
    return [activities, milestones]


def monitoring_sheets(region) -> list[Sheet]:
    sheet = Sheet(
        _("Measurements"),
        [
            Column(_("Indicator")),
            Column(_("Unit")),
            Column(_("Period kind")),
            Column(_("Period"), "int"),
            Column(_("Value"), "number"),
            Column(_("Target per period"), "number"),
            Column(_("Source")),
            Column(_("Note")),
            Column(_("Recorded at"), "datetime"),
        ],
    )
    for measurement in (
        Measurement.objects.filter(indicator__region=region)
        .select_related("indicator")
        .order_by("indicator__order", "indicator__pk", "period")
    ):
        indicator = measurement.indicator
        sheet.rows.append(
            [
                indicator.name,
                indicator.unit,
                indicator.get_period_kind_display(),
                measurement.period,
                measurement.value,
                indicator.target_per_period,
                measurement.source,
                measurement.note,
                measurement.recorded_at,
            ]
        )
    return [sheet]


def action_items_sheets(region) -> list[Sheet]:
    sheet = Sheet(
        _("Action items"),
        [
            Column(_("What")),
            Column(_("Owner")),
            Column(_("Due"), "date"),
            Column(_("Status")),
            Column(_("Session")),
            Column(_("Session date"), "date"),
        ],
    )
    for item in (
        ActionItem.objects.filter(session__region=region)
        .select_related("session", "owner_stakeholder", "owner_user")
        .order_by("due_date", "pk")
    ):
        sheet.rows.append(
            [
                item.what,
                item.owner_name,
                item.due_date,
                item.get_status_display(),
                item.session.title,
                item.session.date,
            ]
        )
    return [sheet]


def _library_columns(item) -> list:
    version = item.library_version
    if version is None:
        return ["", None, None]
    return [version.unit_value.name, version.number, item.price_year or version.price_year]


def business_case_sheets(region) -> list[Sheet]:
    """Inputs of every scenario, the per-organisation table and the monthly series, as the
    business case page computes them (``steps.scenarios.evaluate_scenario``)."""
    scenarios = list(
        Scenario.objects.filter(business_case__region=region)
        .prefetch_related(
            "costs__organisation",
            "benefits__organisation",
            "outcomes",
            "costs__library_version__unit_value",
            "benefits__library_version__unit_value",
        )
        .order_by("order", "pk")
    )
    names = dict(Organisation.objects.values_list("pk", "name"))
    inputs = Sheet(
        _("Inputs"),
        [
            Column(_("Scenario")),
            Column(_("Item")),
            Column(_("Organisation")),
            Column(_("Kind")),
            Column(_("Amount (EUR)"), "money"),
            Column(_("Clients"), "int"),
            Column(_("Success rate"), "rate"),
            Column(_("Months before savings start"), "int"),
            Column(_("Horizon (months)"), "int"),
            Column(_("Intervention months"), "int"),
            Column(_("Annual discount rate"), "rate"),
            # Issue 18, at the end so that earlier columns keep their place.
            Column(_("Type of value")),
            Column(_("Cashable")),
            Column(_("Deadweight"), "rate"),
            Column(_("Attribution"), "rate"),
            Column(_("Displacement"), "rate"),
            Column(_("Drop-off per year"), "rate"),
            Column(_("Lasts (months)"), "int"),
            Column(_("Cost uplift"), "rate"),
            Column(_("Benefit reduction"), "rate"),
            Column(_("Benefits start later (months)"), "int"),
            # Where the amount came from in the unit-cost library, and the outcome whose
            # clients a benefit counts (empty: the clients in paid work).
            Column(_("Library value")),
            Column(_("Library version"), "int"),
            Column(_("Price year"), "int"),
            Column(_("Counts the clients of")),
        ],
    )
    table = Sheet(
        _("Per organisation"),
        [
            Column(_("Scenario")),
            Column(_("Organisation")),
            Column(_("Invests (EUR)"), "money"),
            Column(_("Saves (EUR)"), "money"),
            Column(_("Net (EUR)"), "money"),
            Column(_("Share after split (EUR)"), "money"),
            Column(_("Own break-even month"), "int"),
        ],
    )
    series = Sheet(
        _("Monthly series"),
        [
            Column(_("Scenario")),
            Column(_("Month"), "int"),
            Column(_("Cost (EUR)"), "money"),
            Column(_("Saving (EUR)"), "money"),
            Column(_("Cumulative cost (EUR)"), "money"),
            Column(_("Cumulative saving (EUR)"), "money"),
        ],
    )
    evaluated = []
    for scenario in scenarios:
        parameters = [
            scenario.clients,
            scenario.success_rate,
            scenario.lag_months,
            scenario.horizon_months,
            scenario.intervention_months,
            scenario.annual_discount_rate,
        ]
        bias = [scenario.cost_uplift, scenario.benefit_reduction, scenario.benefit_delay_months]
        outcomes = {outcome.pk: outcome.name for outcome in scenario.outcomes.all()}
        for cost in scenario.costs.all():
            inputs.rows.append(
                [scenario.name, _("cost"), cost.organisation.name, cost.get_kind_display(),
                 cost.amount, *parameters, "", "", None, None, None, None, None, *bias,
                 *_library_columns(cost), ""]
            )  # fmt: skip
        for benefit in scenario.benefits.all():
            inputs.rows.append(
                [scenario.name, _("saving per client in work, a month"),
                 benefit.organisation.name, "", benefit.monthly_amount, *parameters,
                 benefit.get_kind_display(), _("yes") if benefit.cashable else _("no"),
                 benefit.deadweight, benefit.attribution, benefit.displacement,
                 benefit.drop_off, benefit.duration_months, *bias,
                 *_library_columns(benefit), outcomes.get(benefit.outcome_id, "")]
            )  # fmt: skip
        evaluation = evaluate_scenario(scenario, organisation_names=names)
        evaluated.append((scenario.name, evaluation))
        for result in evaluation.organisations:
            table.rows.append(
                [
                    scenario.name,
                    result.organisation,
                    result.invested,
                    result.saved,
                    result.saved - result.invested,
                    result.share,
                    result.break_even_month,
                ]
            )
        for point in evaluation.months:
            series.rows.append(
                [
                    scenario.name,
                    point.month,
                    point.cost,
                    point.saving,
                    point.cumulative_cost,
                    point.cumulative_saving,
                ]
            )
    return [inputs, table, series, *summary_sheets(evaluated)]


def step_one_sheets(region) -> list[Sheet]:
    """Step 1: the group today per sector and level, the map's whole history, and the
    changes in membership (the same data as the step 1 report's PDF)."""
    today = timezone.localdate()
    group = group_data(region, today)
    members = Sheet(
        _("Project group"),
        [
            Column(_("Name")),
            Column(_("Organisation")),
            Column(_("Sector")),
            Column(_("Function level")),
            Column(_("Function")),
            Column(_("Joined on"), "date"),
            Column(_("Core group")),
        ],
    )
    for m in group["members"]:
        members.rows.append(
            [
                m["name"],
                m["organisation"],
                m["sector"],
                m["level"],
                m["function"],
                _day(m["joined_on"]),
                _("yes") if m["core_group"] else _("no"),
            ]
        )
    per_sector = Sheet(
        _("Per sector and level"),
        [
            Column(_("Sector")),
            *[Column(level, "int") for level in group["levels"]],
            Column(_("Total"), "int"),
        ],
    )
    for row in group["per_sector"]:
        per_sector.rows.append([row["sector"], *row["counts"], row["total"]])
    assessments = Sheet(
        _("Influence and interest"),
        [
            Column(_("Assessed on"), "date"),
            Column(_("Name")),
            Column(_("Organisation")),
            Column(_("Influence")),
            Column(_("Interest")),
            Column(_("Mandate")),
        ],
    )
    for a in assessment_history(region):
        assessments.rows.append(
            [
                _day(a["assessed_on"]),
                a["name"],
                a["organisation"],
                a["influence"],
                a["interest"],
                _("yes") if a["mandate"] else _("no"),
            ]
        )
    changes = Sheet(
        _("Changes in membership"),
        [
            Column(_("Date"), "date"),
            Column(_("Who")),
            Column(_("Organisation")),
            Column(_("Change")),
        ],
    )
    for c in membership_changes(region):
        changes.rows.append([_day(c["date"]), c["name"], c["organisation"], c["detail"]])
    return [members, per_sector, assessments, changes]


def _day(iso):
    return datetime.date.fromisoformat(iso) if iso else None


# The sheets of each export, in order: CSV holds one sheet per file (``?sheet=N``), so the
# region page links each of them. A test keeps these in step with the sheets built above.
SHEET_TITLES = {
    "step-1": (
        gettext_lazy("Project group"),
        gettext_lazy("Per sector and level"),
        gettext_lazy("Influence and interest"),
        gettext_lazy("Changes in membership"),
    ),
    "sessions": (gettext_lazy("Sessions"), gettext_lazy("Attendance")),
    "action-items": (gettext_lazy("Action items"),),
    "business-case": (
        gettext_lazy("Inputs"),
        gettext_lazy("Per organisation"),
        gettext_lazy("Monthly series"),
        *BUSINESS_CASE_SUMMARY_TITLES,
    ),
    "work-plan": (gettext_lazy("Activities"), gettext_lazy("Milestones")),
    "monitoring": (gettext_lazy("Measurements"),),
}

# What can be exported, by the name used in URLs and file names.
# Exports whose sheets can be built one at a time: a CSV download (one sheet) builds only
# the sheet it asks for.
ONE_SHEET = {"sessions": (sessions_sheet, attendance_sheet)}

EXPORTS = {
    "step-1": step_one_sheets,
    "sessions": sessions_sheets,
    "action-items": action_items_sheets,
    "business-case": business_case_sheets,
    "work-plan": work_plan_sheets,
    "monitoring": monitoring_sheets,
}
