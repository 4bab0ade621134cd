from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.bounds import Within

User = settings.AUTH_USER_MODEL


class CodeList(models.Model):
    """A short list the head of sales edits on the code list pages (models, colours, channels, reasons);
    an entry is deactivated, never deleted, and its edits keep their history."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class CarModel(CodeList):
    history = HistoricalRecords()

    class Meta(CodeList.Meta):
        verbose_name = _("car model")
        verbose_name_plural = _("car models")


class Colour(CodeList):
    history = HistoricalRecords()

    class Meta(CodeList.Meta):
        verbose_name = _("colour")
        verbose_name_plural = _("colours")


class Channel(CodeList):
    """Where the customer heard of us: A newspaper … J other, as on the paper register."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    history = HistoricalRecords()

    class Meta(CodeList.Meta):
        ordering = ["sort_order", "code"]
        verbose_name = _("source channel")
        verbose_name_plural = _("source channels")

    def __str__(self):
        return f"{self.code} {self.name}"


class DefeatReason(CodeList):
    history = HistoricalRecords()

    class Meta(CodeList.Meta):
        verbose_name = _("defeat reason")
        verbose_name_plural = _("defeat reasons")


class Customer(models.Model):
    """The customer info card (客户信息卡): a prospect, later an owner or a defeated customer."""

    class Grade(models.TextChoices):
        # What each grade means (when the customer is expected to buy) belongs to the active rule set:
        # followups.grading labels the choices from it.
        O = "O", "O"
        H = "H", "H"
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"
        N = "N", "N"

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ORDERED = "ordered", _("Ordered")
        DELIVERED = "delivered", _("Delivered (owner)")
        DEFEAT_PENDING = "defeat_pending", _("Defeat pending")
        DEFEATED = "defeated", _("Defeated")
        DORMANT = "dormant", _("Dormant")

    class Intake(models.TextChoices):
        WALK_IN = "walk_in", _("Walk-in")
        PHONE_IN = "phone_in", _("Phone-in")
        OEM = "oem", _("OEM-assigned lead")
        OWNER_REFERRAL = "owner_referral", _("Referral by an owner")
        PROSPECTING = "prospecting", _("Outbound prospecting")
        ALLIANCE = "alliance", _("Alliance partner")

    class CardStatus(models.TextChoices):
        PENDING = "pending", _("Pending sign-off")
        SIGNED = "signed", _("Signed")
        RETURNED = "returned", _("Returned")

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Payment(models.TextChoices):
        CASH = "cash", _("Cash")
        LOAN = "loan", _("Loan")

    # Statuses in which a customer is still worked as a prospect (a pending defeat included).
    OPEN_STATUSES = (Status.ACTIVE, Status.ORDERED, Status.DEFEAT_PENDING)
    # Statuses in which a customer keeps one open follow-up task (a pending defeat pauses it).
    SCHEDULED_STATUSES = (Status.ACTIVE, Status.ORDERED)
    # Statuses in which an order may be recorded (a second car on an open order included).
    ORDERABLE_STATUSES = (Status.ACTIVE, Status.ORDERED)

    # "Name" (姓名, a person's) rather than "name" (名称, a code list entry's): the same English word.
    name = models.CharField(_("Name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, unique=True, help_text=_("Mobile (11 digits) or landline with area code"))
    phone2 = models.CharField(_("second phone"), max_length=20, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    region = models.CharField(_("region / district"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    occupation = models.CharField(_("occupation"), max_length=50, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True, validators=[Within("birthday")])
    best_contact_time = models.CharField(_("best time and place to visit"), max_length=100, blank=True)
    interests = models.CharField(_("interests"), max_length=200, blank=True)
    decision_maker = models.CharField(_("purchase decision maker"), max_length=50, blank=True)

    car_model = models.ForeignKey(CarModel, verbose_name=_("intended model"), on_delete=models.PROTECT, null=True, blank=True)
    colour = models.ForeignKey(Colour, verbose_name=_("colour"), on_delete=models.PROTECT, null=True, blank=True)
    trim = models.CharField(_("trim"), max_length=50, blank=True)
    budget = models.CharField(_("budget"), max_length=50, blank=True)
    payment = models.CharField(_("payment"), max_length=4, choices=Payment.choices, blank=True)
    loan_bank = models.CharField(_("loan bank"), max_length=50, blank=True)
    loan_term_months = models.PositiveSmallIntegerField(
        _("loan term (months)"), null=True, blank=True, validators=[Within("loan_term")]
    )
    loan_monthly_payment = models.DecimalField(
        _("monthly payment"), max_digits=10, decimal_places=2, null=True, blank=True, validators=[Within("amount")]
    )
    trade_in = models.CharField(_("trade-in car"), max_length=100, blank=True)
    competitor_models = models.CharField(_("competitor models considered"), max_length=200, blank=True)

    channel = models.ForeignKey(Channel, verbose_name=_("source channel"), on_delete=models.PROTECT, null=True, blank=True)
    intake = models.CharField(_("intake"), max_length=20, choices=Intake.choices, default=Intake.WALK_IN)
    consultant = models.ForeignKey(User, verbose_name=_("consultant"), on_delete=models.PROTECT, related_name="customers")
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, default=Grade.N)
    graded_on = models.DateField(_("graded on"), validators=[Within("record_date")])
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)

    first_contact_on = models.DateField(_("first contact"), validators=[Within("record_date")])
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True, validators=[Within("record_date")])
    next_followup_on = models.DateField(_("next follow-up"), null=True, blank=True, validators=[Within("followup_date")])
    next_followup_reason = models.CharField(_("reason for next follow-up"), max_length=200, blank=True)
    appointment_at = models.DateTimeField(
        _("agreed appointment"), null=True, blank=True, validators=[Within("appointment_time")]
    )
    # The day an owner or a defeated customer was last opened as a prospect again: the follow-ups start
    # over from it (followups.scheduling), the contacts before it belong to the earlier time as a prospect.
    reopened_on = models.DateField(_("prospect again since"), null=True, blank=True, validators=[Within("record_date")])

    card_status = models.CharField(_("card"), max_length=10, choices=CardStatus.choices, default=CardStatus.PENDING)
    card_signed_by = models.ForeignKey(User, verbose_name=_("signed by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    card_signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    card_return_comment = models.TextField(_("return comment"), blank=True)

    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Bumped by every save through leads.services; a stale form is refused (docs/domain.md, "Data quality").
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            # Customer list of one consultant, newest first.
            models.Index(fields=["consultant", "-created_at"], name="customer_consultant_recent"),
            # Overdue filter and today's list: open prospects by next follow-up date.
            models.Index(fields=["consultant", "status", "next_followup_on"], name="customer_consultant_due"),
            # Sign-off queue: a team's pending cards.
            models.Index(fields=["card_status", "consultant"], name="customer_card_queue"),
            # The whole dealership's customer list, newest first (first and deep pages).
            models.Index(fields=["-created_at", "-id"], name="customer_created_recent"),
            # Reports counting new prospects of a day and month to date.
            models.Index(fields=["first_contact_on"], name="customer_first_contact"),
            # The today page's appointments of the day.
            models.Index(fields=["appointment_at"], condition=Q(appointment_at__isnull=False), name="customer_appointment"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_scheduled(self) -> bool:
        return self.status in self.SCHEDULED_STATUSES

    @property
    def may_order(self) -> bool:
        return self.status in self.ORDERABLE_STATUSES

    @property
    def may_file_defeat(self) -> bool:
        # An ordered customer may be lost too (a lost deposit): approving the defeat cancels the orders.
        return self.status in (self.Status.ACTIVE, self.Status.ORDERED)

    @property
    def may_cancel_orders(self) -> bool:
        """An open (uncancelled) order of this customer may be cancelled (`Order.is_cancelled` says which)."""
        return self.status == self.Status.ORDERED

    @property
    def may_take_delivery(self) -> bool:
        return self.status == self.Status.ORDERED

    @property
    def may_regrade(self) -> bool:
        """H/A/B/C/N by hand only on an active prospect: O comes with an order, and an ordered,
        delivered or defeated card keeps the grade its status gave it."""
        return self.status == self.Status.ACTIVE

    @property
    def may_reopen(self) -> bool:
        """An owner (trade-in, second car, family, conquest) or a defeated customer can be a prospect again."""
        return self.status in (self.Status.DELIVERED, self.Status.DEFEATED)

    @property
    def is_owner(self) -> bool:
        return self.status == self.Status.DELIVERED

    @property
    def is_defeated(self) -> bool:
        return self.status == self.Status.DEFEATED

    @property
    def has_pending_defeat(self) -> bool:
        return self.status == self.Status.DEFEAT_PENDING

    @property
    def is_card_pending(self) -> bool:
        return self.card_status == self.CardStatus.PENDING

    @property
    def is_card_signed(self) -> bool:
        return self.card_status == self.CardStatus.SIGNED

    @property
    def is_card_returned(self) -> bool:
        return self.card_status == self.CardStatus.RETURNED

    @property
    def pays_by_loan(self) -> bool:
        return self.payment == self.Payment.LOAN


class CustomerChange(models.Model):
    """History of a customer's grade, consultant, status and card (who, when, from, to)."""

    class Field(models.TextChoices):
        GRADE = "grade", _("Grade")
        CONSULTANT = "consultant", _("Consultant")
        STATUS = "status", _("Status")
        CARD = "card", _("Card")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    old_value = models.CharField(_("from"), max_length=100, blank=True)
    new_value = models.CharField(_("to"), max_length=100)
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    changed_at = models.DateTimeField(_("at"), auto_now_add=True)

    def _label(self, value: str) -> str:
        """History rows store raw values (status and card codes); this is what a person reads."""
        choices = {self.Field.STATUS: Customer.Status, self.Field.CARD: Customer.CardStatus}.get(self.field)
        return dict(choices.choices).get(value, value) if choices else value

    @property
    def old_label(self) -> str:
        return self._label(self.old_value)

    @property
    def new_label(self) -> str:
        return self._label(self.new_value)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "field", "-changed_at"], name="change_customer_field"),
            # Reports counting status changes of a period.
            models.Index(fields=["field", "new_value", "changed_at"], name="change_field_value_at"),
        ]


class SubmissionKeyed(models.Model):
    """A row created from a form carries the form's one-time key: a resent form makes no second row."""

    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        abstract = True


class Contact(SubmissionKeyed):
    """One follow-up contact (跟进记录)."""

    class Method(models.TextChoices):
        SHOWROOM = "showroom", _("Showroom visit")
        PHONE = "phone", _("Phone")
        MESSAGE = "message", _("SMS / WeChat")
        DM = "dm", _("DM letter")
        EMAIL = "email", _("Email")
        HOME_VISIT = "home_visit", _("Home visit")

    class Origin(models.TextChoices):
        LOGGED = "logged", _("Logged by the consultant")
        VISIT = "visit", _("A return visit on the visit register")
        CALL = "call", _("A phone-in on the phone register")

    # Outbound work (市场开拓): the consultant went out to the customer or wrote to them unasked.
    OUTBOUND_METHODS = (Method.HOME_VISIT, Method.DM)

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    contacted_at = models.DateTimeField(_("contacted at"), validators=[Within("contact_time")])
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    content = models.TextField(_("content"))
    result = models.CharField(_("result"), max_length=200, blank=True)
    grade_after = models.CharField(_("grade after"), max_length=1, choices=Customer.Grade.choices)
    next_followup_on = models.DateField(_("next follow-up"), null=True, blank=True, validators=[Within("followup_date")])
    next_followup_reason = models.CharField(_("reason for next follow-up"), max_length=200, blank=True)
    consultant = models.ForeignKey(User, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("by"))
    # A register row's contact is counted as the visit or the call it comes from (reports: total contacts).
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.LOGGED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contacted_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-contacted_at"], name="contact_customer_recent"),
            # Reports: contacts per consultant per day.
            models.Index(fields=["consultant", "contacted_at"], name="contact_consultant_day"),
            # Reports: a month's contacts over the whole dealership, counted per consultant from the index.
            models.Index(fields=["contacted_at", "consultant"], name="contact_contacted_at"),
        ]


class Visit(SubmissionKeyed):
    """One walk-in party on the visit register (来店客户登记表)."""

    visit_date = models.DateField(_("date"), validators=[Within("record_date")])
    arrived_at = models.TimeField(_("arrival"))
    left_at = models.TimeField(_("left"), null=True, blank=True)
    party_size = models.PositiveSmallIntegerField(_("party size"), default=1, validators=[Within("party_size")])
    is_first_visit = models.BooleanField(_("first visit"), default=True)
    consultant = models.ForeignKey(User, on_delete=models.PROTECT, related_name="visits", verbose_name=_("consultant"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="visits")
    name = models.CharField(_("name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    car_model = models.ForeignKey(CarModel, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("model"))
    colour = models.ForeignKey(Colour, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("colour"))
    discussion = models.TextField(_("discussion"), blank=True)
    grade = models.CharField(_("grade"), max_length=1, choices=Customer.Grade.choices, blank=True)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("channel"))
    test_drive = models.BooleanField(_("test drive"), default=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Who wrote the row last and when; `version` is bumped by every write of register_services, so a
    # completion form opened before someone else's change is refused (docs/domain.md, "Data quality").
    updated_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("updated by")
    )
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # The known customer's own consultant when the party was given to someone else (or to them): the row
    # keeps both names, and a visit taken by another consultant is a notice on the owner's today page.
    customer_consultant = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("customer's consultant")
    )

    class Meta:
        ordering = ["visit_date", "arrived_at", "id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            # The register of one day; reports by consultant and day.
            models.Index(fields=["visit_date", "consultant"], name="visit_day_consultant"),
        ]

    @property
    def visit_mark(self) -> str:
        return "F" if self.is_first_visit else "S"

    @property
    def licence_checked(self) -> bool:
        """Whether the driving licence was checked for this row's test drive (its record says)."""
        try:
            return self.test_drive_record.licence_checked
        except TestDrive.DoesNotExist:
            return False


class PhoneCall(SubmissionKeyed):
    """One phone-in on the phone register (来电客户登记表)."""

    call_date = models.DateField(_("date"), validators=[Within("record_date")])
    called_at = models.TimeField(_("time"))
    # True when the call brought a new customer in (the phone was not known yet).
    is_new_caller = models.BooleanField(_("new caller"), default=False)
    consultant = models.ForeignKey(User, on_delete=models.PROTECT, related_name="phone_calls", verbose_name=_("consultant"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="phone_calls")
    name = models.CharField(_("name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    car_model = models.ForeignKey(CarModel, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("model"))
    content = models.TextField(_("content"), blank=True)
    grade = models.CharField(_("grade"), max_length=1, choices=Customer.Grade.choices, blank=True)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("channel"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["call_date", "called_at", "id"]
        verbose_name = _("phone-in")
        verbose_name_plural = _("phone-ins")
        indexes = [models.Index(fields=["call_date", "consultant"], name="call_day_consultant")]


class DutySlot(models.Model):
    """A consultant on duty on a day, in the reception rotation's order (接待轮序)."""

    day = models.DateField(_("day"), validators=[Within("plan_date")])
    consultant = models.ForeignKey(User, on_delete=models.PROTECT, related_name="duty_slots", verbose_name=_("consultant"))
    position = models.PositiveSmallIntegerField(_("order"), validators=[Within("duty_position")])

    class Meta:
        ordering = ["day", "position"]
        constraints = [models.UniqueConstraint(fields=["day", "consultant"], name="duty_once_per_day")]


class Order(SubmissionKeyed):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    ordered_on = models.DateField(_("order date"), validators=[Within("record_date")])
    car_model = models.ForeignKey(CarModel, on_delete=models.PROTECT, verbose_name=_("model"))
    colour = models.ForeignKey(Colour, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("colour"))
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[Within("price")])
    deposit = models.DecimalField(
        _("deposit"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[Within("price")]
    )
    consultant = models.ForeignKey(User, on_delete=models.PROTECT, related_name="orders", verbose_name=_("consultant"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ordered_on", "-id"]
        indexes = [models.Index(fields=["consultant", "ordered_on"], name="order_consultant_day")]

    @property
    def is_cancelled(self) -> bool:
        """The order has its `OrderCancellation` row (select_related("cancellation") spares the query)."""
        try:
            return self.cancellation is not None
        except OrderCancellation.DoesNotExist:
            return False


class Defeat(SubmissionKeyed):
    """A defeat request (战败申请) and the showroom manager's decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="defeats")
    reason = models.ForeignKey(DefeatReason, on_delete=models.PROTECT, verbose_name=_("reason"))
    brand_bought = models.CharField(_("brand bought instead"), max_length=50, blank=True)
    model_bought = models.CharField(_("model bought instead"), max_length=50, blank=True)
    analysis = models.TextField(_("analysis"))
    could_have_done = models.TextField(_("what could have been done"), blank=True)
    filed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="defeats_filed", verbose_name=_("filed by"))
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_rejected(self) -> bool:
        return self.status == self.Status.REJECTED

    class Meta:
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(status="pending"), name="one_pending_defeat_per_customer"
            )
        ]


class OrderCancellation(models.Model):
    """An order cancelled (退订): by the consultant, or as lost when the customer's defeat is approved.

    A row of its own rather than fields on `Order`: reports count cancellations as events, each with
    who recorded it and when.
    """

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="cancellation", verbose_name=_("order"))
    cancelled_on = models.DateField(_("cancelled on"), validators=[Within("record_date")])
    reason = models.TextField(_("reason for cancelling"))
    deposit_refunded = models.BooleanField(_("deposit refunded"), default=False)
    # The approved defeat when the order was lost with the customer; empty for a consultant's cancellation.
    defeat = models.ForeignKey(
        Defeat, on_delete=models.PROTECT, null=True, blank=True, related_name="order_cancellations", verbose_name=_("defeat")
    )
    cancelled_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("cancelled by"))
    cancelled_at = models.DateTimeField(_("cancelled at"), auto_now_add=True)

    class Meta:
        ordering = ["-cancelled_at", "-id"]
        verbose_name = _("order cancellation")
        verbose_name_plural = _("order cancellations")
        indexes = [
            # Reports counting the cancellations of a period.
            models.Index(fields=["cancelled_on"], name="order_cancel_day"),
        ]


class NewProspect(models.Model):
    """A customer becoming a prospect (新增潜客): a new card, or an owner or defeated customer opened as a
    prospect again. Stamped at the time with the consultant, the intake and the grade given, so that a
    handover or a later edit of the card never moves a past figure (docs/domain.md, "Reports")."""

    class Kind(models.TextChoices):
        NEW = "new", _("New card")
        REOPENED = "reopened", _("Prospect again")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="prospect_starts")
    consultant = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("consultant"))
    became_on = models.DateField(_("date"), validators=[Within("record_date")])
    intake = models.CharField(_("intake"), max_length=20, choices=Customer.Intake.choices)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source channel"))
    grade = models.CharField(_("grade"), max_length=1, choices=Customer.Grade.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEW)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-became_on", "-id"]
        verbose_name = _("new prospect")
        verbose_name_plural = _("new prospects")
        indexes = [models.Index(fields=["became_on", "consultant"], name="new_prospect_day")]

    def __str__(self):
        return f"{self.customer_id} {self.became_on}"


class TestDrive(SubmissionKeyed):
    """A test drive (试乘试驾): which model, when, whether the driving licence was checked, and where it
    came from (a walk-in on the visit register, an appointment, a home visit with a test car)."""

    __test__ = False  # not a pytest test class, whatever its name

    class Source(models.TextChoices):
        WALK_IN = "walk_in", _("Walk-in")
        APPOINTMENT = "appointment", _("Appointment")
        HOME_VISIT = "home_visit", _("Home visit")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="test_drives")
    consultant = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("consultant"))
    car_model = models.ForeignKey(CarModel, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("model"))
    driven_at = models.DateTimeField(_("driven at"), validators=[Within("contact_time")])
    licence_checked = models.BooleanField(_("driving licence checked"), default=False)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.WALK_IN)
    # The register row a walk-in's test drive was ticked on (one test drive per row).
    visit = models.OneToOneField(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="test_drive_record", verbose_name=_("visit")
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-driven_at", "-id"]
        verbose_name = _("test drive")
        verbose_name_plural = _("test drives")
        indexes = [models.Index(fields=["driven_at", "consultant"], name="test_drive_day")]

    def __str__(self):
        return f"{self.customer_id} {self.driven_at:%Y-%m-%d}"
