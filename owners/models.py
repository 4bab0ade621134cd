import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.bounds import Within
from followups.models import Task
from leads.models import CarModel, Colour, Customer, SubmissionKeyed

User = settings.AUTH_USER_MODEL


class Vehicle(SubmissionKeyed):
    """A car an owned customer (保有客户) has: sold here, same brand elsewhere, or another brand."""

    class Source(models.TextChoices):
        SELF_SOLD = "self_sold", _("Sold by us")
        SAME_BRAND_ELSEWHERE = "same_brand", _("Same brand, sold elsewhere")
        OTHER_BRAND = "other_brand", _("Other brand")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("owner"))
    # The order this car was sold on, when it was delivered here (`delivery_record`): what the reports
    # count as a delivery. None for an owner's car added by hand or imported.
    order = models.ForeignKey(
        "leads.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries",
        verbose_name=pgettext_lazy("sales order", "order"),
    )
    source = models.CharField(_("kind"), max_length=20, choices=Source.choices, default=Source.SELF_SOLD)
    vin = models.CharField(_("VIN"), max_length=17, unique=True)
    plate = models.CharField(_("plate"), max_length=20, blank=True)
    brand = models.CharField(_("brand"), max_length=50, blank=True, help_text=_("For another brand's car"))
    car_model = models.ForeignKey(CarModel, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("model"))
    model_name = models.CharField(_("model (other brand)"), max_length=50, blank=True)
    colour = models.ForeignKey(Colour, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("colour"))
    registered_on = models.DateField(_("registration date"), null=True, blank=True, validators=[Within("record_date")])
    delivered_on = models.DateField(_("delivery date"), validators=[Within("record_date")])
    mileage_km = models.PositiveIntegerField(_("mileage (km)"), null=True, blank=True, validators=[Within("mileage")])
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-delivered_on", "-id"]
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        indexes = [
            # Daily care-plan step: vehicles delivered in a date range.
            models.Index(fields=["delivered_on"], name="vehicle_delivered_on"),
        ]

    def __str__(self):
        return f"{self.model_label} {self.plate or self.vin}"

    @property
    def model_label(self) -> str:
        if self.car_model_id:
            return str(self.car_model)
        return " ".join(filter(None, [self.brand, self.model_name]))


class InsurancePolicy(models.Model):
    """Insurance of a vehicle for one year (投保记录)."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="insurance", verbose_name=_("vehicle"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[Within("insurance_year")])
    insurer = models.CharField(_("insurer"), max_length=50)
    premium = models.DecimalField(
        _("premium"), max_digits=10, decimal_places=2, null=True, blank=True, validators=[Within("amount")]
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True, validators=[Within("plan_date")])
    ends_on = models.DateField(_("ends"), null=True, blank=True, validators=[Within("plan_date")])
    insured_here = models.BooleanField(_("insured through us"), default=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("insurance")
        verbose_name_plural = _("insurance")
        constraints = [models.UniqueConstraint(fields=["vehicle", "year"], name="one_policy_per_vehicle_year")]


class Accessory(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="accessories")
    name = models.CharField(_("accessory"), max_length=100)
    is_gift = models.BooleanField(_("given free"), default=False)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2, null=True, blank=True, validators=[Within("amount")])
    on = models.DateField(_("date"), validators=[Within("record_date")])

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("accessory")
        verbose_name_plural = _("accessories")


class MaintenanceVisit(models.Model):
    """A maintenance return (回厂保养): planned, and done when `done_on` is set."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="maintenance", verbose_name=_("vehicle"))
    planned_on = models.DateField(_("planned"), validators=[Within("plan_date")])
    done_on = models.DateField(_("done"), null=True, blank=True, validators=[Within("record_date")])
    mileage_km = models.PositiveIntegerField(_("mileage (km)"), null=True, blank=True, validators=[Within("mileage")])
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-planned_on", "-id"]
        verbose_name = _("maintenance return")
        verbose_name_plural = _("maintenance returns")


class Referral(models.Model):
    """An owner brought a prospect (老用户介绍)."""

    owner = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="referrals_made", verbose_name=_("owner"))
    prospect = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="referred_by", verbose_name=_("prospect"))
    referred_on = models.DateField(_("referred on"), validators=[Within("record_date")])

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            # VIP annotation: an owner's referrals in the last twelve months.
            models.Index(fields=["owner", "referred_on"], name="referral_owner_day"),
        ]


class CareMilestone(models.Model):
    """One step of the owners' care plan, counted from the delivery date (docs/domain.md, "Follow-ups"). Edited by managers."""

    KINDS = [(kind, label) for kind, label in Task.Kind.choices if kind in ("care", "insurance")]

    months = models.PositiveSmallIntegerField(_("months after delivery"), default=0, validators=[Within("milestone_months")])
    days = models.PositiveSmallIntegerField(_("days (added to the months)"), default=0, validators=[Within("milestone_days")])
    kind = models.CharField(_("task kind"), max_length=20, choices=KINDS, default="care")
    purpose = models.CharField(_("purpose"), max_length=150)
    # The step invites the owner to trade in (置换 / 换购: 36, 48 and 60 months): its tasks offer to open
    # the owner as a prospect again. Copied to each task the daily job makes (Task.offers_trade_in).
    offers_trade_in = models.BooleanField(_("offers a trade-in"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["months", "days", "id"]
        verbose_name = _("care milestone")
        verbose_name_plural = _("care milestones")
        constraints = [models.UniqueConstraint(fields=["months", "days", "kind"], name="one_milestone_per_offset")]

    def __str__(self):
        return f"+{self.months}m{self.days}d {self.purpose}"


class ImportBatch(models.Model):
    """An uploaded file's rows waiting between the import preview and its confirmation.

    Only its creator may confirm it, once, before `expires_at`; expired pending batches are deleted at
    the next upload. A done batch keeps who imported which file when and how many rows were taken,
    its rows emptied (owners/importing.py, docs/domain.md, "Data quality").
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        DONE = "done", _("imported")

    # What the confirm form carries; the session holds nothing of the import.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    file_name = models.CharField(_("file"), max_length=255)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    rows = models.JSONField(default=list, blank=True, help_text=_("The rows as read from the file; emptied once imported."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    done_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    taken = models.PositiveIntegerField(_("rows taken"), null=True, blank=True)
    refused = models.PositiveIntegerField(_("rows refused"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        indexes = [
            # import_batches_prune: the pending batches past their expiry, deleted at each upload.
            models.Index(fields=["expires_at"], condition=models.Q(status="pending"), name="importbatch_pending_expiry"),
        ]

    def __str__(self):
        return self.file_name

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
