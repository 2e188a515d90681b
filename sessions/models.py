from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.models import Region, Stakeholder


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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-start_time", "-id"]
        indexes = [models.Index(fields=["region", "date"])]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        return f"{self.title} ({self.date})"


class AttendanceStatus(models.TextChoices):
    INVITED = "invited", _("invited")
    PRESENT = "present", _("present")
    ABSENT = "absent", _("absent")
    EXCUSED = "excused", _("excused")


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
