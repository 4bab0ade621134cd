"""Who may see which records (docs/domain.md, "Visibility"): the one place that decides it.

A consultant sees what is assigned to them, a showroom manager their team's and what they hold
themselves, a sales manager and the administrator the whole dealership; reception sees no customer cards. Every selector that lists
or fetches customers, tasks or report rows goes through `scope_to_user`.
"""

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.permissions import HOLDER_ROLES


def scope_to_user(queryset: QuerySet, user: User, *, consultant_field: str = "consultant") -> QuerySet:
    """Filter `queryset` to the rows whose `consultant_field` the user may see."""
    if not user.is_active:
        return queryset.none()
    if user.sees_whole_dealership:
        return queryset
    own = Q(**{f"{consultant_field}_id": user.pk})
    if user.is_showroom_manager:
        if user.team_id is None:
            return queryset.filter(own)
        return queryset.filter(Q(**{f"{consultant_field}__team_id": user.team_id}) | own)
    if user.is_consultant:
        return queryset.filter(own)
    return queryset.none()


def consultants_visible_to(user: User) -> QuerySet[User]:
    """The consultants whose work the user may see (for pickers, filters and report rows)."""
    consultants = User.objects.filter(role=User.Role.CONSULTANT).select_related("team")
    if user.sees_whole_dealership:
        return consultants
    if user.is_showroom_manager:
        return consultants.filter(team_id=user.team_id) if user.team_id else consultants.none()
    if user.is_consultant:
        return consultants.filter(pk=user.pk)
    return consultants.none()


def holders_visible_to(user: User) -> QuerySet[User]:
    """Who the user may give customers to or take them from: the consultants they see, and themselves or
    (for the whole dealership) every manager who may hold customers."""
    if user.sees_whole_dealership:
        return User.objects.filter(role__in=HOLDER_ROLES).select_related("team")
    if user.is_showroom_manager:
        return (consultants_visible_to(user) | User.objects.filter(pk=user.pk)).select_related("team")
    return consultants_visible_to(user)


def scope_to_team(queryset: QuerySet, user: User, *, team_field: str = "team") -> QuerySet:
    """Filter `queryset` to the rows of a team the user may see, a row without a team being the whole
    dealership's (the weekly meeting's improvement actions): a sales manager and the administrator see
    every row, a showroom manager their team's and the dealership's, anyone else none."""
    if not user.is_active:
        return queryset.none()
    if user.sees_whole_dealership:
        return queryset
    if user.is_showroom_manager:
        whole = Q(**{f"{team_field}__isnull": True})
        return queryset.filter(whole | Q(**{f"{team_field}_id": user.team_id})) if user.team_id else queryset.filter(whole)
    return queryset.none()


def owners_visible_to(user: User) -> QuerySet[User]:
    """Who may own an improvement action the user writes: the holders they see (`holders_visible_to`)
    and, for the whole dealership, every manager (the administrator included)."""
    if user.sees_whole_dealership:
        roles = {*HOLDER_ROLES, User.Role.SHOWROOM_MANAGER, User.Role.SALES_MANAGER, User.Role.ADMINISTRATOR}
        return User.objects.filter(role__in=roles).select_related("team")
    return holders_visible_to(user)


def users_deactivatable_by(user: User) -> QuerySet[User]:
    """The users `user` may deactivate. Only the administrator deactivates managers:

    - the administrator (or a superuser): anyone but themselves;
    - a sales manager: the consultants and reception;
    - a showroom manager: their team's consultants;
    - anyone else: no one.

    A superuser's account is deactivated only by a superuser. The last active administrator is kept by
    `staff.services.user_deactivate`, which needs a lock to count them.
    """
    if not user.is_active:
        return User.objects.none()
    if user.is_superuser or user.role == User.Role.ADMINISTRATOR:
        users = User.objects.exclude(pk=user.pk)
    elif user.role == User.Role.SALES_MANAGER:
        users = User.objects.filter(role__in=[User.Role.CONSULTANT, User.Role.RECEPTION])
    elif user.is_showroom_manager:
        users = consultants_visible_to(user)
    else:
        return User.objects.none()
    return users if user.is_superuser else users.exclude(is_superuser=True)


def board_scope(queryset: QuerySet, user: User, *, consultant_field: str = "consultant") -> QuerySet:
    """The performance board's figures (never customer data): a consultant sees their whole team's, as
    the team board in the showroom shows them (看板); everyone else what `scope_to_user` gives."""
    if user.is_active and user.is_consultant and user.team_id:
        return queryset.filter(**{f"{consultant_field}__team_id": user.team_id})
    return scope_to_user(queryset, user, consultant_field=consultant_field)


def board_consultants_visible_to(user: User) -> QuerySet[User]:
    """The performance board's rows: a consultant's team, or the consultants the user may see."""
    if user.is_active and user.is_consultant and user.team_id:
        return User.objects.filter(role=User.Role.CONSULTANT, team_id=user.team_id).select_related("team")
    return consultants_visible_to(user)
