"""Login lockout: django-axes' database handler with a second, wider limit per address (`AXES_HANDLER`).

Axes locks a (username, address) pair after `AXES_FAILURE_LIMIT` failures, so that someone guessing
at alice's password from one place does not lock alice out everywhere. Axes has one failure limit for
all its lockout parameters, so it cannot also say "and `LOGIN_ADDRESS_FAILURE_LIMIT` failures from
one address, whatever the usernames, lock that address". This handler adds that: it counts the
failures axes has already recorded for the address (its `AccessAttempt` rows, one per username and
user agent, within the same cool-off window) and refuses every username from the address at the limit.

A successful log-in still forgets only that user's failures from that address (`AXES_RESET_ON_SUCCESS`
with the pair as lockout parameter), so signing in with one's own account does not wipe the count of
guesses at other accounts.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum


class AddressLimitHandler(AxesDatabaseHandler):
    def address_failures(self, request) -> int:
        address = getattr(request, "axes_ip_address", None)
        if address is None:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0

    def address_locked(self, request) -> bool:
        locked = self.address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
        if locked:
            request.login_address_locked = True  # the lockout page says so
        return locked

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return settings.AXES_LOCK_OUT_AT_FAILURE and self.address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out or not settings.AXES_LOCK_OUT_AT_FAILURE:
            return
        if self.is_whitelisted(request, credentials) or not self.address_locked(request):
            return
        request.axes_locked_out = True
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes", request=request, username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        )
