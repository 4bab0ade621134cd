"""Per-user limits on lookups that could enumerate customers (the F/S phone lookup, searches).

django-ratelimit counts in the default cache (Redis in production, so every worker shares the count).
The rates are settings (`LOOKUP_RATE`, `SEARCH_RATE`), read from the environment.
"""

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited


def lookup_refused(request: HttpRequest) -> bool:
    """Count one F/S lookup for the user; True once they are over `LOOKUP_RATE`."""
    return is_ratelimited(request, group="phone-lookup", key="user", rate=settings.LOOKUP_RATE, increment=True)


def search_refused(request: HttpRequest) -> bool:
    """Count one search for the user; True once they are over `SEARCH_RATE`."""
    return is_ratelimited(request, group="search", key="user", rate=settings.SEARCH_RATE, increment=True)
