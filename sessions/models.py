import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.models import Region, Stakeholder

from . import codebook


class SessionKind(models.TextChoices):
    GROUP = "group", _("group session")
    ONE_ON_ONE = "one_on_one", _("one-on-one session")
    PROJECT_LEADERS = "project_leaders", _("project leader meeting")
    STEERING = "steering", _("steering meeting")


class SessionMode(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    VIDEO = "video", _("video")
    HYBRID = "hybrid", _("hybrid")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


class Session(models.Model):
    """A facilitated meeting of a region, serving one or more roadmap steps."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="sessions")
    steps = models.ManyToManyField("steps.Step", related_name="sessions", blank=True)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=90)
    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices)
    mode = models.CharField(
        _("mode"), max_length=20, choices=SessionMode.choices, default=SessionMode.VIDEO
    )
    location = models.CharField(_("location or video link"), max_length=500, blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="facilitated_sessions"
    )
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    recorded = models.BooleanField(_("recorded"), default=False)
    # Raised on every change of time or place, and on cancellation: calendar programs take
    # an update only when its SEQUENCE is higher than the one they have (RFC 5546).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-start_time", "-id"]
        indexes = [models.Index(fields=["region", "date"])]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        return f"{self.title} ({self.date})"

    def save(self, *args, **kwargs):
        if self.pk and self.schedule_changed():
            self.sequence += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "sequence"}
        super().save(*args, **kwargs)
        self._loaded_schedule = self.schedule()
        self._loaded_status = self.status

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("sessions:detail", args=[self.pk])

    # What a calendar shows of a session: changing any of these is an update for invitees.
    SCHEDULE_FIELDS = ("date", "start_time", "duration_minutes", "location")

    def schedule(self) -> tuple:
        return tuple(getattr(self, name) for name in self.SCHEDULE_FIELDS)

    @classmethod
    def from_db(cls, db, field_names, values):
        session = super().from_db(db, field_names, values)
        # As loaded, so that save() can tell a move (no extra query).
        if all(name in field_names for name in (*cls.SCHEDULE_FIELDS, "status")):
            session._loaded_schedule = session.schedule()
            session._loaded_status = session.status
        return session

    def schedule_changed(self) -> bool:
        """Moved or cancelled since it was loaded (False for a new session)."""
        loaded = getattr(self, "_loaded_schedule", None)
        if loaded is None:
            return False
        return loaded != self.schedule() or (
            self.status == SessionStatus.CANCELLED != self._loaded_status
        )

    def held_problem(self, today: datetime.date | None = None) -> str | None:
        """Why the session cannot be held as it stands (its date is still ahead), or None."""
        today = today or timezone.localdate()
        if self.status == SessionStatus.HELD and self.date and self.date > today:
            return _(
                "A session can be marked held only on or after its date (%(date)s); "
                "until then it is planned."
            ) % {"date": self.date.isoformat()}
        return None

    def clean(self):
        # Forms and the admin validate through here; services ask ``held_problem`` too.
        problem = self.held_problem()
        if problem:
            raise ValidationError({"status": problem})


class AttendanceStatus(models.TextChoices):
    INVITED = "invited", _("invited")
    PRESENT = "present", _("present")
    ABSENT = "absent", _("absent")
    EXCUSED = "excused", _("excused")


class AttendanceReply(models.TextChoices):
    NONE = "", _("no reply yet")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    TENTATIVE = "tentative", _("tentative")


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="attendances"
    )
    status = models.CharField(
        _("attendance"),
        max_length=20,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.INVITED,
    )
    # The invitee's answer to the invitation, given through the link in its mail
    # (sessions/views/replies.py). A decline takes them out of "who is missing".
    reply = models.CharField(
        _("reply"), max_length=10, choices=AttendanceReply.choices, blank=True, default=""
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    # The key in the invitee's reply link: it answers for this invitee only.
    reply_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    invited_at = models.DateTimeField(_("invitation sent"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    class Meta:
        ordering = ["session", "stakeholder__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "stakeholder"], name="unique_session_attendance"
            )
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")

    def __str__(self):
        return f"{self.stakeholder} at {self.session}: {self.get_status_display()}"

    @staticmethod
    def new_token() -> str:
        import secrets

        return secrets.token_urlsafe(32)

    @property
    def declined(self) -> bool:
        return self.reply == AttendanceReply.DECLINED


# --- field notes ------------------------------------------------------------------------


class FieldNote(models.Model):
    """Internal notes of a session: facilitators, project leaders and researchers only.

    ``version`` is the optimistic lock: a save must name the version it started from, and a
    save from an older version is refused (and kept as a refused version), never merged.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("text (Markdown)"))
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "created_at", "id"]
        verbose_name = _("field note")
        verbose_name_plural = _("field notes")

    def __str__(self):
        return f"{self.session}: note {self.pk}"


class FieldNoteVersion(models.Model):
    """Every saved text of a note, and every save refused as a conflict."""

    note = models.ForeignKey(FieldNote, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField()
    refused = models.BooleanField(
        _("refused as a conflict"),
        default=False,
        help_text=_("Saved from an older version while someone else had saved; kept, not lost."),
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["note", "saved_at", "id"]
        verbose_name = _("field note version")
        verbose_name_plural = _("field note versions")

    def __str__(self):
        return f"{self.note} v{self.number}{' (refused)' if self.refused else ''}"


class FieldNoteDraft(models.Model):
    """What a user is typing, saved as they type so that a reload loses nothing.

    One draft per user and note (``note`` empty: a new note of ``session``)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="note_drafts")
    note = models.ForeignKey(
        FieldNote, on_delete=models.CASCADE, null=True, blank=True, related_name="drafts"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True)
    base_version = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=models.Q(note__isnull=True),
                name="unique_new_note_draft",
            ),
            models.UniqueConstraint(
                fields=["note", "user"],
                condition=models.Q(note__isnull=False),
                name="unique_note_draft",
            ),
        ]
        verbose_name = _("field note draft")
        verbose_name_plural = _("field note drafts")

    def __str__(self):
        return f"draft of {self.user} for {self.session}"


# --- decisions, action items, documents ------------------------------------------------


class SessionDecision(models.Model):
    """A decision taken in a session (distinct from the outcome of a decision point)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    step = models.ForeignKey(
        "steps.Step",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("step"),
    )
    agreed_by = models.ManyToManyField(
        Stakeholder, blank=True, related_name="session_decisions", verbose_name=_("agreed by")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "created_at", "id"]
        verbose_name = _("session decision")
        verbose_name_plural = _("session decisions")

    def __str__(self):
        return self.text[:60]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


class ActionItem(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="action_items")
    what = models.CharField(_("what"), max_length=500)
    owner_stakeholder = models.ForeignKey(
        Stakeholder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owner (stakeholder)"),
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owner (user)"),
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When the owner was mailed about it (an owner without an email address is not), and
    # the due date the day-before reminder went out for (a new due date is reminded again).
    owner_notified_at = models.DateTimeField(null=True, blank=True)
    reminded_for = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self):
        return self.what

    def is_overdue_on(self, today: datetime.date) -> bool:
        """Open and past its due date (due today is not overdue yet)."""
        return bool(self.status == ActionStatus.OPEN and self.due_date and self.due_date < today)

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    @property
    def owner_name(self) -> str:
        if self.owner_stakeholder_id:
            return self.owner_stakeholder.name
        if self.owner_user_id:
            return self.owner_user.get_full_name() or self.owner_user.get_username()
        return ""

    @property
    def owner_email(self) -> str:
        if self.owner_stakeholder_id:
            return self.owner_stakeholder.email
        if self.owner_user_id:
            return self.owner_user.email
        return ""

    @property
    def overdue(self) -> bool:
        return self.is_overdue


# --- minutes ----------------------------------------------------------------------------

# Attendees have this many days to confirm the minutes or propose an amendment.
MINUTES_REVIEW_DAYS = 10


class MinutesRevision(models.Model):
    """The summary of a held session, written for stakeholders (decisions, action items,
    agreed points) and separate from the field notes, which never leave the facilitators.

    Each publication is a numbered revision that goes round the attendees who were present.
    It locks when every one of them has confirmed, or at its deadline; a change after that
    is a new revision, which goes round again."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="minutes")
    number = models.PositiveIntegerField(_("revision"))
    summary = models.TextField(_("summary"))
    deadline = models.DateField(_("respond by"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)

    class Meta:
        ordering = ["session", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="unique_minutes_number")
        ]
        verbose_name = _("minutes revision")
        verbose_name_plural = _("minutes revisions")

    def __str__(self):
        return f"{self.session}: minutes {self.number}"

    def is_locked(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.locked_at is not None or today > self.deadline

    @property
    def locked(self) -> bool:
        return self.is_locked()


class MinutesReview(models.Model):
    """One present attendee's part in a round: the link they answer through, and whether
    they confirmed. An accepted amendment counts as their confirmation."""

    revision = models.ForeignKey(MinutesRevision, on_delete=models.CASCADE, related_name="reviews")
    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["revision", "stakeholder__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "stakeholder"], name="unique_minutes_review"
            )
        ]
        verbose_name = _("minutes review")
        verbose_name_plural = _("minutes reviews")

    def __str__(self):
        return f"{self.stakeholder} on {self.revision}"


class AmendmentOutcome(models.TextChoices):
    OPEN = "", _("waiting for the project leader")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class MinutesAmendment(models.Model):
    review = models.ForeignKey(MinutesReview, on_delete=models.CASCADE, related_name="amendments")
    text = models.TextField(_("proposed amendment"))
    proposed_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=AmendmentOutcome.choices, blank=True, default=""
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "proposed_at", "id"]
        verbose_name = _("minutes amendment")
        verbose_name_plural = _("minutes amendments")

    def __str__(self):
        return self.text[:60]


class Attachment(models.Model):
    """A document of a session. Stored under MEDIA_ROOT, served only by an access-checked
    view; the name on disk is random so it never reveals or trusts the uploaded name."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="session-attachments/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


# --- coding -----------------------------------------------------------------------------


class CodePolarity(models.TextChoices):
    NEUTRAL = "", _("neither")
    BARRIER = "barrier", _("barrier")
    FACILITATOR = "facilitator", _("facilitator")


class Code(models.Model):
    """A code of the programme's codebook. Top-level codes are the themes."""

    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("under"),
    )
    description = models.TextField(_("description"), blank=True)
    polarity = models.CharField(
        _("barrier or facilitator"),
        max_length=12,
        choices=CodePolarity.choices,
        blank=True,
        default=CodePolarity.NEUTRAL,
    )
    retired = models.BooleanField(_("retired"), default=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_codes"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("code")
        verbose_name_plural = _("codes")

    def __str__(self):
        return self.display_name

    # The seed codebook is stored in English (sessions/codebook.py marks it for
    # translation) and shown in the reader's language; codes researchers add stay as typed.
    @property
    def display_name(self):
        return codebook.display_name(self.name)

    @property
    def theme_id(self):
        return self.parent_id or self.pk


class Coding(models.Model):
    """A passage of a field note with a code. ``start``/``end`` index the note's text;
    ``quote`` is what was selected, used to find the passage again after an edit."""

    note = models.ForeignKey(FieldNote, on_delete=models.CASCADE, related_name="codings")
    code = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="codings")
    quote = models.TextField(_("quoted passage"))
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    # A coding made within an open double-coding round belongs to that round (and its
    # coder) until the round is reconciled; the project's codings have no round.
    round = models.ForeignKey(
        "CodingRound",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="codings",
        verbose_name=_("double-coding round"),
    )
    lost = models.BooleanField(
        _("passage lost"),
        default=False,
        help_text=_("The quoted text is no longer in the note after an edit."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["note", "start", "id"]
        verbose_name = _("coding")
        verbose_name_plural = _("codings")

    def __str__(self):
        return f"{self.code}: {self.quote[:40]}"


# --- double coding ------------------------------------------------------------------------


class RoundStatus(models.TextChoices):
    OPEN = "open", _("open: coding blind")
    CLOSED = "closed", _("closed: reconciling")
    RECONCILED = "reconciled", _("reconciled")


class CodingRound(models.Model):
    """Two researchers code the same field notes blind, then compare and reconcile.

    While open, each coder sees only their own codings of the round's notes; the project's
    codings of those notes are hidden from both, so neither is steered. Closing shows the
    agreement; reconciling turns the chosen codings into the project's (sessions/rounds.py).
    """

    name = models.CharField(_("name"), max_length=200)
    first_coder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("first coder"),
    )
    second_coder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("second coder"),
    )
    notes = models.ManyToManyField(FieldNote, related_name="coding_rounds")
    status = models.CharField(
        _("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    reconciled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("double-coding round")
        verbose_name_plural = _("double-coding rounds")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("sessions:round_detail", args=[self.pk])

    def is_coder(self, user) -> bool:
        return user.pk in {self.first_coder_id, self.second_coder_id}


class ReconcileOutcome(models.TextChoices):
    FIRST = "first", _("keep the first coder's")
    SECOND = "second", _("keep the second coder's")
    BOTH = "both", _("keep both")
    NEITHER = "neither", _("keep neither")


class ReconcileChoice(models.Model):
    """What the coders chose for one disagreement passage of a closed round. ``passage`` is
    the passage's key (note, code and the codings in it), so the same choice posted twice
    is one row, and a later choice replaces an earlier one."""

    round = models.ForeignKey(CodingRound, on_delete=models.CASCADE, related_name="choices")
    passage = models.CharField(max_length=200)
    outcome = models.CharField(max_length=10, choices=ReconcileOutcome.choices)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    chosen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "passage"], name="unique_reconcile_choice")
        ]
        verbose_name = _("reconcile choice")
        verbose_name_plural = _("reconcile choices")

    def __str__(self):
        return f"{self.round}: {self.passage} → {self.outcome}"


class Memo(models.Model):
    """A researcher's memo on a field note, a coded passage or a code: research material
    (Markdown), read only by those who code. Never on a stakeholder's or the board's page,
    in a PDF or a mail; the REFI-QDA export carries it as a project note."""

    note = models.ForeignKey(
        FieldNote, on_delete=models.CASCADE, null=True, blank=True, related_name="memos"
    )
    coding = models.ForeignKey(
        Coding, on_delete=models.CASCADE, null=True, blank=True, related_name="memos"
    )
    code = models.ForeignKey(
        Code, on_delete=models.CASCADE, null=True, blank=True, related_name="memos"
    )
    text = models.TextField(_("memo (Markdown)"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("memo")
        verbose_name_plural = _("memos")
        constraints = [
            # One memo is about exactly one thing.
            models.CheckConstraint(
                name="memo_has_one_subject",
                condition=(
                    models.Q(note__isnull=False, coding__isnull=True, code__isnull=True)
                    | models.Q(note__isnull=True, coding__isnull=False, code__isnull=True)
                    | models.Q(note__isnull=True, coding__isnull=True, code__isnull=False)
                ),
            )
        ]

    def __str__(self):
        return self.text[:60]


class QdpxExportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    BUILDING = "building", _("building")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


class QdpxExport(models.Model):
    """One request for a REFI-QDA project (``sessions.qdpx_jobs``): built by a worker, then
    downloaded by the one who asked for it. The id is a random UUID; the file lives outside
    any public URL (it holds field-note text) and is deleted with the row after
    ``QDPX_EXPORT_RETENTION_HOURS``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qdpx_exports"
    )
    regions = models.ManyToManyField(Region, related_name="+", verbose_name=_("regions"))
    pseudonymised = models.BooleanField(_("pseudonymised"), default=False)
    # The requester's language: the project's labels (variables, cases) are written in it.
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=QdpxExportStatus.choices,
        default=QdpxExportStatus.QUEUED,
    )
    notes_done = models.PositiveIntegerField(default=0)
    notes_total = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="qdpx/%Y/%m/", blank=True)
    size_bytes = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("REFI-QDA export")
        verbose_name_plural = _("REFI-QDA exports")

    def __str__(self):
        return f"REFI-QDA export {self.pk} ({self.status})"

    @property
    def is_done(self) -> bool:
        return self.status in {QdpxExportStatus.READY, QdpxExportStatus.FAILED}

    @property
    def filename(self) -> str:
        kind = "pseudonymised-field-notes" if self.pseudonymised else "field-notes"
        return f"roadmap-{kind}-{timezone.localtime(self.created_at):%Y-%m-%d}.qdpx"
