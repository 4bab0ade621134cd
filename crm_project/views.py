from django.shortcuts import redirect, render

from accounts import permissions
from crm_project.navigation import HOME_BY_ROLE, nav_links


@permissions.allowed(permissions.is_signed_in)
def home(request):
    """Each role lands on the page it starts its day with; the administrator gets shortcuts."""
    landing = HOME_BY_ROLE.get(request.user.role)
    if landing:
        return redirect(landing)
    return render(request, "home.html", {"shortcuts": nav_links(request.user)})
