"""The roadmap: step definitions, each region's progress through them, decisions, and the
deliverables that complete a step (target group, business case, work plan, monitoring).

The step and decision rules live in ``steps/services.py``; these models carry the data and
the questions that do not need a transaction.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.models import FunctionLevel, Organisation, Region, Sector

from . import interventions


class Step(models.Model):
    """One step of the roadmap (1, 2a, 2b, 3, 4, 5). Created by a data migration."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"))
    deliverables = models.TextField(_("deliverables"))
    planned_duration_days = models.PositiveIntegerField(_("planned duration (days)"))

    class Meta:
        ordering = ["order"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self):
        return f"{self.code}. {self.display_name}"

    # The roadmap's texts live in the database in English (steps/roadmap.py marks them for
    # translation); these show them in the reader's language without a second column.
    @property
    def display_name(self):
        return gettext(self.name)

    @property
    def display_purpose(self):
        return gettext(self.purpose)

    @property
    def display_deliverables(self):
        return gettext(self.deliverables)


class RequirementRules:
    """What a requirement says and whether people meet it: the same for the programme's
    defaults and a region's own."""

    def describe(self) -> str:
        if self.function_level:
            return _("%(sector)s (%(level)s level)") % {
                "sector": self.get_sector_display(),
                "level": self.get_function_level_display(),
            }
        return str(self.get_sector_display())

    def is_met_by(self, people) -> bool:
        """``people`` is an iterable of (sector, function_level) pairs."""
        return any(
            sector == self.sector and (not self.function_level or level == self.function_level)
            for sector, level in people
        )


class StepRequirement(RequirementRules, models.Model):
    """A sector (at a function level, or any level) that must take part in a step: the
    programme's default, for every region that has not chosen its own for the step."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="requirements")
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    function_level = models.CharField(
        _("function level"),
        max_length=20,
        choices=FunctionLevel.choices,
        blank=True,
        help_text=_("Empty: any level will do."),
    )

    class Meta:
        ordering = ["step__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["step", "sector", "function_level"], name="unique_step_requirement"
            )
        ]
        verbose_name = _("step requirement")
        verbose_name_plural = _("step requirements")

    def __str__(self):
        return f"{self.step.code}: {self.describe()}"


class RegionStepRequirement(RequirementRules, models.Model):
    """A region's own requirement for a step. A region with any of these for a step uses
    them instead of the programme's defaults for that step (``steps.requirements``)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="step_requirements")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="region_requirements")
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    function_level = models.CharField(
        _("function level"),
        max_length=20,
        choices=FunctionLevel.choices,
        blank=True,
        help_text=_("Empty: any level will do."),
    )

    class Meta:
        ordering = ["step__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "step", "sector", "function_level"],
                name="unique_region_step_requirement",
            )
        ]
        verbose_name = _("region's step requirement")
        verbose_name_plural = _("region's step requirements")

    def __str__(self):
        return f"{self.region}, {self.step.code}: {self.describe()}"


class DecisionPoint(models.Model):
    """An explicit decision between two steps (after 2a, after 2b)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200)
    question = models.TextField(_("question"))
    after_step = models.OneToOneField(
        Step, on_delete=models.PROTECT, related_name="decision_point_after"
    )
    before_step = models.OneToOneField(
        Step, on_delete=models.PROTECT, related_name="decision_point_before"
    )

    class Meta:
        ordering = ["after_step__order"]
        verbose_name = _("decision point")
        verbose_name_plural = _("decision points")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return gettext(self.name)

    @property
    def display_question(self):
        return gettext(self.question)


class StepStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    SKIPPED = "skipped", _("skipped")


class RegionStep(models.Model):
    """Where one region stands on one step."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="region_steps")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="region_steps")
    status = models.CharField(
        _("status"), max_length=20, choices=StepStatus.choices, default=StepStatus.NOT_STARTED
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("ended on"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    summary = models.TextField(
        _("deliverable summary"),
        blank=True,
        help_text=_("What the region produced in this step."),
    )

    class Meta:
        ordering = ["region", "step__order"]
        constraints = [
            models.UniqueConstraint(fields=["region", "step"], name="unique_region_step")
        ]
        verbose_name = _("region step")
        verbose_name_plural = _("region steps")

    def __str__(self):
        return f"{self.region}: step {self.step.code} ({self.get_status_display()})"

    @property
    def is_done(self) -> bool:
        return self.status in {StepStatus.COMPLETED, StepStatus.SKIPPED}

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == StepStatus.IN_PROGRESS
            and self.planned_end is not None
            and today > self.planned_end
        )

    def days_spent(self, today: datetime.date | None = None) -> int | None:
        if not self.started_on:
            return None
        end = self.completed_on or today or timezone.localdate()
        return (end - self.started_on).days

    def days_late(self, today: datetime.date | None = None) -> int:
        """Days past the planned end (0 when on time or not started)."""
        if not self.planned_end or not self.started_on:
            return 0
        end = self.completed_on or today or timezone.localdate()
        return max(0, (end - self.planned_end).days)


class StepTransition(models.Model):
    """A change of a region step's status: the route the region actually took."""

    region_step = models.ForeignKey(
        RegionStep, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=20, choices=StepStatus.choices)
    to_status = models.CharField(max_length=20, choices=StepStatus.choices)
    on = models.DateField(_("date"))
    at = models.DateTimeField(_("recorded at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("step transition")
        verbose_name_plural = _("step transitions")

    def __str__(self):
        return f"{self.region_step}: {self.from_status} → {self.to_status}"


class DecisionOutcome(models.TextChoices):
    GO = "go", _("go on")
    REVISE = "revise", _("revise")
    STOP = "stop", _("stop")


class Decision(models.Model):
    """The outcome of a decision point for a region."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="decisions")
    decision_point = models.ForeignKey(
        DecisionPoint, on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=DecisionOutcome.choices)
    decided_on = models.DateField(_("decided on"), default=timezone.localdate)
    rationale = models.TextField(_("rationale"))
    decided_by = models.ManyToManyField(
        "regions.Stakeholder", blank=True, related_name="decisions", verbose_name=_("decided by")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # The business-case scenario accepted at the 2b decision point, frozen as it was.
    accepted_scenario = models.ForeignKey(
        "Scenario", on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    accepted_scenario_snapshot = models.JSONField(null=True, blank=True)
    # 1 for the first decision at this point in this region, 2 for the one taken after it
    # (after a revise), and so on: at most one decision per point and round, so two "go"
    # posted at once store one (steps.services.decision_record sets it under the region's
    # lock). Empty only for rows bulk-made by seed_scale.
    round = models.PositiveIntegerField(null=True, blank=True, editable=False)

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_on", "recorded_at", "id"]
        get_latest_by = ["decided_on", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "decision_point", "round"],
                name="one_decision_per_point_and_round",
            )
        ]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.region}: {self.decision_point} → {self.get_outcome_display()}"

    def save(self, *args, **kwargs):
        if self._state.adding and self.round is None:
            last = (
                Decision.objects.filter(
                    region_id=self.region_id, decision_point=self.decision_point
                )
                .exclude(round=None)
                .order_by("-round")
                .values_list("round", flat=True)
                .first()
            )
            self.round = (last or 0) + 1
        super().save(*args, **kwargs)


# --- 2a: intervention and target group -------------------------------------------------


class Intervention(models.Model):
    """A vocational rehabilitation intervention. Catalogue entries have no region; a region's
    own (developed or adopted from another region) carry the region."""

    code = models.CharField(_("short name"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="own_interventions",
        help_text=_("Empty for the national catalogue."),
    )
    adopted_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="adoptions"
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(region__isnull=True),
                name="unique_catalogue_intervention",
            ),
            models.UniqueConstraint(
                fields=["region", "code"], name="unique_region_intervention_code"
            ),
        ]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")

    def __str__(self):
        return f"{self.code}: {self.display_name}"

    # The national catalogue is stored in English (steps/interventions.py marks it for
    # translation) and shown in the reader's language; a region's own text stays as typed.
    @property
    def display_name(self):
        return interventions.display_text(self.name)

    @property
    def display_description(self):
        return interventions.display_text(self.description)


class RegionIntervention(models.Model):
    """An intervention a region chose, and the organisations that deliver it."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="interventions")
    intervention = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, related_name="region_choices"
    )
    delivered_by = models.ManyToManyField(Organisation, blank=True, related_name="+")
    chosen_on = models.DateField(_("chosen on"), default=timezone.localdate)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "intervention"], name="unique_region_intervention"
            )
        ]
        verbose_name = _("chosen intervention")
        verbose_name_plural = _("chosen interventions")

    def __str__(self):
        return f"{self.region}: {self.intervention.code}"


class TargetGroup(models.Model):
    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="target_group")
    description = models.TextField(_("description"))
    inclusion_criteria = models.JSONField(_("inclusion criteria"), default=list, blank=True)
    exclusion_criteria = models.JSONField(_("exclusion criteria"), default=list, blank=True)
    estimated_population = models.PositiveIntegerField(
        _("estimated population"), null=True, blank=True
    )
    pilot_size = models.PositiveIntegerField(_("planned pilot size"), null=True, blank=True)
    shared_goal = models.TextField(_("shared goal of the collaboration"), blank=True)
    barriers = models.TextField(_("barriers found"), blank=True)
    facilitators = models.TextField(_("facilitators found"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")

    def __str__(self):
        return f"{self.region}: target group"


class PassageKind(models.TextChoices):
    BARRIER = "barrier", _("barrier")
    FACILITATOR = "facilitator", _("facilitator")


class TargetGroupPassage(models.Model):
    """A coded field-note passage that shows a barrier or facilitator found in step 2a.

    The quote is field-note text: only readers of field notes see these links."""

    target_group = models.ForeignKey(TargetGroup, on_delete=models.CASCADE, related_name="passages")
    coding = models.ForeignKey(
        "roadmap_sessions.Coding", on_delete=models.CASCADE, related_name="target_group_links"
    )
    kind = models.CharField(_("shows a"), max_length=12, choices=PassageKind.choices)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["target_group", "coding"], name="unique_target_group_passage"
            )
        ]
        ordering = ["kind", "linked_at", "id"]
        verbose_name = _("linked passage")
        verbose_name_plural = _("linked passages")

    def __str__(self):
        return f"{self.target_group}: {self.get_kind_display()} {self.coding_id}"


# --- 2b: business case ------------------------------------------------------------------


class BusinessCase(models.Model):
    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="business_case")
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("business case")
        verbose_name_plural = _("business cases")

    def __str__(self):
        return f"{self.region}: business case"


class SplitKind(models.TextChoices):
    NONE = "none", _("each keeps its own savings")
    PROPORTIONAL = "proportional", _("proportional to investment")
    INVESTORS_FIRST = "investors_first", _("investors recover first, then agreed percentages")
    PERCENTAGES = "percentages", _("agreed percentages")


class Scenario(models.Model):
    business_case = models.ForeignKey(
        BusinessCase, on_delete=models.CASCADE, related_name="scenarios"
    )
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    clients = models.PositiveIntegerField(_("clients"))
    success_rate = models.DecimalField(
        _("success rate"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    lag_months = models.PositiveSmallIntegerField(_("months before savings start"))
    horizon_months = models.PositiveSmallIntegerField(
        _("horizon (months)"), validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    intervention_months = models.PositiveSmallIntegerField(_("intervention months"))
    annual_discount_rate = models.DecimalField(
        _("annual discount rate"),
        max_digits=5,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    # Optimism bias (HM Treasury Green Book): appraisals overstate benefits and understate
    # costs and time; these correct for it on purpose, visibly.
    cost_uplift = models.DecimalField(
        _("optimism bias: cost uplift"),
        max_digits=5,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(3)],
    )
    benefit_reduction = models.DecimalField(
        _("optimism bias: benefit reduction"),
        max_digits=5,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    benefit_delay_months = models.PositiveSmallIntegerField(
        _("optimism bias: benefits start later (months)"),
        default=0,
        validators=[MaxValueValidator(120)],
    )
    split_kind = models.CharField(
        _("savings split"), max_length=20, choices=SplitKind.choices, default=SplitKind.NONE
    )
    # {organisation id (as text): percentage} for the percentage-based splits.
    split_percentages = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["business_case", "order", "id"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")

    def __str__(self):
        return self.name


# --- 2b: the national unit-cost library ---------------------------------------------------


class ValueKind(models.TextChoices):
    FISCAL = "fiscal", _("fiscal (public budgets)")
    ECONOMIC = "economic", _("economic (earnings, output)")
    SOCIAL = "social", _("social (wellbeing)")


class LibraryUse(models.TextChoices):
    COST = "cost", _("a cost")
    BENEFIT = "benefit", _("a saving or benefit")


class UnitValue(models.Model):
    """A unit value in the national library the national project leader keeps: what an hour
    of job coaching costs, what a month of social assistance saves. Its amount lives in
    numbered versions, so a business case can say which one it used."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    unit = models.CharField(_("unit"), max_length=100, help_text=_("e.g. per client per month"))
    use = models.CharField(_("used as"), max_length=10, choices=LibraryUse.choices)
    kind = models.CharField(
        _("kind of value"), max_length=10, choices=ValueKind.choices, default=ValueKind.FISCAL
    )
    cashable = models.BooleanField(_("cashable"), default=True)
    sector = models.CharField(
        _("usually saved or paid by"), max_length=20, choices=Sector.choices, blank=True
    )
    # Seeded figures that only show how the library works; never to be quoted.
    is_demo = models.BooleanField(_("demo figure, not a source"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["use", "name"]
        verbose_name = _("library value")
        verbose_name_plural = _("library values")

    def __str__(self):
        return self.name


class UnitValueVersion(models.Model):
    """One version of a library value's amount, frozen: a new figure is a new version."""

    unit_value = models.ForeignKey(UnitValue, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    amount = models.DecimalField(
        _("amount (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    price_year = models.PositiveSmallIntegerField(
        _("price year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.TextField(_("source"))
    source_url = models.URLField(_("source link"), blank=True)
    note = models.TextField(_("what changed"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["unit_value", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit_value", "number"], name="unique_unit_value_version"
            )
        ]
        verbose_name = _("library value version")
        verbose_name_plural = _("library value versions")

    def __str__(self):
        return f"{self.unit_value} v{self.number}"

    def save(self, *args, **kwargs):
        # Business cases point at a version; changing it would change them silently.
        if not self._state.adding:
            raise ValueError("A library value version cannot be changed.")
        super().save(*args, **kwargs)


class PriceIndex(models.Model):
    """The yearly price index the national project leader keeps, to bring amounts of one
    price year to another: amount × index(to) / index(from)."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    index = models.DecimalField(
        _("index"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = _("price index")
        verbose_name_plural = _("price index")

    def __str__(self):
        return f"{self.year}: {self.index}"


class ScenarioOutcome(models.Model):
    """A client outcome besides paid work the scenario expects, with how many clients."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="outcomes")
    name = models.CharField(_("outcome"), max_length=200)
    expected_clients = models.DecimalField(
        _("clients expected"), max_digits=9, decimal_places=1, validators=[MinValueValidator(0)]
    )
    order = models.PositiveSmallIntegerField(default=0)

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["scenario", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "name"], name="unique_scenario_outcome")
        ]
        verbose_name = _("client outcome")
        verbose_name_plural = _("client outcomes")

    def __str__(self):
        return self.name


def _library_version_field():
    return models.ForeignKey(
        UnitValueVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("library value"),
    )


def _price_year_field():
    return models.PositiveSmallIntegerField(_("price year"), null=True, blank=True)


class CostKind(models.TextChoices):
    ONE_OFF = "one_off", _("one-off")
    PER_CLIENT = "per_client", _("per client")
    PER_MONTH = "per_month", _("per month")


class ScenarioCost(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="costs")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=CostKind.choices)
    amount = models.DecimalField(
        _("amount (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    # The library value (and version) the amount came from, and the price year it was
    # indexed to; the amount itself is the item's own, so a new library version changes
    # nothing until someone accepts it.
    library_version = _library_version_field()
    price_year = _price_year_field()

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["scenario", "id"]
        verbose_name = _("cost")
        verbose_name_plural = _("costs")

    def __str__(self):
        return f"{self.organisation}: {self.get_kind_display()} {self.amount}"


def _share_field(label):
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )


class ScenarioBenefit(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="benefits")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    monthly_amount = models.DecimalField(
        _("saved per client in work per month (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind of value"), max_length=10, choices=ValueKind.choices, default=ValueKind.FISCAL
    )
    cashable = models.BooleanField(_("cashable"), default=True)
    # The SROI deflators: how much of the benefit the intervention may claim.
    deadweight = _share_field(_("deadweight"))
    attribution = _share_field(_("attribution"))
    displacement = _share_field(_("displacement"))
    drop_off = _share_field(_("drop-off per year"))
    duration_months = models.PositiveSmallIntegerField(
        _("lasts (months)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    # Value reached by the clients of an outcome besides paid work (never cash).
    outcome = models.ForeignKey(
        ScenarioOutcome,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="benefits",
        verbose_name=_("client outcome"),
    )
    library_version = _library_version_field()
    price_year = _price_year_field()

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["scenario", "id"]
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")

    def __str__(self):
        return f"{self.organisation}: {self.monthly_amount} per client per month"

    @property
    def is_cash(self) -> bool:
        return self.kind == ValueKind.FISCAL and self.cashable


# --- 3: work plan -----------------------------------------------------------------------


class WorkPlan(models.Model):
    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="work_plan")
    title = models.CharField(_("title"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")

    def __str__(self):
        return self.title or f"{self.region}: work plan"


class Activity(models.Model):
    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    responsible_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    start_month = models.PositiveSmallIntegerField(_("start month"), default=1)
    end_month = models.PositiveSmallIntegerField(_("end month"), default=1)
    cost = models.DecimalField(
        _("cost (€)"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    paying_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(default=0)

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["work_plan", "start_month", "order", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self):
        return self.title


class Milestone(models.Model):
    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    month = models.PositiveSmallIntegerField(_("month"))
    description = models.TextField(_("description"), blank=True)

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["work_plan", "month", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title


class WorkPlanVersion(models.Model):
    """A published draft of a work plan, frozen: later edits do not change it."""

    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    # Everything needed to show or render this version without the live work plan.
    snapshot = models.JSONField()

    class Meta:
        ordering = ["work_plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["work_plan", "number"], name="unique_work_plan_version")
        ]
        verbose_name = _("work plan version")
        verbose_name_plural = _("work plan versions")

    def __str__(self):
        return f"{self.work_plan} v{self.number}"

    def save(self, *args, **kwargs):
        # A published version is a record of what was shared; it never changes afterwards.
        if not self._state.adding:
            raise ValueError("A published work plan version cannot be changed.")
        super().save(*args, **kwargs)


# --- 5: monitoring ----------------------------------------------------------------------


class PeriodKind(models.TextChoices):
    MONTH = "month", _("month")
    QUARTER = "quarter", _("quarter")


class Indicator(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="indicators")
    key = models.SlugField(_("key"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50)
    period_kind = models.CharField(
        _("period"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.QUARTER
    )
    target_per_period = models.DecimalField(
        _("target per period"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    horizon_months = models.PositiveSmallIntegerField(_("horizon (months)"), default=36)
    higher_is_better = models.BooleanField(
        _("higher is better"),
        default=True,
        help_text=_("Off for costs: there the warning is for being above target."),
    )
    start_date = models.DateField(_("monitoring starts"), null=True, blank=True)
    derived_from = models.ForeignKey(
        Scenario, on_delete=models.SET_NULL, null=True, blank=True, related_name="indicators"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["region", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "key"], name="unique_region_indicator")
        ]
        verbose_name = _("monitoring indicator")
        verbose_name_plural = _("monitoring indicators")

    def __str__(self):
        return f"{self.region}: {self.name}"

    # The default indicators are created with their English names (steps/monitoring.py);
    # shown in the reader's language. Names a project leader typed stay as typed.
    @property
    def display_name(self):
        return gettext(self.name)

    @property
    def display_unit(self):
        return gettext(self.unit) if self.unit else self.unit


class Measurement(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    period = models.PositiveSmallIntegerField(
        _("period"), help_text=_("Number of the month or quarter since monitoring started, from 1.")
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="unique_measurement")
        ]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")

    def __str__(self):
        return f"{self.indicator} #{self.period}: {self.value}"
