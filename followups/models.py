from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.bounds import Within
from leads.models import Contact, Customer

User = settings.AUTH_USER_MODEL


class RuleSet(models.Model):
    """A table of follow-up rules per grade. Presets "SVW" and "Lotus" ship as data; one is active."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=False)
    defeat_revisit_days = models.PositiveSmallIntegerField(_("defeated customers: revisit every (days)"), default=90)

    class Meta:
        ordering = ["name"]
        verbose_name = _("follow-up rule set")
        verbose_name_plural = _("follow-up rule sets")
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="one_active_rule_set")
        ]

    def __str__(self):
        return self.name


class GradeRule(models.Model):
    """For one grade: the first follow-up within N days, then at least `times` every `per_days` days;
    with the rule set's grading help (when the customer is expected to buy, how to tell)."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules")
    grade = models.CharField(_("grade"), max_length=1, choices=Customer.Grade.choices)
    first_within_days = models.PositiveSmallIntegerField(_("first follow-up within (days)"), null=True, blank=True)
    times = models.PositiveSmallIntegerField(_("at least … times"), default=1)
    per_days = models.PositiveSmallIntegerField(_("every … days"))
    expected_purchase = models.CharField(_("expected purchase"), max_length=60, blank=True)
    criteria = models.TextField(_("grading criteria"), max_length=1000, blank=True, help_text=_("One criterion per line."))

    class Meta:
        ordering = ["rule_set", "grade"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "grade"], name="one_rule_per_grade")]

    def __str__(self):
        return f"{self.rule_set} {self.grade}"


class Task(models.Model):
    class Kind(models.TextChoices):
        FIRST_CONTACT = "first_contact", _("First contact")
        CADENCE = "cadence", _("Grade cadence")
        APPOINTMENT = "appointment", _("Appointment")
        CARE_MILESTONE = "care", _("Owner care milestone")
        BIRTHDAY = "birthday", _("Birthday")
        INSURANCE = "insurance", _("Insurance renewal")
        DEFEAT_REVISIT = "defeat_revisit", _("Defeat revisit")
        ESCALATION = "escalation", _("Manager escalation")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        OVERDUE = "overdue", _("Overdue")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    # The "next follow-up" of a prospect: exactly one of these is open per customer.
    PROSPECT_KINDS = (Kind.FIRST_CONTACT, Kind.CADENCE, Kind.APPOINTMENT)
    PENDING = (Status.OPEN, Status.OVERDUE)

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    due_on = models.DateField(_("due"))
    assignee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("assignee"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("completed by contact"))
    # Copied from the care milestone that made the task (owners.CareMilestone.offers_trade_in): the task
    # invites the owner to trade in, so it offers "open as a prospect again" (置换).
    offers_trade_in = models.BooleanField(_("offers a trade-in"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(kind__in=["first_contact", "cadence", "appointment"], status__in=["open", "overdue"]),
                name="one_open_prospect_task",
            ),
            # Calendar tasks (care plan, birthday, escalation…) exist once per customer, kind and day.
            models.UniqueConstraint(
                fields=["customer", "kind", "due_on"],
                condition=~Q(kind__in=["first_contact", "cadence", "appointment"]),
                name="one_calendar_task_per_day",
            ),
        ]
        indexes = [
            # Today page and morning meeting: a consultant's pending tasks by due date.
            models.Index(fields=["assignee", "status", "due_on"], name="task_assignee_due"),
            # Daily job: pending tasks past their date.
            models.Index(fields=["status", "due_on"], name="task_status_due"),
            # Daily activity report: tasks done in a period.
            models.Index(fields=["closed_at"], name="task_closed_at"),
            # Daily activity report: tasks still open at the start of a day, by due date.
            models.Index(fields=["due_on"], condition=Q(closed_at__isnull=True), name="task_unclosed_due"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.customer_id} {self.due_on}"

    @property
    def is_prospect_task(self) -> bool:
        """A prospect's next follow-up: closed by logging a contact on the customer."""
        return self.kind in self.PROSPECT_KINDS

    @property
    def is_escalation(self) -> bool:
        """A manager's alert that a consultant's prospect is overdue: closed by the prospect's own task."""
        return self.kind == self.Kind.ESCALATION

    @property
    def may_be_worked(self) -> bool:
        """A pending calendar task (care plan, birthday, insurance, revisit): closed from its own work form."""
        return self.status in self.PENDING and not self.is_prospect_task and not self.is_escalation

    @property
    def invites_trade_in(self) -> bool:
        """A pending care task inviting a trade-in: it offers to open the owner as a prospect again
        (the caller still asks `Customer.may_reopen`)."""
        return self.offers_trade_in and self.status in self.PENDING


class TaskHandover(models.Model):
    """An open task moved to another assignee with its customer (a handover): who had it until when. The
    daily report credits a day's due and overdue tasks to whoever had them at the start of that day."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="handovers")
    from_user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("from"))
    to_user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("to"))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["task", "at", "id"]
        verbose_name = _("task handover")
        verbose_name_plural = _("task handovers")
        indexes = [models.Index(fields=["task", "at"], name="task_handover_at")]

    def __str__(self):
        return f"{self.task_id} {self.from_user_id}→{self.to_user_id}"


class RunLog(models.Model):
    """One run of the daily job: written when it starts, completed when it ends.

    A row whose `finished_at` stays empty is a run that did not end (its worker was killed); the
    broker delivers the job again and the next row of the same day is complete.
    """

    day = models.DateField(_("day"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)  # null until the run ends
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)  # null until the run ends
    created = models.PositiveIntegerField(_("created"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    marked_overdue = models.PositiveIntegerField(_("marked overdue"), default=0)
    escalated = models.PositiveIntegerField(_("escalated"), default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("daily job run")
        verbose_name_plural = _("daily job runs")


class HListEntry(models.Model):
    """One customer committed on one week's H-grade list (H级客户名单): in the weekly meeting the showroom
    manager and each consultant pick the prospects most likely to sign that week (SVW MⅢ-4).

    Stamped when put on, like the report figures (docs/domain.md, "Reports"): the holder (`consultant`)
    and the grade of that moment, so a past week shows what was committed then whatever happened to the
    customer since. An H prospect, or an A prospect with the reason it is expected to sign; the manager's
    note on the row (the former `HListNote`). Written only by `followups.services` (h_list_entry_*)."""

    week_start = models.DateField(_("week of"), validators=[Within("report_period")])  # the Monday
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="h_list_entries", verbose_name=_("customer"))
    consultant = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="h_list_entries", verbose_name=_("consultant")
    )
    grade = models.CharField(_("grade when put on"), max_length=1, choices=Customer.Grade.choices)
    expected_on = models.DateField(_("expected signing day"), validators=[Within("report_period")])
    reason = models.CharField(_("why this week"), max_length=200, blank=True)
    note = models.CharField(_("manager's note"), max_length=300, blank=True)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("put on by"))
    added_at = models.DateTimeField(_("put on at"), auto_now_add=True)

    # Who may be put on: an H prospect, or an A prospect with a reason (`reason`).
    GRADES = (Customer.Grade.H, Customer.Grade.A)

    history = HistoricalRecords()

    class Meta:
        ordering = ["week_start", "consultant", "expected_on", "pk"]
        verbose_name = _("H-list entry")
        verbose_name_plural = _("H-list entries")
        constraints = [models.UniqueConstraint(fields=["customer", "week_start"], name="one_h_list_entry_per_week")]
        # The week's page and the hit rate over the last weeks: the entries of a range of weeks per holder.
        indexes = [models.Index(fields=["week_start", "consultant"], name="h_list_week_consultant")]

    def __str__(self):
        return f"{self.customer_id} {self.week_start}"

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)


class PlannedDate(models.Model):
    """One date a task was planned for: written when the task opens with a date (by a service or by the
    daily job) and at each change of it; the row of the date it replaced gets `replaced_on`. The
    progress sheet reads those of prospect tasks. Escalations (a manager's alert, due the day they are
    raised) have none."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="planned_dates")
    planned_on = models.DateField(_("planned"))
    rule_on = models.DateField(_("rule date"), null=True, blank=True)  # what the rules gave, when postponed past it
    replaced_on = models.DateField(_("replaced on"), null=True, blank=True)  # null while it is the task's date
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    postponed = models.BooleanField(_("postponed"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task", "created_at", "id"]
        verbose_name = _("planned follow-up date")
        verbose_name_plural = _("planned follow-up dates")
        constraints = [
            # A task has one current date: a repeated or concurrent daily job records its first one once.
            models.UniqueConstraint(fields=["task"], condition=Q(replaced_on__isnull=True), name="one_current_planned_date"),
        ]
        indexes = [
            # Progress sheet: a month's planned dates.
            models.Index(fields=["planned_on"], name="planned_date_on"),
            # Morning meeting: the last week's postponements.
            models.Index(fields=["created_at"], condition=Q(postponed=True), name="planned_date_postponed"),
        ]

    def __str__(self):
        return f"{self.task_id} {self.planned_on}"

    @property
    def is_replaced(self) -> bool:
        return self.replaced_on is not None
