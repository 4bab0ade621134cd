"""Reads of owners and defeated customers, scoped by leads.selectors.customers_for_user."""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import User
from followups.models import Task
from leads.filters import MIN_PHONE_DIGITS
from leads.models import Customer, CustomerChange, Defeat
from leads.phones import search_digits
from leads.selectors import customers_for_user
from common import bounds
from owners import care
from owners.models import CareMilestone, Referral, Vehicle
from owners.services import OWNER_TASK_KINDS

VIP_REFERRALS = 3


def _count(queryset: QuerySet) -> Subquery:
    return Coalesce(
        Subquery(queryset.order_by().values("owner_id").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
        Value(0),
    )


def with_vip(queryset: QuerySet[Customer], *, today: date) -> QuerySet[Customer]:
    """Annotate `recent_referrals` (last twelve months) and `is_vip` (three or more)."""
    recent = Referral.objects.filter(owner=OuterRef("pk"), referred_on__gt=today - relativedelta(months=12), referred_on__lte=today)
    return queryset.annotate(recent_referrals=_count(recent)).annotate(
        is_vip=ExpressionWrapper(Q(recent_referrals__gte=VIP_REFERRALS), output_field=BooleanField())
    )


def _owners(user: User, *, today: date) -> QuerySet[Customer]:
    """The owners (delivered customers) the user may see, with the VIP annotations."""
    return with_vip(customers_for_user(user).filter(status=Customer.Status.DELIVERED), today=today)


def _search_condition(text: str) -> Q:
    """Name, plate or VIN contains the text, or the phone contains its digits (spaces, dashes, +86 ignored)."""
    text = text.strip()
    condition = Q(name__icontains=text) | Q(vehicles__plate__icontains=text) | Q(vehicles__vin__icontains=text)
    digits = search_digits(text)
    if len(digits) >= MIN_PHONE_DIGITS:
        condition |= Q(phone__contains=digits)
    return condition


def owners_for_user(user: User, *, today: date, filters: dict | None = None) -> QuerySet[Customer]:
    filters = filters or {}
    queryset = _owners(user, today=today).select_related("consultant").prefetch_related(
        Prefetch("vehicles", queryset=Vehicle.objects.select_related("car_model", "colour"), to_attr="vehicle_list")
    )
    if filters.get("q"):
        queryset = queryset.filter(_search_condition(filters["q"])).distinct()
    if filters.get("source"):
        queryset = queryset.filter(vehicles__source=filters["source"]).distinct()
    if filters.get("consultant"):
        queryset = queryset.filter(consultant=filters["consultant"])
    if filters.get("vip"):
        queryset = queryset.filter(recent_referrals__gte=VIP_REFERRALS)
    return queryset.order_by("-pk")


def _owner(queryset: QuerySet[Customer], pk: int) -> Customer:
    try:
        return queryset.select_related("consultant", "car_model", "colour").get(pk=pk)
    except Customer.DoesNotExist:
        raise Http404


def _vehicle_holders(user: User, *, today: date) -> QuerySet[Customer]:
    """The owners the user may see, and the customers with vehicles who are prospects again (an owner
    reopened for a trade-in or a second car still owns those cars), with the VIP annotations."""
    has_vehicle = Exists(Vehicle.objects.filter(customer=OuterRef("pk")))
    return with_vip(customers_for_user(user).filter(Q(status=Customer.Status.DELIVERED) | Q(has_vehicle)), today=today)


def get_owner_for_user(user: User, pk: int, *, today: date) -> Customer:
    """An owner (or a customer with vehicles) the user may see, with VIP flag; 404 otherwise."""
    return _owner(_vehicle_holders(user, today=today), pk)


def _history(field: str, to_attr: str) -> Prefetch:
    changes = CustomerChange.objects.filter(field=field).select_related("changed_by")
    return Prefetch("changes", queryset=changes, to_attr=to_attr)


def owner_card(user: User, pk: int, *, today: date) -> Customer:
    """The owner card: `get_owner_for_user`'s owner with what the card shows preloaded, as lists:
    `vehicle_list` (insurance and maintenance), `accessory_list`, `referral_list`, `consultant_history`,
    `status_history` and `care_tasks` (the latest twenty)."""
    vehicles = Vehicle.objects.select_related("car_model", "colour").prefetch_related("insurance", "maintenance")
    care_tasks = Task.objects.filter(kind__in=OWNER_TASK_KINDS).order_by("-due_on")[:20]
    queryset = _vehicle_holders(user, today=today).prefetch_related(
        Prefetch("vehicles", queryset=vehicles, to_attr="vehicle_list"),
        Prefetch("accessories", to_attr="accessory_list"),
        Prefetch("referrals_made", queryset=Referral.objects.select_related("prospect"), to_attr="referral_list"),
        _history(CustomerChange.Field.CONSULTANT, "consultant_history"),
        _history(CustomerChange.Field.STATUS, "status_history"),
        Prefetch("tasks", queryset=care_tasks, to_attr="care_tasks"),
    )
    return _owner(queryset, pk)


COMING_MILESTONES = 5


@dataclass(frozen=True)
class ComingMilestone:
    """A care-plan step not yet due: the daily job makes its task on `due_on` (no task exists before)."""

    due_on: date
    kind: str  # the task kind's label
    purpose: str
    vehicle: Vehicle
    offers_trade_in: bool


def coming_milestones(owner: Customer, *, today: date, limit: int = COMING_MILESTONES) -> list[ComingMilestone]:
    """The owner's next `limit` care-plan steps after `today`, dated as the daily job dates them
    (`owners.services._care_rows`: each active milestone within bounds, from each vehicle's delivery
    date; the same kind on the same day once). Reads `owner.vehicle_list` (preloaded by `owner_card`)
    and the care plan (one query). Only an owner (delivered) gets care tasks, so only an owner has any."""
    if owner.status != Customer.Status.DELIVERED or not owner.vehicle_list:
        return []
    milestones = CareMilestone.objects.filter(
        is_active=True, months__lte=bounds.MILESTONE_MONTHS_MAX, days__lte=bounds.MILESTONE_DAYS_MAX
    )
    coming: dict[tuple[str, date], ComingMilestone] = {}
    for milestone in milestones:
        for vehicle in owner.vehicle_list:
            due = care.milestone_due(vehicle.delivered_on, months=milestone.months, days=milestone.days)
            if due > today and (milestone.kind, due) not in coming:
                coming[(milestone.kind, due)] = ComingMilestone(
                    due_on=due, kind=milestone.get_kind_display(), purpose=milestone.purpose, vehicle=vehicle,
                    offers_trade_in=milestone.offers_trade_in,
                )
    return sorted(coming.values(), key=lambda step: (step.due_on, step.kind))[:limit]


def _latest_defeat(field: str) -> Subquery:
    approved = Defeat.objects.filter(customer=OuterRef("pk"), status=Defeat.Status.APPROVED).order_by("-decided_at", "-pk")
    return Subquery(approved.values(field)[:1])


def defeated_for_user(user: User, *, filters: dict | None = None) -> QuerySet[Customer]:
    """Defeated customers the user may see, with their latest approved defeat's reason, brand and date."""
    from leads.models import DefeatReason

    filters = filters or {}
    queryset = (
        customers_for_user(user)
        .filter(status=Customer.Status.DEFEATED)
        .select_related("consultant", "car_model")
        .annotate(
            defeat_reason_id=_latest_defeat("reason_id"),
            defeat_reason=Subquery(
                DefeatReason.objects.filter(pk=OuterRef("defeat_reason_id")).values("name")[:1]
            ),
            defeat_brand=_latest_defeat("brand_bought"),
            defeat_model=_latest_defeat("model_bought"),
            defeated_at=_latest_defeat("decided_at"),
        )
    )
    if filters.get("reason"):
        queryset = queryset.filter(defeat_reason_id=filters["reason"].pk)
    if filters.get("brand"):
        queryset = queryset.filter(defeat_brand__icontains=filters["brand"].strip())
    if filters.get("consultant"):
        queryset = queryset.filter(consultant=filters["consultant"])
    if filters.get("month"):
        month = filters["month"]
        queryset = queryset.filter(defeated_at__year=month.year, defeated_at__month=month.month)
    return queryset.order_by("-defeated_at", "-pk")


def get_defeated_for_user(user: User, pk: int) -> Customer:
    try:
        return customers_for_user(user).filter(status=Customer.Status.DEFEATED).get(pk=pk)
    except Customer.DoesNotExist:
        raise Http404
