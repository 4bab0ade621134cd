"""Every change of a customer's state, one function each (atomic, with its history row)."""

import uuid
from datetime import date, datetime, timedelta
from typing import Any, Callable, TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from followups import scheduling
from leads.models import Contact, Customer, CustomerChange, Defeat, NewProspect, Order, OrderCancellation, TestDrive

M = TypeVar("M", bound=models.Model)


class StaleEdit(Exception):
    """Someone saved the card after this form was opened."""

    def __init__(self, customer: Customer):
        self.customer = customer
        super().__init__(
            _("%(user)s changed this card at %(time)s after you opened it. Your changes were not saved: "
              "review the current card and enter them again.")
            % {"user": customer.updated_by, "time": timezone.localtime(customer.updated_at).strftime("%H:%M:%S")}
        )


class TransitionError(Exception):
    """A change the customer's current status does not allow."""


def create_once(model: type[M], submission_key: uuid.UUID | None, create: Callable[[], M]) -> tuple[M, bool]:
    """Run `create` unless a row with this form's submission key exists: a resent form changes nothing."""
    if submission_key is not None:
        existing = model.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        existing = model.objects.filter(submission_key=submission_key).first() if submission_key else None
        if existing is None:
            raise
        return existing, False


# Building blocks for the services of leads/ and owners/ (called inside their transactions).


def change_record(customer: Customer, field: str, old: Any, new: Any, by: User, note: str = "") -> None:
    """One history row: who changed `field` of the customer from `old` to `new`, and why."""
    CustomerChange.objects.create(
        customer=customer, field=field, old_value=str(old or "")[:100], new_value=str(new or "")[:100],
        changed_by=by, note=note,
    )


def customer_save(customer: Customer, by: User, fields: list[str]) -> None:
    """The one way a service writes a customer row it holds: who and when, and a new version, so that
    an edit form opened before this change is refused (`StaleEdit`)."""
    customer.updated_by = by
    customer.version = F("version") + 1
    customer.save(update_fields=[*fields, "updated_by", "updated_at", "version"])
    customer.refresh_from_db(fields=["version"])


def status_change(customer: Customer, status: str, by: User, note: str = "") -> None:
    """Set the status on the (unsaved) row, with its history row; the caller saves the row once."""
    if customer.status != status:
        change_record(customer, CustomerChange.Field.STATUS, customer.status, status, by, note)
        customer.status = status


def customer_set_status(customer: Customer, status: str, by: User, note: str = "") -> None:
    if customer.status != status:
        status_change(customer, status, by, note)
        customer_save(customer, by, ["status"])


def _schedule(customer: Customer, *, today: date, contact: Contact | None = None, requested: date | None = None) -> None:
    """Bring the open follow-up task in line and put its date on the (unsaved) row."""
    customer.next_followup_on = scheduling.prospect_task_reschedule(
        customer=customer, today=today, contact=contact, requested=requested
    )


def _set_grade(customer: Customer, grade: str, by: User, on: date, note: str = "") -> bool:
    if customer.grade == grade:
        return False
    change_record(customer, CustomerChange.Field.GRADE, customer.grade, grade, by, note)
    customer.grade = grade
    customer.graded_on = on
    return True


def customer_lock(customer: Customer) -> Customer:
    return Customer.objects.select_for_update().get(pk=customer.pk)


def prospect_started(customer: Customer, *, on: date, kind: str = NewProspect.Kind.NEW) -> NewProspect:
    """The figures' event of a customer becoming a prospect (a new card, or one opened again), stamped
    with who holds it and what it is now (docs/domain.md, "Reports")."""
    return NewProspect.objects.create(
        customer=customer, consultant_id=customer.consultant_id, became_on=on, intake=customer.intake,
        channel_id=customer.channel_id, grade=customer.grade, kind=kind,
    )


@transaction.atomic
def customer_create(*, fields: dict[str, Any], consultant: User, by: User, first_contact_on: date | None = None) -> Customer:
    """A new info card, pending the showroom manager's sign-off, with its first follow-up scheduled."""
    today = timezone.localdate()
    customer = Customer.objects.create(
        **fields,
        consultant=consultant,
        first_contact_on=first_contact_on or today,
        graded_on=first_contact_on or today,
        created_by=by,
        updated_by=by,
    )
    change_record(customer, CustomerChange.Field.GRADE, "", customer.grade, by)
    prospect_started(customer, on=customer.first_contact_on)
    # The task needs the row to exist; its date is the one field written after the insert.
    _schedule(customer, today=today)
    Customer.objects.filter(pk=customer.pk).update(next_followup_on=customer.next_followup_on)
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, fields: dict[str, Any], version: int, by: User) -> Customer:
    """Save the card's details if nobody saved it since `version`; a returned card goes back for sign-off."""
    changes = dict(fields, updated_by=by, updated_at=timezone.now(), version=F("version") + 1)
    if customer.card_status == Customer.CardStatus.RETURNED:
        changes["card_status"] = Customer.CardStatus.PENDING
    if not Customer.objects.filter(pk=customer.pk, version=version).update(**changes):
        raise StaleEdit(Customer.objects.select_related("updated_by").get(pk=customer.pk))
    if changes.get("card_status") == Customer.CardStatus.PENDING:
        change_record(customer, CustomerChange.Field.CARD, Customer.CardStatus.RETURNED, Customer.CardStatus.PENDING, by)
    customer.refresh_from_db()
    return customer


@transaction.atomic
def customer_blanks_fill(*, customer: Customer, fields: dict[str, Any], by: User) -> Customer:
    """Fill details the card does not have yet (an import matching an existing customer)."""
    customer = customer_lock(customer)
    empty = {name: value for name, value in fields.items() if not getattr(customer, name)}
    for name, value in empty.items():
        setattr(customer, name, value)
    if empty:
        customer_save(customer, by, list(empty))
    return customer


@transaction.atomic
def customer_regrade(*, customer: Customer, grade: str, by: User, note: str = "") -> Customer:
    """Change the grade and recompute the next follow-up from the new grade's rule (an active prospect
    only, never to O: O comes with an order)."""
    customer = customer_lock(customer)
    if grade == Customer.Grade.O:
        raise TransitionError(_("Grade O comes only with an order."))
    if not customer.may_regrade:
        raise TransitionError(_("Only an active prospect can be regraded: an ordered, delivered or defeated card keeps its grade."))
    today = timezone.localdate()
    if _set_grade(customer, grade, by, today, note):
        _schedule(customer, today=today)
        customer_save(customer, by, ["grade", "graded_on", "next_followup_on"])
    return customer


@transaction.atomic
def customer_reschedule(*, customer: Customer, by: User, today: date, cadences=None) -> Customer:
    """Recompute the next follow-up after the rules changed (the rule set's activation)."""
    customer = customer_lock(customer)
    customer.next_followup_on = scheduling.prospect_task_reschedule(customer=customer, today=today, cadences=cadences)
    customer_save(customer, by, ["next_followup_on"])
    return customer


def contact_log(
    *,
    customer: Customer,
    by: User,
    contacted_at: datetime,
    method: str,
    content: str,
    grade_after: str,
    result: str = "",
    next_followup_on: date | None = None,
    next_followup_reason: str = "",
    appointment_at: datetime | None = None,
    origin: str = Contact.Origin.LOGGED,
    submission_key: uuid.UUID | None = None,
) -> Contact:
    """Log a follow-up: in one transaction the contact, the grade, and the next follow-up task.

    `grade_after` regrades an active prospect (never to O: O comes with an order); any other card keeps
    its grade, and the contact records it.

    A `next_followup_on` later than the rule's date is kept only with a `next_followup_reason` (a
    postponement); the form requires the reason, other callers may leave it empty."""

    def create() -> Contact:
        locked = customer_lock(customer)
        if not locked.may_regrade:
            grade = locked.grade  # an ordered, delivered or defeated card keeps the grade its status gave it
        elif grade_after == Customer.Grade.O:
            raise TransitionError(_("Grade O comes only with an order."))
        else:
            grade = grade_after
        contact = Contact.objects.create(
            customer=locked, contacted_at=contacted_at, method=method, content=content, result=result,
            grade_after=grade, next_followup_on=next_followup_on, next_followup_reason=next_followup_reason,
            consultant=by, origin=origin, submission_key=submission_key,
        )
        contact_day = timezone.localdate(contacted_at)
        _set_grade(locked, grade, by, contact_day)
        locked.last_contact_on = max(filter(None, [locked.last_contact_on, contact_day]))
        locked.next_followup_reason = next_followup_reason
        locked.appointment_at = appointment_at
        # A reason given lets the consultant's date postpone the follow-up past the rule's (rules.next_due).
        locked.next_followup_on = scheduling.prospect_task_reschedule(
            customer=locked, today=timezone.localdate(), contact=contact, requested=next_followup_on,
            postponed=bool(next_followup_reason.strip()), by=by,
        )
        customer_save(
            locked, by,
            ["grade", "graded_on", "last_contact_on", "next_followup_reason", "appointment_at", "next_followup_on"],
        )
        return contact

    contact, _created = create_once(Contact, submission_key, create)
    return contact


@transaction.atomic
def card_sign(*, customer: Customer, by: User) -> Customer:
    customer = customer_lock(customer)
    if customer.is_card_signed:
        return customer
    change_record(customer, CustomerChange.Field.CARD, customer.card_status, Customer.CardStatus.SIGNED, by)
    customer.card_status, customer.card_signed_by, customer.card_signed_at = Customer.CardStatus.SIGNED, by, timezone.now()
    customer.card_return_comment = ""
    customer_save(customer, by, ["card_status", "card_signed_by", "card_signed_at", "card_return_comment"])
    return customer


# How long a manager may take back their own sign-off or defeat approval (issue 14: a mis-click is undone).
UNDO_WINDOW = timedelta(minutes=5)


def undo_deadline(decided_at: datetime | None) -> datetime | None:
    return decided_at + UNDO_WINDOW if decided_at else None


def card_sign_undoable(customer: Customer, by: User, *, now: datetime | None = None) -> bool:
    """`by` signed this card less than `UNDO_WINDOW` ago (reads only the row)."""
    return bool(
        customer.is_card_signed and customer.card_signed_by_id == by.pk and customer.card_signed_at
        and (now or timezone.now()) < customer.card_signed_at + UNDO_WINDOW
    )


@transaction.atomic
def cards_sign(*, customers: models.QuerySet[Customer], by: User) -> list[Customer]:
    """Sign several cards at once: those of `customers` (already scoped to what `by` sees) still
    pending, locked in pk order, each with its history row. A card already signed is left as it is,
    so the same request sent twice signs each card once. Returns the cards signed by this call."""
    signed = []
    locked = Customer.objects.select_for_update().filter(
        pk__in=customers.values("pk"), card_status=Customer.CardStatus.PENDING
    ).order_by("pk")
    for customer in locked:
        signed.append(card_sign(customer=customer, by=by))
    return signed


@transaction.atomic
def card_sign_undo(*, customer: Customer, by: User) -> Customer:
    """Take back one's own sign-off within `UNDO_WINDOW`: the card is pending again, with a history row."""
    customer = customer_lock(customer)
    if customer.is_card_pending:
        return customer  # undone already (a resent request)
    if not card_sign_undoable(customer, by):
        raise TransitionError(_("This sign-off can no longer be undone."))
    change_record(customer, CustomerChange.Field.CARD, customer.card_status, Customer.CardStatus.PENDING, by, _("Sign-off undone"))
    customer.card_status, customer.card_signed_by, customer.card_signed_at = Customer.CardStatus.PENDING, None, None
    customer_save(customer, by, ["card_status", "card_signed_by", "card_signed_at"])
    return customer


@transaction.atomic
def card_return(*, customer: Customer, by: User, comment: str) -> Customer:
    customer = customer_lock(customer)
    if not customer.is_card_pending:
        raise TransitionError(_("Only a card pending sign-off can be returned."))
    change_record(customer, CustomerChange.Field.CARD, customer.card_status, Customer.CardStatus.RETURNED, by, comment)
    customer.card_status, customer.card_return_comment = Customer.CardStatus.RETURNED, comment
    customer_save(customer, by, ["card_status", "card_return_comment"])
    return customer


def order_record(*, customer: Customer, by: User, fields: dict[str, Any], submission_key: uuid.UUID | None = None) -> Order:
    """An order signed: the customer becomes grade O, status ordered, followed up weekly until delivery."""

    def create() -> Order:
        locked = customer_lock(customer)
        if not locked.may_order:
            raise TransitionError(_("Only an active prospect can order."))
        order = Order.objects.create(customer=locked, consultant=locked.consultant, submission_key=submission_key, **fields)
        _set_grade(locked, Customer.Grade.O, by, order.ordered_on)
        status_change(locked, Customer.Status.ORDERED, by)
        _schedule(locked, today=timezone.localdate())
        customer_save(locked, by, ["grade", "graded_on", "status", "next_followup_on"])
        return order

    order, _created = create_once(Order, submission_key, create)
    return order


def defeat_file(*, customer: Customer, by: User, fields: dict[str, Any], submission_key: uuid.UUID | None = None) -> Defeat:
    def create() -> Defeat:
        locked = customer_lock(customer)
        if not locked.may_file_defeat:
            raise TransitionError(_("A defeat can only be filed for an active or ordered prospect."))
        if locked.consultant_id != by.pk:
            raise TransitionError(_("Only the customer's own consultant files a defeat."))
        defeat = Defeat.objects.create(customer=locked, filed_by=by, submission_key=submission_key, **fields)
        customer_set_status(locked, Customer.Status.DEFEAT_PENDING, by)
        return defeat

    defeat, _created = create_once(Defeat, submission_key, create)
    return defeat


def _decide(defeat: Defeat, *, by: User, status: str, comment: str) -> Defeat:
    if defeat.filed_by_id == by.pk:
        raise TransitionError(_("A defeat you filed yourself is decided by another manager."))
    decided = Defeat.objects.filter(pk=defeat.pk, status=Defeat.Status.PENDING).update(
        status=status, decided_by=by, decided_at=timezone.now(), decision_comment=comment
    )
    if not decided:
        raise TransitionError(_("This defeat request has already been decided."))
    defeat.refresh_from_db()
    return defeat


@transaction.atomic
def defeat_approve(*, defeat: Defeat, by: User, comment: str = "") -> Defeat:
    """The customer becomes defeated; their open follow-ups are cancelled."""
    defeat = _decide(defeat, by=by, status=Defeat.Status.APPROVED, comment=comment)
    customer = customer_lock(defeat.customer)
    # An ordered customer lost: their open orders are cancelled as lost, the deposit kept.
    reason = _("Lost: %(reason)s") % {"reason": defeat.reason}
    if defeat.analysis:
        reason = f"{reason}\n{defeat.analysis}"
    for order in orders_open(customer):  # the customer row locked above serialises its orders
        _cancellation_record(order, by=by, reason=reason, deposit_refunded=False, defeat=defeat)
    scheduling.customer_tasks_cancel(customer=customer)
    status_change(customer, Customer.Status.DEFEATED, by, comment)
    customer.next_followup_on = None
    customer_save(customer, by, ["status", "next_followup_on"])
    return defeat


def defeat_approval_undoable(defeat: Defeat, by: User, *, now: datetime | None = None) -> bool:
    """`by` approved this defeat less than `UNDO_WINDOW` ago (reads only the row)."""
    return bool(
        defeat.status == Defeat.Status.APPROVED and defeat.decided_by_id == by.pk and defeat.decided_at
        and (now or timezone.now()) < defeat.decided_at + UNDO_WINDOW
    )


@transaction.atomic
def defeat_approve_undo(*, defeat: Defeat, by: User) -> Defeat:
    """Take back one's own approval within `UNDO_WINDOW`: the request waits for a decision again and the
    customer is as the approval found them (docs/domain.md, "Order, delivery, defeat, handover"):

    - status `defeated` → `defeat_pending`, with its history row;
    - the orders the approval cancelled as lost are open again (their `OrderCancellation` rows, which
      point at this defeat, are removed: the figures never count a cancellation that was taken back);
    - the tasks the approval cancelled are open again (or overdue), and any task made since for the
      defeated customer (a defeat revisit) is cancelled; the card's next follow-up is the open
      prospect task's date.

    Refused once the window has passed, for another manager's approval, or when the customer has moved
    on since (opened as a prospect again)."""
    customer = customer_lock(defeat.customer)
    defeat = Defeat.objects.select_for_update().get(pk=defeat.pk)
    if defeat.is_pending:
        return defeat  # undone already (a resent request)
    if not defeat_approval_undoable(defeat, by):
        raise TransitionError(_("This decision can no longer be undone."))
    if not customer.is_defeated:
        raise TransitionError(_("The customer has changed since the approval: it can no longer be undone."))
    decided_at = defeat.decided_at
    OrderCancellation.objects.filter(defeat=defeat).delete()
    # The customer's tasks, as scheduling.customer_tasks_cancel left them (leads reaches followups'
    # table only through the relation: the layers contract allows followups.scheduling alone).
    tasks = customer.tasks.all()
    Task = tasks.model
    scheduling.tasks_cancel(tasks.filter(created_at__gte=decided_at))
    today = timezone.localdate()
    cancelled = tasks.filter(status=Task.Status.CANCELLED, closed_at__gte=decided_at, created_at__lt=decided_at)
    cancelled.filter(due_on__lt=today).update(status=Task.Status.OVERDUE, closed_at=None)
    cancelled.filter(due_on__gte=today).update(status=Task.Status.OPEN, closed_at=None)
    Defeat.objects.filter(pk=defeat.pk).update(status=Defeat.Status.PENDING, decided_by=None, decided_at=None, decision_comment="")
    defeat.refresh_from_db()
    status_change(customer, Customer.Status.DEFEAT_PENDING, by, _("Defeat approval undone"))
    open_task = tasks.filter(kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING).order_by("due_on").first()
    customer.next_followup_on = open_task.due_on if open_task else None
    customer_save(customer, by, ["status", "next_followup_on"])
    return defeat


@transaction.atomic
def defeat_reject(*, defeat: Defeat, by: User, comment: str) -> Defeat:
    """Back to follow-up, with the manager's comment: ordered again if an order is still open, else active."""
    defeat = _decide(defeat, by=by, status=Defeat.Status.REJECTED, comment=comment)
    customer = customer_lock(defeat.customer)
    back_to = Customer.Status.ORDERED if orders_open(customer).exists() else Customer.Status.ACTIVE
    status_change(customer, back_to, by, comment)
    _schedule(customer, today=timezone.localdate())
    customer_save(customer, by, ["status", "next_followup_on"])
    return defeat


# --- Order cancellation ------------------------------------------------------------------------

# The grades a customer may be given when their last open order is cancelled (not O: nothing is ordered).
CANCEL_GRADES = tuple(grade for grade in Customer.Grade.values if grade != Customer.Grade.O)


def orders_open(customer: Customer) -> models.QuerySet[Order]:
    """The customer's orders not cancelled."""
    return Order.objects.filter(customer=customer, cancellation__isnull=True)


def _cancellation_record(
    order: Order, *, by: User, reason: str, deposit_refunded: bool, on: date | None = None, defeat: Defeat | None = None
) -> OrderCancellation:
    return OrderCancellation.objects.create(
        order=order, cancelled_on=on or timezone.localdate(), reason=reason, deposit_refunded=deposit_refunded,
        defeat=defeat, cancelled_by=by,
    )


@transaction.atomic
def order_cancel(*, order: Order, by: User, reason: str, deposit_refunded: bool, grade: str) -> OrderCancellation:
    """An order cancelled. With no other open order the customer is a prospect again: the grade the
    consultant gives (not O), status active, the follow-up task rescheduled, one save of the row."""
    customer = customer_lock(order.customer)
    order = Order.objects.select_for_update().get(pk=order.pk)
    if OrderCancellation.objects.filter(order=order).exists():
        raise TransitionError(_("This order has already been cancelled."))
    if not customer.may_cancel_orders:
        raise TransitionError(_("Only an order of an ordered customer can be cancelled."))
    if not reason.strip():
        raise TransitionError(_("Give the reason the order is cancelled."))
    last_open = not orders_open(customer).exclude(pk=order.pk).exists()
    if last_open and grade not in CANCEL_GRADES:
        raise TransitionError(_("Choose the grade the customer has now (H, A, B, C or N)."))
    today = timezone.localdate()
    cancellation = _cancellation_record(order, by=by, reason=reason.strip(), deposit_refunded=deposit_refunded, on=today)
    if last_open:
        note = _("Order cancelled: %(reason)s") % {"reason": cancellation.reason}
        _set_grade(customer, grade, by, today, note)
        status_change(customer, Customer.Status.ACTIVE, by, note)
        _schedule(customer, today=today)
        customer_save(customer, by, ["grade", "graded_on", "status", "next_followup_on"])
    return cancellation


def test_drive_record(
    *, customer: Customer, by: User, driven_at: datetime, source: str, car_model=None, licence_checked: bool = False,
    submission_key: uuid.UUID | None = None,
) -> TestDrive:
    """A test drive by appointment or at a home visit, credited to whoever records it (who went with the
    customer); a walk-in's comes with its register row (`register_services.visit_complete`)."""

    def create() -> TestDrive:
        return TestDrive.objects.create(
            customer=customer, consultant=by, car_model=car_model, driven_at=driven_at, source=source,
            licence_checked=licence_checked, created_by=by, submission_key=submission_key,
        )

    drive, _created = create_once(TestDrive, submission_key, create)
    return drive
