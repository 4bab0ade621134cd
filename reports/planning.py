"""Reads of the weekly management loop (docs/domain.md, "Reports"): the improvement actions of the
sales-management meeting and the consultants' personal success plans with their one-to-one notes.

Every read is scoped here: actions by team (`accounts.visibility.scope_to_team`), plans by consultant
(`scope_to_user`). A record the user may not see is not found (404 in the views).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, Case, Count, IntegerField, Max, Prefetch, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import capfirst

from accounts.models import Team, User
from accounts.visibility import consultants_visible_to, owners_visible_to, scope_to_team, scope_to_user
from reports.models import ImprovementAction, OneToOneNote, SuccessPlan

# --- Improvement actions ---------------------------------------------------------------------------


def improvement_actions_for_user(
    *, user: User, status: str = "", owner: User | None = None, today: date | None = None
) -> QuerySet[ImprovementAction]:
    """The actions the user may see, open ones first (by deadline), each with `overdue` (open and past
    its deadline), filtered by status and owner."""
    today = today or timezone.localdate()
    Status = ImprovementAction.Status
    actions = scope_to_team(ImprovementAction.objects.all(), user)
    if status:
        actions = actions.filter(status=status)
    if owner is not None:
        actions = actions.filter(owner=owner)
    return actions.select_related("owner", "team", "created_by").annotate(
        overdue=Case(When(status=Status.OPEN, due_on__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField()),
        closed=Case(When(status=Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()),
    ).order_by("closed", "due_on", "pk")


def get_improvement_action_for_user(user: User, pk: int) -> ImprovementAction:
    return get_object_or_404(scope_to_team(ImprovementAction.objects.select_related("owner", "team"), user), pk=pk)


def action_owner_choices(user: User) -> QuerySet[User]:
    """Who the user may make an action's owner (active users only) and filter the list by."""
    return owners_visible_to(user).filter(is_active=True).order_by("team__name", "last_name", "first_name", "pk")


def action_team_choices(user: User) -> QuerySet[Team]:
    """The teams the user may give an action to (blank: the whole dealership)."""
    if user.sees_whole_dealership:
        return Team.objects.order_by("name")
    return Team.objects.filter(pk=user.team_id) if user.is_showroom_manager and user.team_id else Team.objects.none()


# --- Success plans ---------------------------------------------------------------------------------


def success_plans_for_user(*, user: User, consultant: User | None = None, month: date | None = None) -> QuerySet[SuccessPlan]:
    """The plans of the consultants the user may see (a consultant: their own), newest month first, each
    with `note_count` and `last_held_on` of its one-to-ones."""
    plans = scope_to_user(SuccessPlan.objects.all(), user, consultant_field="consultant")
    if consultant is not None:
        plans = plans.filter(consultant=consultant)
    if month is not None:
        plans = plans.filter(month=month)
    return plans.select_related("consultant", "consultant__team", "created_by").annotate(
        note_count=Count("notes"), last_held_on=Max("notes__held_on"),
    ).order_by("-month", "consultant__last_name", "consultant__first_name", "pk")


def get_success_plan_for_user(user: User, pk: int) -> SuccessPlan:
    """The plan with its notes (newest first, `note_list`), or 404 if the user may not see it."""
    plans = scope_to_user(SuccessPlan.objects.all(), user, consultant_field="consultant")
    notes = OneToOneNote.objects.select_related("written_by").order_by("-held_on", "-pk")
    plans = plans.select_related("consultant", "consultant__team", "created_by").prefetch_related(
        Prefetch("notes", queryset=notes, to_attr="note_list")
    )
    return get_object_or_404(plans, pk=pk)


def plan_consultant_choices(user: User) -> QuerySet[User]:
    return consultants_visible_to(user).filter(is_active=True).order_by("team__name", "last_name", "first_name", "pk")


# --- Change history --------------------------------------------------------------------------------


@dataclass
class HistoryEntry:
    when: object
    who: User | None
    created: bool
    changes: list[tuple[str, str, str]]  # label, before, after


HISTORY_LIMIT = 50


def change_history(obj, *, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """Who changed what and when on `obj` (django-simple-history rows), newest first: three queries
    at most (the rows, and the names of the users and teams the changed foreign keys point to)."""
    model = type(obj)
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    tracked = [f for f in model._meta.fields if f.editable]
    labels = {f.name: capfirst(f.verbose_name) for f in tracked}
    foreign = {f.name: f.related_model for f in tracked if f.is_relation}
    deltas = [
        (record, record.diff_against(older).changes if older is not None else [])
        for record, older in zip(records, [*records[1:], None])
    ][:limit]
    ids: dict[type, set] = {}
    for _record, changes in deltas:
        for change in changes:
            if change.field in foreign:
                ids.setdefault(foreign[change.field], set()).update(v for v in (change.old, change.new) if v is not None)
    names = {related: {o.pk: str(o) for o in related.objects.filter(pk__in=pks)} for related, pks in ids.items()}

    def show(field: str, value) -> str:
        if value in (None, ""):
            return "—"
        if field in foreign:
            return names.get(foreign[field], {}).get(value, str(value))
        choices = dict(model._meta.get_field(field).flatchoices)
        if choices:
            return str(choices.get(value, value))
        return value.isoformat() if hasattr(value, "isoformat") else str(value)

    return [
        HistoryEntry(
            when=record.history_date, who=record.history_user, created=record.history_type == "+",
            changes=[(labels.get(c.field, c.field), show(c.field, c.old), show(c.field, c.new)) for c in changes],
        )
        for record, changes in deltas
    ]

