from accounts.navigation import nav_for
from followups.selectors import nav_counts


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_items": nav_for(user, nav_counts(user))}
