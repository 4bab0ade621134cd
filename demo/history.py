"""The demo's clock and its last pass: every row stamped when it happened, nothing later than now.

The services stamp some columns with the time they run (`auto_now_add` fields, a task closed by a
contact, a card signed, a defeat decided). The demo builds three months in a few seconds, so
`finish` moves those stamps to the moment of the event behind them (the contact that closed a task,
the visit that made a card...), with queryset updates, as demo/targets.py does for the export log.
`orders` adds the sales of the three months (orders, deliveries, a cancellation) through the services.
"""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from accounts.models import User
from followups.models import PlannedDate, Task
from leads import services
from leads.models import CarModel, Colour, Contact, Customer, CustomerChange, Defeat, NewProspect, Order, OrderCancellation, PhoneCall, TestDrive, Visit
from owners.models import Vehicle
from owners.services import delivery_record
from owners.vin import with_check_digit

HISTORY_DAYS = 90  # about three months of history
OPENS, CLOSES = 9 * 60, 19 * 60 + 30  # office hours, in minutes of the day
ORDERS_PER_MONTH = (2, 4)  # per consultant
PRICES = [129800, 149800, 159800, 169800, 189800, 219800, 249800]


def aware(day: date, minutes: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))


def last_minute(day: date, today: date) -> int:
    """The latest minute of `day` the demo may use: closing time, or a few minutes ago today."""
    if day < today:
        return CLOSES
    now = timezone.localtime()
    return min(CLOSES, now.hour * 60 + now.minute - 5)


def moment(rng: random.Random, day: date, today: date, *, earliest: int = OPENS) -> datetime | None:
    """A time on `day` in office hours (on the ten minutes), never later than now; None if none is left."""
    latest = last_minute(day, today)
    if latest < earliest:
        return None
    minutes = rng.randint(earliest, latest)
    return aware(day, minutes - minutes % 10 if minutes - minutes % 10 >= earliest else minutes)


def _manager_of(consultant: User, staff: dict[str, User]) -> User:
    team = consultant.team
    return team.manager if team and team.manager_id else staff["salesmgr"]


def _vin(rng: random.Random) -> str:
    chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    body = "".join(rng.choice(chars) for _ in range(5)) + "0" + rng.choice("PRS") + rng.choice("23456")
    return with_check_digit("LSV" + body + f"{rng.randrange(10**6):06d}")


def orders(*, rng: random.Random, today: date, staff: dict[str, User]) -> None:
    """A few orders per consultant a month, on days spread over the three months, each of a prospect
    met at least three days before; most of those older than a week delivered one to three weeks
    later; one cancelled."""
    models, colours = list(CarModel.objects.filter(is_active=True)), list(Colour.objects.filter(is_active=True))
    start = today - timedelta(days=HISTORY_DAYS)
    for number in range(1, 9):
        consultant = staff[f"consultant{number}"]
        candidates = list(
            Customer.objects.filter(consultant=consultant, status=Customer.Status.ACTIVE, grade__in="HAB",
                                    first_contact_on__gte=start).order_by("pk")
        )
        wanted = sum(rng.randint(*ORDERS_PER_MONTH) for _ in range(HISTORY_DAYS // 30)) - Order.objects.filter(consultant=consultant).count()
        for _ in range(max(0, wanted)):
            ordered_on = start + timedelta(days=rng.randint(3, HISTORY_DAYS - 1))
            ready = [c for c in candidates
                     if c.first_contact_on <= ordered_on - timedelta(days=3) and (c.last_contact_on or c.first_contact_on) <= ordered_on]
            recent = [c for c in ready if c.first_contact_on >= ordered_on - timedelta(days=30)]  # most buy within a month
            if not ready:
                continue
            customer = rng.choice(recent if recent and rng.random() < 0.8 else ready)
            candidates.remove(customer)
            services.order_record(
                customer=customer, by=consultant,
                fields={"ordered_on": ordered_on, "car_model": customer.car_model or rng.choice(models),
                        "colour": customer.colour or rng.choice(colours), "price": rng.choice(PRICES),
                        "deposit": rng.choice([5000, 10000, 20000])},
            )
    every = list(Order.objects.filter(ordered_on__gte=start).select_related("customer", "consultant").order_by("pk"))
    for order in every:
        delivered_on = order.ordered_on + timedelta(days=rng.randint(7, 25))
        if delivered_on >= today or rng.random() < 0.2:
            continue
        delivery_record(customer=order.customer, by=order.consultant, vehicle={
            "vin": _vin(rng), "plate": f"沪{rng.choice('ABCDEFGHJK')}{rng.randrange(10000, 99999)}",
            "car_model": order.car_model, "colour": order.colour, "registered_on": delivered_on - timedelta(days=1),
            "delivered_on": delivered_on, "mileage_km": rng.randint(5, 30),
        })
    undelivered = [o for o in every if not Vehicle.objects.filter(order=o).exists() and o.ordered_on < today - timedelta(days=3)]
    for order in rng.sample(undelivered, min(1, len(undelivered))):
        cancellation = services.order_cancel(order=order, by=order.consultant, reason="客户资金周转困难，退订",
                                             deposit_refunded=True, grade=Customer.Grade.B)
        on = min(today - timedelta(days=1), order.ordered_on + timedelta(days=rng.randint(2, 6)))
        OrderCancellation.objects.filter(pk=cancellation.pk).update(cancelled_on=on, cancelled_at=aware(on, 15 * 60))


def _pseudo_minutes(pk: int) -> int:
    """A stable office-hours time for a row whose event has no time of its own."""
    return OPENS + (pk * 37) % (CLOSES - OPENS)


def _capped(when: datetime, now: datetime) -> datetime:
    return min(when, now - timedelta(minutes=1))


def finish(*, rng: random.Random, today: date, staff: dict[str, User]) -> None:
    now = timezone.now()
    Contact.objects.update(created_at=F("contacted_at"))
    TestDrive.objects.update(created_at=F("driven_at"))

    visits = list(Visit.objects.all())
    for visit in visits:
        visit.created_at = _capped(aware(visit.visit_date, visit.arrived_at.hour * 60 + visit.arrived_at.minute), now)
        if visit.left_at is not None:
            left = _capped(aware(visit.visit_date, visit.left_at.hour * 60 + visit.left_at.minute), now)
            visit.completed_at = left if visit.completed_at else None
            visit.updated_at = left
        else:
            visit.updated_at = visit.created_at
    Visit.objects.bulk_update(visits, ["created_at", "completed_at", "updated_at"], batch_size=500)
    calls = list(PhoneCall.objects.all())
    for call in calls:
        call.created_at = _capped(aware(call.call_date, call.called_at.hour * 60 + call.called_at.minute), now)
    PhoneCall.objects.bulk_update(calls, ["created_at"], batch_size=500)

    # A card is made when its customer is first met: the first visit or call, else a time that day.
    first_seen: dict[int, datetime] = {}
    for visit in visits:
        if visit.customer_id and visit.completed_at:
            first_seen[visit.customer_id] = min(first_seen.get(visit.customer_id, visit.completed_at), visit.completed_at)
    for call in calls:
        first_seen[call.customer_id] = min(first_seen.get(call.customer_id, call.created_at), call.created_at)
    customers = list(Customer.objects.only("pk", "first_contact_on", "created_at", "card_status", "card_signed_at"))
    for customer in customers:
        made = first_seen.get(customer.pk)
        if made is None or timezone.localdate(made) != customer.first_contact_on:
            made = aware(customer.first_contact_on, _pseudo_minutes(customer.pk))
        customer.created_at = _capped(min(made, customer.created_at), now)
    Customer.objects.bulk_update(customers, ["created_at"], batch_size=500)
    made_at = {customer.pk: customer.created_at for customer in customers}
    prospects = list(NewProspect.objects.filter(kind=NewProspect.Kind.NEW).only("pk", "customer_id"))
    for prospect in prospects:
        prospect.created_at = made_at[prospect.customer_id]
    NewProspect.objects.bulk_update(prospects, ["created_at"], batch_size=500)

    _sign_cards(rng=rng, today=today, staff=staff, made_at=made_at, now=now)

    sales = list(Order.objects.only("pk", "ordered_on"))
    for order in sales:
        order.created_at = _capped(aware(order.ordered_on, _pseudo_minutes(order.pk)), now)
    Order.objects.bulk_update(sales, ["created_at"], batch_size=500)
    delivered = list(Vehicle.objects.filter(order__isnull=False).only("pk", "delivered_on"))
    for vehicle in delivered:
        vehicle.created_at = _capped(aware(vehicle.delivered_on, 10 * 60 + vehicle.pk % 300), now)
    Vehicle.objects.bulk_update(delivered, ["created_at"], batch_size=500)
    _tasks(made_at=made_at, now=now)


def _sign_cards(*, rng: random.Random, today: date, staff: dict[str, User], made_at: dict[int, datetime], now: datetime) -> None:
    """The showroom managers sign the cards the day they are made; a few of today's are still waiting."""
    pending = Customer.objects.filter(card_status=Customer.CardStatus.PENDING).select_related("consultant__team").order_by("pk")
    for customer in pending:
        if timezone.localdate(made_at[customer.pk]) == today and rng.random() < 0.6:
            continue
        services.card_sign(customer=customer, by=_manager_of(customer.consultant, staff))
    signed_cards = list(Customer.objects.filter(card_signed_at__isnull=False).only("pk", "created_at"))
    for customer in signed_cards:
        made = customer.created_at
        day_end = aware(timezone.localdate(made), 21 * 60)
        signed = _capped(min(made + timedelta(minutes=30 + customer.pk % 180), max(day_end, made + timedelta(minutes=1))), now)
        customer.card_signed_at = max(signed, made)
    Customer.objects.bulk_update(signed_cards, ["card_signed_at"], batch_size=500)
    CustomerChange.objects.filter(field=CustomerChange.Field.CARD, changed_at__gt=Subquery(
        Customer.objects.filter(pk=OuterRef("customer_id")).values("card_signed_at")[:1]
    )).update(changed_at=Subquery(Customer.objects.filter(pk=OuterRef("customer_id")).values("card_signed_at")[:1]))


def _tasks(*, made_at: dict[int, datetime], now: datetime) -> None:
    """A prospect's tasks form a chain: each made when the previous one closed (the card's first when
    the card was made), closed by a contact at the contact's time, cancelled at the delivery or the
    defeat that ended it. Calendar tasks and escalations are made the morning they fall due."""
    contacted = dict(Contact.objects.values_list("pk", "contacted_at"))
    ended: dict[int, datetime] = {}
    for customer_id, delivered_on in Vehicle.objects.filter(order__isnull=False).values_list("customer_id", "delivered_on"):
        ended[customer_id] = aware(delivered_on, 11 * 60)
    for customer_id, decided_at in Defeat.objects.filter(decided_at__isnull=False).values_list("customer_id", "decided_at"):
        ended[customer_id] = decided_at
    chains: dict[int, list[Task]] = defaultdict(list)
    for task in Task.objects.filter(kind__in=Task.PROSPECT_KINDS).order_by("customer_id", "pk"):
        chains[task.customer_id].append(task)
    changed = []
    for customer_id, chain in chains.items():
        since = made_at[customer_id]
        for task in chain:
            if task.contact_id:
                task.closed_at = contacted[task.contact_id]  # done when the contact was made
            elif task.closed_at is not None:
                task.closed_at = max(min(task.closed_at, ended.get(customer_id, task.closed_at)), since)
            task.closed_at = _capped(task.closed_at, now) if task.closed_at else None
            task.created_at = min(since, task.closed_at) if task.closed_at else since
            since = task.closed_at or since
            changed.append(task)
    Task.objects.bulk_update(changed, ["created_at", "closed_at"], batch_size=1000)
    calendar = [task for task in Task.objects.exclude(kind__in=Task.PROSPECT_KINDS).only("pk", "due_on", "created_at")
                if aware(task.due_on, 7 * 60) < task.created_at]
    for task in calendar:
        task.created_at = aware(task.due_on, 7 * 60)
    Task.objects.bulk_update(calendar, ["created_at"], batch_size=1000)
    # A planned date is set when its task is (or later, when the task moves).
    task_made = Task.objects.filter(pk=OuterRef("task_id")).values("created_at")[:1]
    PlannedDate.objects.filter(created_at__gt=Subquery(task_made)).update(created_at=Subquery(task_made))
