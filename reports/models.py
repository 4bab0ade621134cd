from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.bounds import Within
from leads.models import SubmissionKeyed


class MonthlyTarget(models.Model):
    """The sales manager's five SVW targets (五大目标) for one consultant and one month."""

    # The five target fields, in the order the performance board shows them.
    FIELDS = ("contacts", "prospecting", "return_visits", "test_drives", "sales")

    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="monthly_targets", verbose_name=_("consultant")
    )
    month = models.DateField(_("month"), help_text=_("First day of the month"))
    contacts = models.PositiveIntegerField(_("total contacts"), default=0)
    prospecting = models.PositiveIntegerField(_("prospecting"), default=0)
    return_visits = models.PositiveIntegerField(_("return visits"), default=0)
    test_drives = models.PositiveIntegerField(_("test drives"), default=0)
    sales = models.PositiveIntegerField(_("sales"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("updated by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["month", "consultant"]
        verbose_name = _("monthly target")
        verbose_name_plural = _("monthly targets")
        constraints = [
            models.UniqueConstraint(fields=["consultant", "month"], name="one_target_per_consultant_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="target_month_first_day"),
        ]
        # The unique constraint's index serves "targets of a month" via (consultant, month) lookups;
        # the board reads a whole month, so index month first as well.
        indexes = [models.Index(fields=["month"], name="target_month")]

    def __str__(self):
        return f"{self.consultant} {self.month:%Y-%m}"


class ReportExport(models.Model):
    """One report file downloaded (.xlsx): who, when, which report with which filters, how many rows.

    Written by `reports.services.export_record` with every download and never changed: it is the
    audit trail the sales manager and the administrator read (docs/domain.md, "Reports")."""

    # What the log calls each report; `report` stores the report page's URL name.
    TITLES = {
        "daily": _("Daily activity report"),
        "progress": _("Progress control sheet"),
        "board": _("Performance board"),
        "defeats": _("Defeat analysis"),
        "channels": _("Funnel and channels"),
        "targets": _("Monthly targets"),
        "actual_vs_target": _("Actual vs target"),
        "history": _("Current vs history"),
        "morning_xlsx": _("Morning meeting"),
        "improvement_actions": _("Improvement actions"),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="report_exports", verbose_name=_("user")
    )
    exported_at = models.DateTimeField(_("exported at"), auto_now_add=True, db_index=True)
    report = models.CharField(_("report"), max_length=60)
    filename = models.CharField(_("file"), max_length=150)
    filters = models.CharField(_("filters"), max_length=500, blank=True)
    rows = models.PositiveIntegerField(_("rows"))

    class Meta:
        ordering = ["-exported_at", "-pk"]
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")

    def __str__(self):
        return f"{self.filename} ({self.user})"

    @property
    def title(self) -> str:
        return self.TITLES.get(self.report, self.report)

    # What the log calls the pickers' parameters.
    FILTER_LABELS = {
        "day": _("Day"), "month": _("Month"), "start": _("From"), "end": _("To"), "consultant": _("Consultant"),
        "status": _("Status"), "owner": _("Person responsible"),
    }

    @property
    def filter_list(self) -> list[tuple[str, str]]:
        """The filters as (label, value) pairs a person reads."""
        from urllib.parse import parse_qsl

        return [(str(self.FILTER_LABELS.get(key, key)), value) for key, value in parse_qsl(self.filters)]


class EditedRecord(SubmissionKeyed):
    """A row made from a form and edited since: who made it and who last changed it, and its version
    (an edit form carries it; `reports.planning_services` refuses a stale one)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("updated by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        abstract = True


class ImprovementAction(EditedRecord):
    """One action of the weekly sales-management meeting's improvement plan (持续改进行动计划): what was
    found, the measure, who carries it out and by when (SVW MⅢ-4: 具体的改进措施, 整改期限, 落实到人).

    Written only by `reports.planning_services`; a form carries `version` and a save from an older
    one is refused (`StaleEdit`). A row without a team is the whole dealership's."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    problem = models.TextField(_("problem found"))
    measure = models.TextField(_("measure"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="improvement_actions", verbose_name=_("person responsible")
    )
    due_on = models.DateField(_("deadline"), validators=[Within("plan_date")])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    result = models.TextField(_("result"), blank=True)
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="improvement_actions",
        verbose_name=_("team"), help_text=_("Empty: the whole dealership"),
    )

    history = HistoricalRecords(excluded_fields=["version", "submission_key", "updated_at", "updated_by"])

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        # The list: open ones first, by deadline, within a team (or the dealership's, team null).
        indexes = [models.Index(fields=["team", "status", "due_on"], name="action_team_status_due")]

    def __str__(self):
        return self.measure[:60]

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class SuccessPlan(EditedRecord):
    """A consultant's personal success plan for a month (个人成功计划, SVW BG-MⅢ-09), made by their showroom
    manager in a one-to-one from the reports: goals (one a line), the actions agreed, the next review."""

    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="success_plans", verbose_name=_("consultant")
    )
    month = models.DateField(_("month"), help_text=_("First day of the month"), validators=[Within("report_period")])
    goals = models.TextField(_("goals"), help_text=_("One goal a line"))
    actions = models.TextField(_("actions"))
    next_review_on = models.DateField(_("next review"), validators=[Within("plan_date")])

    history = HistoricalRecords(excluded_fields=["version", "submission_key", "updated_at", "updated_by"])

    class Meta:
        ordering = ["-month", "consultant"]
        verbose_name = _("success plan")
        verbose_name_plural = _("success plans")
        constraints = [
            models.UniqueConstraint(fields=["consultant", "month"], name="one_plan_per_consultant_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="plan_month_first_day"),
        ]
        # The unique constraint's index serves a consultant's plans; the list reads newest months first.
        indexes = [models.Index(fields=["-month"], name="plan_month")]

    def __str__(self):
        return f"{self.consultant} {self.month:%Y-%m}"

    @property
    def goal_lines(self) -> list[str]:
        return [line.strip() for line in self.goals.splitlines() if line.strip()]


class OneToOneNote(SubmissionKeyed):
    """A one-to-one (一对一沟通) held on a success plan: what was said and the next steps agreed."""

    plan = models.ForeignKey(SuccessPlan, on_delete=models.PROTECT, related_name="notes", verbose_name=_("plan"))
    held_on = models.DateField(_("held on"), validators=[Within("record_date")])
    notes = models.TextField(_("notes"))
    next_steps = models.TextField(_("agreed next steps"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["submission_key"])

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("one-to-one note")
        verbose_name_plural = _("one-to-one notes")
        # A plan's notes, newest first.
        indexes = [models.Index(fields=["plan", "-held_on"], name="note_plan_held")]

    def __str__(self):
        return f"{self.plan} {self.held_on:%Y-%m-%d}"
