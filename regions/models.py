import secrets

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .personal_data import KIND_LABELS


class Role(models.TextChoices):
    NATIONAL_PROJECT_LEADER = "npl", _("National project leader")
    REGIONAL_PROJECT_LEADER = "rpl", _("Regional project leader")
    RESEARCHER = "researcher", _("Researcher")
    STAKEHOLDER = "stakeholder", _("Stakeholder")
    STEERING_BOARD = "board", _("Steering board member")


class Profile(models.Model):
    """The role a login plays in the programme. Access rules hang off this role."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return f"{self.user.get_username()} ({self.get_role_display()})"


class Sector(models.TextChoices):
    MENTAL_HEALTH_CARE = "mhc", _("mental health care")
    SOCIAL_SECURITY = "ssi", _("social security institute")
    MUNICIPALITY = "municipality", _("municipality")
    HEALTH_INSURER = "insurer", _("health insurer")
    REINTEGRATION = "reintegration", _("job reintegration agency")
    EMPLOYER = "employer", _("employer")
    CLIENT_ORGANISATION = "client", _("client organisation")
    OTHER = "other", _("other")


class FunctionLevel(models.TextChoices):
    OPERATIONAL = "operational", _("operational")
    DATA = "data", _("data/information")
    POLICY = "policy", _("policy")
    MANAGEMENT = "management", _("management")
    DIRECTOR = "director", _("director")
    POLITICAL = "political", _("political")


class RegionStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    PAUSED = "paused", _("paused")
    STOPPED = "stopped", _("stopped")
    COMPLETED = "completed", _("completed")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Stakeholder(models.Model):
    """A person who represents an organisation; optionally a login of the stakeholder role."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="stakeholders"
    )
    function_level = models.CharField(
        _("function level"), max_length=20, choices=FunctionLevel.choices
    )
    function_title = models.CharField(_("function"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stakeholder",
    )

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")

    def __str__(self):
        return f"{self.name} ({self.organisation})"

    @property
    def sector(self):
        return self.organisation.sector


class Region(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.CharField(
        _("labour market region code"), max_length=10, blank=True, help_text=_("For example AM18.")
    )
    description = models.TextField(_("description"), blank=True)
    starting_point = models.TextField(
        _("starting point"),
        blank=True,
        help_text=_("How the sectors worked together when the region joined."),
    )
    collaboration_needs = models.TextField(_("collaboration needs"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RegionStatus.choices, default=RegionStatus.ACTIVE
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    status_reason = models.TextField(_("reason for the status"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_regions",
        verbose_name=_("regional project leader"),
    )
    owner_since = models.DateField(_("owner since"), null=True, blank=True)
    researchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="researched_regions"
    )
    organisations = models.ManyToManyField(
        Organisation, through="RegionOrganisation", related_name="regions"
    )
    stakeholders = models.ManyToManyField(
        Stakeholder, through="RegionStakeholder", related_name="regions"
    )
    joined_on = models.DateField(_("joined the programme on"), default=timezone.localdate)

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            # A labour market region is set up once; regions without a code yet may be many.
            models.UniqueConstraint(
                fields=["code"],
                condition=~models.Q(code=""),
                name="unique_region_code",
                violation_error_message=_("This labour market region code is used already."),
            )
        ]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    @property
    def takes_new_sessions(self) -> bool:
        """A stopped or completed region's roadmap is over: nothing new is planned in it."""
        return self.status not in {RegionStatus.STOPPED, RegionStatus.COMPLETED}

    @transaction.atomic
    def hand_over(self, new_owner, *, by=None, note="", on=None):
        """Give the region a new regional project leader; its history stays with it."""
        on = on or timezone.localdate()
        self.ownerships.filter(ended_on__isnull=True).update(ended_on=on)
        RegionOwnership.objects.create(
            region=self, owner=new_owner, started_on=on, handed_over_by=by, note=note
        )
        self.owner = new_owner
        self.owner_since = on
        self.save(update_fields=["owner", "owner_since"])


class RegionOwnership(models.Model):
    """Who owned a region when: a handover keeps the whole line of owners."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="ownerships")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="region_ownerships"
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["region", "started_on", "id"]
        verbose_name = _("region ownership")
        verbose_name_plural = _("region ownerships")

    def __str__(self):
        return f"{self.region}: {self.owner} from {self.started_on}"


class RegionOrganisation(models.Model):
    """One period of an organisation taking part in a region's roadmap. An organisation
    that leaves and comes back has a second period; the first stays as it was."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="participations"
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        constraints = [
            # One open period per organisation and region; earlier periods stay as history.
            models.UniqueConstraint(
                fields=["region", "organisation"],
                condition=models.Q(left_on__isnull=True),
                name="one_open_participation",
                violation_error_message=_("This organisation takes part in the region already."),
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(joined_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="participation_left_after_joined",
                violation_error_message=_("The left date is before the joined date."),
            ),
        ]
        ordering = ["joined_on", "id"]
        verbose_name = _("participating organisation")
        verbose_name_plural = _("participating organisations")

    def __str__(self):
        return f"{self.organisation} in {self.region}"


class RegionStakeholder(models.Model):
    """One period of a stakeholder in a region's project group.

    A person is a member on a date when they had joined by then (or the join date is
    unknown) and had not yet left: ``left_on`` is the first day they no longer count, so
    a replacement who takes over on the same day is the only one counted that day. Who
    counts on a date is read through ``regions.selectors`` and nowhere else. Someone who
    leaves and comes back has a second period; a replacement's period points at the one it
    took the seat of (``replaces``), so the seat's holders can be read in order."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="memberships")
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="memberships"
    )
    core_group = models.BooleanField(
        _("core group"), default=True, help_text=_("Member of the regional project group.")
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(_("reason for leaving"), max_length=300, blank=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("took over the seat of"),
    )

    # Who changed a membership (left, replaced, corrected), and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        constraints = [
            # One open period per person and region; earlier periods stay as history.
            models.UniqueConstraint(
                fields=["region", "stakeholder"],
                condition=models.Q(left_on__isnull=True),
                name="one_open_membership",
                violation_error_message=_(
                    "This person is in the project group already; give the left date of "
                    "their current period first."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(joined_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
                violation_error_message=_("The left date is before the joined date."),
            ),
        ]
        ordering = ["joined_on", "id"]
        verbose_name = _("project group member")
        verbose_name_plural = _("project group members")

    def __str__(self):
        return f"{self.stakeholder} in {self.region}"

    def member_on(self, day) -> bool:
        """The rule of ``regions.selectors.membership_on_q`` for a row already loaded."""
        return (self.joined_on is None or self.joined_on <= day) and (
            self.left_on is None or day < self.left_on
        )


class ContextEventKind(models.TextChoices):
    LEGISLATION = "legislation", _("legislation")
    POLICY = "policy", _("policy")
    FUNDING = "funding", _("funding")
    PERSONNEL = "personnel", _("personnel")
    OTHER = "other", _("other")


class ContextEvent(models.Model):
    """A change outside the roadmap (rules, money, people) that affects a region."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="context_events")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=ContextEventKind.choices)
    description = models.TextField(_("description"))
    impact = models.TextField(_("impact"), blank=True)
    share_with_network = models.BooleanField(_("share with the learning network"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("context event")
        verbose_name_plural = _("context events")

    def __str__(self):
        return f"{self.region}: {self.get_kind_display()} on {self.date}"


class CalendarFeed(models.Model):
    """A private address at which a user's calendar program reads the planned sessions of
    their regions. The token is the only key (calendar programs cannot log in), so it is
    long and random, and the user can replace it, which revokes the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Calendar programs send no language: the feed speaks the one its owner last used on
    # the calendar page.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.user.get_username()}: calendar feed"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @classmethod
    def for_user(cls, user) -> "CalendarFeed":
        feed, _ = cls.objects.get_or_create(user=user, defaults={"token": cls.new_token()})
        return feed

    def speak(self, language: str) -> None:
        if language != self.language and language in dict(settings.LANGUAGES):
            self.language = language
            self.save(update_fields=["language"])

    def renew(self) -> None:
        self.token = self.new_token()
        self.created_at = timezone.now()
        self.save(update_fields=["token", "created_at"])


class InterventionAdoption(models.Model):
    """A region took over an intervention another region chose: the learning network at
    work. The copy lives in the adopting region's catalogue (``Intervention.adopted_from``
    points at the original); this row says from which region, when and by whom."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="adoptions")
    intervention = models.OneToOneField(
        "steps.Intervention", on_delete=models.CASCADE, related_name="adoption"
    )
    source_region = models.ForeignKey(
        Region, on_delete=models.SET_NULL, null=True, blank=True, related_name="adopted_by"
    )
    adopted_on = models.DateField(_("adopted on"), default=timezone.localdate)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-adopted_on", "-id"]
        verbose_name = _("adopted intervention")
        verbose_name_plural = _("adopted interventions")

    def __str__(self):
        return f"{self.region} adopted {self.intervention}"


class DashboardStamp(models.Model):
    """One row whose version goes up on every change the national screens show. The
    rendered dashboard is cached per version in each server process (the cache is local
    memory), so a change made through any process shows on the next request everywhere."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("dashboard stamp")
        verbose_name_plural = _("dashboard stamps")

    def __str__(self):
        return f"dashboard data version {self.version}"


class SubmissionKey(models.Model):
    """A create, publish or decision form's one-time key, stored in the same transaction
    as the row the post made (``regions.submissions.submit_once``): the same post sent
    twice finds its key and answers with the first result instead of a second row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    # What the first post answered: the address of what it made, or a short label.
    answer = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="submission_key_once_per_user")
        ]
        verbose_name = _("submission key")
        verbose_name_plural = _("submission keys")

    def __str__(self):
        return f"{self.key} → {self.answer}"


class KeptPassage(models.Model):
    """A passage the personal-data guard flagged and a user kept: "this is not personal data".

    Only a keyed hash of the passage is stored (``regions.personal_data.fingerprint``), so
    that the guard does not ask again for the same text in the region, without keeping a
    copy of what might be personal data after all."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="kept_passages")
    kind = models.CharField(_("kind"), max_length=20)
    fingerprint = models.CharField(max_length=64)
    reason = models.CharField(_("reason"), max_length=500)
    kept_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kept_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind", "fingerprint"], name="unique_kept_passage"
            )
        ]
        verbose_name = _("passage kept by the personal-data guard")
        verbose_name_plural = _("passages kept by the personal-data guard")

    def __str__(self):
        return f"{self.get_kind_display()} kept in {self.region}"

    def get_kind_display(self):
        return KIND_LABELS.get(self.kind, self.kind)


class Grade(models.TextChoices):
    """One axis of Mendelow's grid, in three steps."""

    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class InfluenceAssessment(models.Model):
    """How much a stakeholder can sway the region's roadmap (influence), how much it
    matters to them (interest), and whether they may commit their organisation's money or
    staff (mandate), as the project leader judged it on a date. A reassessment is a new
    row, so the map of any earlier date can be read back (``regions.selectors``)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="assessments")
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="assessments"
    )
    assessed_on = models.DateField(_("assessed on"))
    influence = models.CharField(_("influence"), max_length=10, choices=Grade.choices)
    interest = models.CharField(_("interest"), max_length=10, choices=Grade.choices)
    mandate = models.BooleanField(
        _("mandate"),
        default=False,
        help_text=_("May commit the organisation's money or staff."),
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    # Who changed an assessment, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        constraints = [
            # A second assessment on the same day corrects the first (services.assess).
            models.UniqueConstraint(
                fields=["region", "stakeholder", "assessed_on"],
                name="one_assessment_per_person_and_day",
            )
        ]
        ordering = ["region", "stakeholder", "assessed_on", "id"]
        verbose_name = _("influence and interest assessment")
        verbose_name_plural = _("influence and interest assessments")

    def __str__(self):
        return f"{self.stakeholder.name} in {self.region} on {self.assessed_on}"
