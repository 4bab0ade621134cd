"""Who may see which records (docs/domain.md, "Visibility"): the one place that decides it.

A consultant sees what is assigned to them, a showroom manager their team's, a sales manager and
the administrator the whole dealership; reception sees no customer cards. Every selector that lists
or fetches customers, tasks or report rows goes through `scope_to_user`.
"""

from django.db.models import QuerySet

from accounts.models import User


def scope_to_user(queryset: QuerySet, user: User, *, consultant_field: str = "consultant") -> QuerySet:
    """Filter `queryset` to the rows whose `consultant_field` the user may see."""
    if not user.is_active:
        return queryset.none()
    if user.sees_whole_dealership:
        return queryset
    if user.is_showroom_manager:
        if user.team_id is None:
            return queryset.none()
        return queryset.filter(**{f"{consultant_field}__team_id": user.team_id})
    if user.is_consultant:
        return queryset.filter(**{f"{consultant_field}_id": user.pk})
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


def users_deactivatable_by(user: User) -> QuerySet[User]:
    """The users `user` may deactivate: a sales manager or the administrator anyone but themselves,
    a showroom manager their team's consultants, anyone else no one."""
    if user.sees_whole_dealership:
        return User.objects.exclude(pk=user.pk)
    if user.is_showroom_manager:
        return consultants_visible_to(user)
    return User.objects.none()
