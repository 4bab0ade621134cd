from accounts.permissions import flags_for
from crm_project.navigation import nav_for
from followups.selectors import nav_counts


def navigation(request):
    """The menu with its badge counts, and `may`: the permission flags templates read."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_items": nav_for(user, nav_counts(user)), "may": flags_for(user)}
