from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
