"""Reads of owners and defeated customers, scoped by leads.selectors.customers_for_user."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import BooleanField, Count, ExpressionWrapper, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import User
from leads.models import Customer, Defeat
from leads.selectors import customers_for_user
from owners.models import Vehicle

VIP_REFERRALS = 3


def _count(queryset: QuerySet) -> Subquery:
    return Coalesce(
        Subquery(queryset.order_by().values("owner_id").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
        Value(0),
    )


def with_vip(queryset: QuerySet[Customer], *, today: date) -> QuerySet[Customer]:
    """Annotate `recent_referrals` (last twelve months) and `is_vip` (three or more)."""
    from owners.models import Referral

    recent = Referral.objects.filter(owner=OuterRef("pk"), referred_on__gt=today - relativedelta(months=12), referred_on__lte=today)
    return queryset.annotate(recent_referrals=_count(recent)).annotate(
        is_vip=ExpressionWrapper(Q(recent_referrals__gte=VIP_REFERRALS), output_field=BooleanField())
    )


def owners_for_user(user: User, *, today: date, filters: dict | None = None) -> QuerySet[Customer]:
    filters = filters or {}
    queryset = with_vip(
        customers_for_user(user).filter(status=Customer.Status.DELIVERED), today=today
    ).select_related("consultant").prefetch_related(
        Prefetch("vehicles", queryset=Vehicle.objects.select_related("car_model", "colour"), to_attr="vehicle_list")
    )
    if filters.get("q"):
        q = filters["q"].strip()
        queryset = queryset.filter(Q(name__icontains=q) | Q(phone__contains=q) | Q(vehicles__plate__icontains=q) | Q(vehicles__vin__icontains=q)).distinct()
    if filters.get("source"):
        queryset = queryset.filter(vehicles__source=filters["source"]).distinct()
    if filters.get("consultant"):
        queryset = queryset.filter(consultant=filters["consultant"])
    if filters.get("vip"):
        queryset = queryset.filter(recent_referrals__gte=VIP_REFERRALS)
    return queryset.order_by("-pk")


def get_owner_for_user(user: User, pk: int, *, today: date) -> Customer:
    """An owner the user may see, with VIP flag; 404 otherwise (also for a customer who is not an owner)."""
    try:
        return with_vip(customers_for_user(user).filter(status=Customer.Status.DELIVERED), today=today).select_related(
            "consultant", "car_model", "colour"
        ).get(pk=pk)
    except Customer.DoesNotExist:
        raise Http404


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
