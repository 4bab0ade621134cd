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
