"""Agreements (step 4) with numbered, frozen versions and approvals per party, and the
documents (PDFs) rendered from a region's roadmap by background workers.

The lifecycle rules live in ``agreements/services.py``; document requests in
``agreements/documents.py``, rendering in ``agreements/rendering.py``.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.models import ContextEvent, Organisation, Region, Stakeholder


class AgreementKind(models.TextChoices):
    SHARED_SAVINGS = "shared_savings", _("shared savings")
    FEE_FOR_SERVICE = "fee_for_service", _("fee for service")
    PILOT_FUNDING = "pilot_funding", _("pilot funding")
    NEED_BASED_PAYMENT = "need_based_payment", _("need-based payment")
    SUBSIDY_SCHEME = "subsidy_scheme", _("subsidy scheme")
    ORGANISATIONAL_EMBEDDING = "organisational_embedding", _("organisational embedding")
    LETTER_OF_INTENT = "letter_of_intent", _("letter of intent")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    CONSULTATION = "consultation", _("in consultation")
    AGREED = "agreed", _("agreed")
    ACTIVE = "active", _("active")
    ENDED = "ended", _("ended")
    TERMINATED = "terminated", _("terminated")
    SUPERSEDED = "superseded", _("superseded")


# Statuses in which the agreement text can still change (a change in agreed or active
# makes a new version and sends the agreement back to consultation).
CHANGEABLE = {
    AgreementStatus.DRAFT,
    AgreementStatus.CONSULTATION,
    AgreementStatus.AGREED,
    AgreementStatus.ACTIVE,
}
CLOSED = {AgreementStatus.ENDED, AgreementStatus.TERMINATED, AgreementStatus.SUPERSEDED}


class Agreement(models.Model):
    """A collaboration or funding agreement of a region. Its live fields, parties and
    clauses are the text being worked on; each ``AgreementVersion`` freezes one state."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="agreements")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=AgreementKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    intervention = models.ForeignKey(
        "steps.Intervention",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("intervention"),
    )
    work_plan_version = models.ForeignKey(
        "steps.WorkPlanVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("work plan version"),
    )
    scenario = models.ForeignKey(
        "steps.Scenario",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("business case scenario"),
    )
    # The savings split of a shared-savings agreement, copied from the scenario so that a
    # later change to the business case does not silently change the agreement.
    split_kind = models.CharField(_("savings split"), max_length=20, blank=True)
    split_percentages = models.JSONField(default=dict, blank=True)
    financial_terms = models.TextField(_("financial terms"), blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    agreed_version = models.ForeignKey(
        "AgreementVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supersedes"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["region", "-created_at", "-id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self):
        return self.title


class AgreementParty(models.Model):
    """An organisation that signs the agreement, who signs for it, and what it pays."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    signatory = models.ForeignKey(
        Stakeholder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signs for the organisation"),
    )
    amount = models.DecimalField(
        _("amount (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    amount_note = models.CharField(
        _("what the amount is for"), max_length=200, blank=True, help_text=_("e.g. per client")
    )

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"], name="unique_agreement_party"
            )
        ]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self):
        return str(self.organisation)


class AgreementClause(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="clauses")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "order", "id"]
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")

    def __str__(self):
        return self.title


class FrozenVersionError(ValidationError):
    """A version that was put to the parties is a record; it never changes."""


class AgreementVersion(models.Model):
    """One numbered state of an agreement's text. Draft versions are rewritten while the
    agreement is a draft; from consultation on a version is frozen and approvals refer to
    it."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField()
    frozen = models.BooleanField(default=False)
    change_note = models.TextField(_("what changed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="unique_agreement_version")
        ]
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")

    def __str__(self):
        return f"{self.agreement} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk, frozen=True).exists():
            raise FrozenVersionError(
                _("Version %(number)s was put to the parties and cannot change.")
                % {"number": self.number}
            )
        super().save(*args, **kwargs)

    @property
    def party_ids(self) -> list[int]:
        return [party["organisation_id"] for party in self.content.get("parties", [])]


class Approval(models.Model):
    """A party's approval of one version, by its own stakeholder or recorded on its behalf
    by the project leader with a note on how consent was given."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="approvals"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf = models.BooleanField(_("recorded on the party's behalf"), default=False)
    consent_note = models.TextField(_("how consent was given"), blank=True)
    approved_at = models.DateTimeField(default=timezone.now)

    # Who created, changed or deleted it, and when (docs/trust.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "approved_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation"], name="unique_approval_per_party"
            )
        ]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")

    def __str__(self):
        return f"{self.organisation} approved {self.version}"


class ApprovalRequest(models.Model):
    """One party asked by mail to approve one version: when it was asked and reminded.
    Unique per party and version, so a consultation sent twice asks each party once."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="approval_requests"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # Who was mailed: the party's signatory, else a member of the project group for it.
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        ordering = ["version", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation"], name="unique_approval_request_per_party"
            )
        ]
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")

    def __str__(self):
        return f"{self.organisation} asked to approve {self.version}"


class AgreementTransition(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=AgreementStatus.choices)
    to_status = models.CharField(max_length=20, choices=AgreementStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.agreement}: {self.from_status} → {self.to_status}"


class AgreementReview(models.Model):
    """A context event that affects an agreement: the agreement needs review until someone
    closes the review."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reviews")
    context_event = models.ForeignKey(
        ContextEvent, on_delete=models.CASCADE, related_name="agreement_reviews"
    )
    flagged_at = models.DateTimeField(default=timezone.now)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(_("outcome of the review"), blank=True)

    class Meta:
        ordering = ["-flagged_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "context_event"], name="unique_agreement_review"
            )
        ]
        verbose_name = _("agreement review")
        verbose_name_plural = _("agreement reviews")

    def __str__(self):
        return f"{self.agreement}: review after {self.context_event}"


# --- documents --------------------------------------------------------------------------


class DocumentKind(models.TextChoices):
    STEP_REPORT = "step_report", _("step report")
    WORK_PLAN = "work_plan", _("work plan")
    AGREEMENT = "agreement", _("agreement")
    BOARD_REPORT = "board_report", _("steering board report")
    BRIEFING = "briefing", _("newcomer briefing")


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RENDERING = "rendering", _("rendering")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


class Document(models.Model):
    """One request for a PDF. The id is a random UUID so that no file can be reached by
    guessing; the file itself lives outside any public URL and is served by a view that
    checks access."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    # What the document is of: a region step, a work plan version or an agreement version
    # (by id); empty for the steering board report.
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    version = models.CharField(_("version"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED
    )
    # The exact data the PDF is rendered from; rendering reads only this, so the PDF always
    # matches its hash even when the region changes while the document waits in the queue.
    payload = models.JSONField()
    content_hash = models.CharField(max_length=64, db_index=True)
    file = models.FileField(upload_to="documents/%Y/%m/", blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    size_bytes = models.PositiveIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    render_seconds = models.FloatField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "queued_at"])]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title

    @property
    def is_done(self) -> bool:
        return self.status in {DocumentStatus.READY, DocumentStatus.FAILED}

    @property
    def filename(self) -> str:
        from django.utils.text import slugify

        parts = [self.get_kind_display(), self.region.name if self.region_id else "", self.version]
        return slugify(" ".join(part for part in parts if part)) + ".pdf"


class BriefingOpening(models.Model):
    """A newcomer opened their region's briefing: the project leader sees who has not.
    One row per person and region, with the first and the latest time."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="briefing_openings")
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="briefing_openings"
    )
    first_opened_at = models.DateTimeField(_("first opened at"), default=timezone.now)
    last_opened_at = models.DateTimeField(_("last opened at"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "stakeholder"], name="one_briefing_opening_per_person"
            )
        ]
        verbose_name = _("briefing opened")
        verbose_name_plural = _("briefings opened")

    def __str__(self):
        return f"{self.stakeholder} opened the briefing of {self.region}"
