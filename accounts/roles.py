"""Roles as Django groups: the group of a role carries the model permissions it uses in the admin.

The role itself is `User.role`; `user_set_role` keeps the user's group membership in step with it.
"""

from django.contrib.auth.models import Group, Permission

from accounts.models import User

ALL = "__all__"

# app_label -> actions, per role. Page access in the product is decided by role and visibility
# (accounts.visibility); these permissions govern what the admin site lets each role touch.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    User.Role.RECEPTION: {"leads": ("view",)},
    User.Role.CONSULTANT: {"leads": ("view", "add", "change"), "followups": ("view", "change")},
    User.Role.SHOWROOM_MANAGER: {
        "leads": ("view", "add", "change"),
        "followups": ("view", "change"),
        "owners": ("view", "change"),
    },
    User.Role.SALES_MANAGER: {
        "leads": ("view", "add", "change"),
        "followups": ("view", "add", "change"),
        "owners": ("view", "add", "change"),
        "reports": ("view", "add", "change"),
    },
    User.Role.ADMINISTRATOR: {
        "accounts": ("view", "add", "change"),
        "leads": ("view", "add", "change"),
        "followups": ("view", "add", "change"),
        "owners": ("view", "add", "change"),
        "reports": ("view", "add", "change"),
        "django_celery_beat": ("view", "add", "change", "delete"),
    },
}


def sync_role_groups(**kwargs) -> None:
    """Create one group per role and give it exactly the permissions listed above."""
    for role, apps in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = Permission.objects.none()
        for app_label, actions in apps.items():
            wanted = wanted | Permission.objects.filter(
                content_type__app_label=app_label,
                codename__regex=r"^(%s)_" % "|".join(actions),
            )
        group.permissions.set(wanted)


def user_set_role(*, user: User, role: str) -> None:
    """Set the role, its group and `is_staff` (the admin's door); never `is_superuser`.

    A superuser keeps `is_staff` whatever its role, or editing its role would lock it out of the admin.
    Changing the role of a user who holds customers or tasks goes through `staff.services.user_change_role`.
    """
    user.role = role
    user.is_staff = role == User.Role.ADMINISTRATOR or user.is_superuser
    user.save(update_fields=["role", "is_staff"])
    user.groups.set(Group.objects.filter(name=role))
