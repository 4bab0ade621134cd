"""Where a view sends the user back to: the posted or queried `next`, if it is a path on this site."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest) -> str | None:
    """`next` from the form or the query string when it points to this site (never elsewhere), else None."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def redirect_back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the page the form was on (`next`), else `default` (a URL or a URL name)."""
    return redirect(safe_next(request) or default)
