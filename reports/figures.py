"""Every figure the reports show, defined once (docs/domain.md, "Figures"): a count of stamped events,
credited to the consultant who did the work, on the day it happened.

Each source is a table of events that carries who did the work and when it happened, both written
at the time (a contact, a register row, a new prospect, a test drive, an order, a cancellation, a
delivery, an approved defeat): a handover, a regrade or an edit of the card never moves a figure. A
figure adds (or takes away) counts of one or more sources under a condition. `figures()` reads them
for any set of periods with one grouped query per source table, whatever the number of rows.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from accounts.models import User
from accounts.visibility import scope_to_user
from leads.models import Contact, Customer, NewProspect, Order, OrderCancellation, PhoneCall, TestDrive, Visit
from owners.models import Vehicle
from reports import events
from reports.periods import local_days

Scope = Callable[..., QuerySet]  # scope_to_user(queryset, user, consultant_field=...)
Periods = dict[str, tuple[date, date]]  # name -> (first day, last day), both included
Figures = dict[int, dict[str, int]]  # consultant id -> "figure__period" -> count


@dataclass(frozen=True)
class Source:
    """A table of stamped events: `consultant` is who did the work, `day` when (a date, or a datetime
    read as a local day when `local`)."""

    events: Callable[[], QuerySet]
    consultant: str
    day: str
    local: bool = False

    def on(self, start: date, end: date) -> Q:
        return local_days(self.day, start, end) if self.local else Q(**{f"{self.day}__range": (start, end)})


SOURCES = {
    "contacts": Source(lambda: Contact.objects.all(), "consultant", "contacted_at", local=True),
    "visits": Source(lambda: Visit.objects.all(), "consultant", "visit_date"),
    "calls": Source(lambda: PhoneCall.objects.all(), "consultant", "call_date"),
    "new_prospects": Source(lambda: NewProspect.objects.all(), "consultant", "became_on"),
    "test_drives": Source(lambda: TestDrive.objects.all(), "consultant", "driven_at", local=True),
    "orders": Source(lambda: Order.objects.all(), "consultant", "ordered_on"),
    # A cancellation takes the sale back from whoever sold it, in the month it is cancelled.
    "cancellations": Source(lambda: OrderCancellation.objects.all(), "order__consultant", "cancelled_on"),
    "deliveries": Source(events.delivered_vehicles, events.DELIVERY_CONSULTANT, "delivered_on"),
    "defeats": Source(events.approved_defeats, events.DEFEAT_CONSULTANT, "decided_at", local=True),
}


@dataclass(frozen=True)
class Part:
    source: str
    condition: Q = Q()
    sign: int = 1


OUTBOUND_CONTACT = Q(method__in=Contact.OUTBOUND_METHODS)
GRADES = [grade.value for grade in Customer.Grade]  # O H A B C N

# The figures, each a sum of parts. The definitions the board's footnotes and docs/domain.md give.
FIGURES: dict[str, tuple[Part, ...]] = {
    # 总计联系: every contact with a customer — each logged contact, each party received in the
    # showroom, each phone-in (a register row's contact is counted once, as its visit or call).
    "contacts": (Part("contacts", Q(origin=Contact.Origin.LOGGED)), Part("visits"), Part("calls")),
    # 市场开拓: prospects found by outbound work, plus outbound contacts (home visits, DM letters).
    "prospecting": (Part("new_prospects", Q(intake=Customer.Intake.PROSPECTING)), Part("contacts", OUTBOUND_CONTACT)),
    # 再回展厅: showroom visits of customers who had been in before (S on the register).
    "return_visits": (Part("visits", Q(is_first_visit=False)),),
    # 试乘试驾: test-drive records, from a walk-in, an appointment or a home visit.
    "test_drives": (Part("test_drives"),),
    # 已售: orders signed less orders cancelled in the period.
    "sales": (Part("orders"), Part("cancellations", sign=-1)),
    "orders": (Part("orders"),),
    "cancellations": (Part("cancellations"),),
    "deliveries": (Part("deliveries"),),
    "first_visits": (Part("visits", Q(is_first_visit=True)),),
    "phone_ins": (Part("calls"),),
    "new_prospects": (Part("new_prospects"),),
    **{f"new_prospects_{grade}": (Part("new_prospects", Q(grade=grade)),) for grade in GRADES},
    # 留档: first visits whose row has the customer's card (a subset of the first visits).
    "walk_ins_with_card": (Part("visits", Q(is_first_visit=True, customer__isnull=False)),),
    "defeats": (Part("defeats"),),
}
# The five targets of the SVW process (五大目标), in the board's order (reports.models.MonthlyTarget.FIELDS).
FIVE_TARGETS = ("contacts", "prospecting", "return_visits", "test_drives", "sales")


def figures(*, user: User, names: Iterable[str], periods: Periods, scope: Scope = scope_to_user) -> Figures:
    """{consultant id: {"<figure>__<period>": count}} for the consultants whose work `scope` lets the
    user see: one grouped query per source table the figures need."""
    names = list(names)
    by_source: dict[str, set[Q]] = {}
    for name in names:
        for part in FIGURES[name]:
            by_source.setdefault(part.source, set()).add(part.condition)
    counts: dict[int, dict[tuple[str, Q, str], int]] = {}
    for source_name, conditions in by_source.items():
        source = SOURCES[source_name]
        conditions = list(conditions)
        aggregates = {
            f"c{index}_{period}": Count("pk", filter=condition & source.on(*periods[period]))
            for index, condition in enumerate(conditions)
            for period in periods
        }
        events = scope(source.events(), user, consultant_field=source.consultant).filter(
            reduce(or_, (source.on(start, end) for start, end in periods.values()))
        )
        for row in events.order_by().values(_key=F(source.consultant)).annotate(**aggregates):
            mine = counts.setdefault(row["_key"], {})
            for index, condition in enumerate(conditions):
                for period in periods:
                    mine[(source_name, condition, period)] = row[f"c{index}_{period}"]
    return {
        consultant: {
            f"{name}__{period}": sum(part.sign * mine.get((part.source, part.condition, period), 0) for part in FIGURES[name])
            for name in names
            for period in periods
        }
        for consultant, mine in counts.items()
    }


COHORT = ("new_prospects", "ordered", "delivered")


def cohort(*, user: User, start: date, end: date, key: str = "consultant", scope: Scope = scope_to_user) -> Figures:
    """Conversion by cohort: of the customers who became prospects from `start` to `end`, how many have
    ordered since and how many have taken delivery so far, per `key` of the new prospect (who took them
    on, or their intake). A part of the cohort, never more than 100 % of it; one query."""
    ordered = Order.objects.filter(customer=OuterRef("customer"), ordered_on__gte=OuterRef("became_on"))
    delivered = Vehicle.objects.filter(order__customer=OuterRef("customer"), order__ordered_on__gte=OuterRef("became_on"))
    rows = (
        scope(NewProspect.objects.filter(became_on__range=(start, end)), user, consultant_field="consultant")
        .annotate(has_order=Exists(ordered), has_delivery=Exists(delivered))
        .order_by()
        .values(_key=F(key))
        .annotate(
            new_prospects=Count("pk"),
            ordered=Count("pk", filter=Q(has_order=True)),
            delivered=Count("pk", filter=Q(has_delivery=True)),
        )
    )
    return {row.pop("_key"): row for row in rows}
