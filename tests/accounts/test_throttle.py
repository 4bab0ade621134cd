"""Login throttling that cannot be turned against a user: the lockout counts the client's address as a
trusted reverse proxy reports it, locks a (username, address) pair after 5 failures and an address,
whatever the usernames, after 20; an untrusted peer's X-Forwarded-For is never believed."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.client_ip import client_ip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
ATTACKER = "203.0.113.5"
ELSEWHERE = "198.51.100.7"
LOGIN = reverse("accounts:login")


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/29", "2001:db8:ffff::/48"]
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"


@pytest.fixture
def bob():
    return UserFactory(username="bob")


def attempt(client, username, password, *, via=PROXY, forwarded_for=None):
    """A log-in posted through `via` (the direct peer), with the X-Forwarded-For it adds, if any."""
    headers = {"REMOTE_ADDR": via}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    client.cookies.clear()  # each attempt a fresh browser, as an attacker would
    return client.post(LOGIN, {"username": username, "password": password}, **headers)


def test_five_failures_lock_bob_from_that_address_only(client, behind_proxy, bob, password):
    answers = [attempt(client, "bob", "wrong", forwarded_for=ATTACKER).status_code for _ in range(5)]

    assert answers == [200, 200, 200, 200, 429]

    locked = attempt(client, "bob", password, forwarded_for=ATTACKER)
    from_elsewhere = attempt(client, "bob", password, forwarded_for=ELSEWHERE)

    assert locked.status_code == 429
    assert from_elsewhere.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_what_the_client_wrote_left_of_the_proxy_is_ignored(client, behind_proxy, bob, password):
    # The proxy appends the address it sees; the attacker may put anything in front of it.
    for n in range(5):
        attempt(client, "bob", "wrong", forwarded_for=f"192.0.2.{n}, {ATTACKER}")

    assert attempt(client, "bob", password, forwarded_for=f"192.0.2.77, {ATTACKER}").status_code == 429
    assert attempt(client, "bob", password, forwarded_for=ELSEWHERE).status_code == 302


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(client, behind_proxy, bob, password):
    for n in range(5):
        attempt(client, "bob", "wrong", via="192.0.2.9", forwarded_for=f"198.51.100.{n}")

    assert attempt(client, "bob", password, via="192.0.2.9", forwarded_for=ELSEWHERE).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.9"}
    # … and the victim behind the proxy is not locked out by it.
    assert attempt(client, "bob", password, forwarded_for=ELSEWHERE).status_code == 302


def test_without_trusted_proxies_the_header_is_never_read(client, bob, password):
    for n in range(5):
        attempt(client, "bob", "wrong", via="127.0.0.1", forwarded_for=f"198.51.100.{n}")

    assert attempt(client, "bob", password, via="127.0.0.1", forwarded_for=ELSEWHERE).status_code == 429


def test_twenty_failures_across_usernames_lock_the_address_for_everyone(client, behind_proxy, bob, password):
    for n in range(19):
        attempt(client, f"guess{n}", "wrong", forwarded_for=ATTACKER)
    assert attempt(client, "bob", password, forwarded_for=ATTACKER).status_code == 302  # 19: not yet

    twentieth = attempt(client, "guess19", "wrong", forwarded_for=ATTACKER)
    locked = attempt(client, "bob", password, forwarded_for=ATTACKER)

    assert twentieth.status_code == 429
    assert locked.status_code == 429
    assert 'data-testid="address-locked"' in locked.text
    assert "来自此地址的登录已暂停" in locked.text
    assert attempt(client, "bob", password, forwarded_for=ELSEWHERE).status_code == 302


def test_the_address_lock_ends_after_fifteen_minutes(client, behind_proxy, bob, password):
    for n in range(20):
        attempt(client, f"guess{n}", "wrong", forwarded_for=ATTACKER)
    assert attempt(client, "bob", password, forwarded_for=ATTACKER).status_code == 429

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert attempt(client, "bob", password, forwarded_for=ATTACKER).status_code == 302


def test_signing_in_to_ones_own_account_does_not_forget_guesses_at_others(client, behind_proxy, bob, password):
    UserFactory(username="mallory")
    for _ in range(4):
        attempt(client, "bob", "wrong", forwarded_for=ATTACKER)
    assert attempt(client, "mallory", password, forwarded_for=ATTACKER).status_code == 302

    attempt(client, "bob", "wrong", forwarded_for=ATTACKER)

    assert attempt(client, "bob", password, forwarded_for=ATTACKER).status_code == 429


@pytest.mark.parametrize(
    "peer, header, expected",
    [
        (ATTACKER, "", ATTACKER),  # straight from the internet
        (ATTACKER, "192.0.2.1", ATTACKER),  # not from a proxy: the header is the client's own words
        (PROXY, "", PROXY),  # the proxy's own request (a health check)
        (PROXY, ATTACKER, ATTACKER),
        (PROXY, f"192.0.2.1, {ATTACKER}", ATTACKER),
        (PROXY, f"192.0.2.1,{ATTACKER},10.0.0.3", ATTACKER),  # two proxies of ours
        (PROXY, "10.0.0.4, 10.0.0.3", "10.0.0.4"),  # a client inside the proxies' network
        (PROXY, f"{ATTACKER}:4711", ATTACKER),
        (PROXY, "[2001:db8::1]:4711", "2001:db8::1"),
        (PROXY, "2001:db8::1", "2001:db8::1"),
        (PROXY, f"::ffff:{ATTACKER}", ATTACKER),
        (PROXY, f"{ATTACKER}, unknown", PROXY),  # not an address: nothing left of it is believed
        ("2001:db8:ffff::5", ATTACKER, ATTACKER),
        (f"::ffff:{PROXY}", ATTACKER, ATTACKER),
        ("not an address", ATTACKER, None),
    ],
)
def test_client_address(behind_proxy, peer, header, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=header)

    assert client_ip(request) == expected


def test_client_address_header_is_configurable(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"

    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=ATTACKER, HTTP_X_FORWARDED_FOR=ELSEWHERE)

    assert client_ip(request) == ATTACKER


def test_trusted_proxies_come_from_the_environment(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import crm_project.settings as project_settings

    def settings_with(**environ):
        for name in ("TRUSTED_PROXIES", "CLIENT_IP_HEADER"):
            monkeypatch.delenv(name, raising=False)
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(project_settings)

    try:
        default = settings_with()
        assert (default.TRUSTED_PROXIES, default.CLIENT_IP_HEADER) == ([], "HTTP_X_FORWARDED_FOR")
        configured = settings_with(TRUSTED_PROXIES="10.0.0.1, 172.16.0.0/12 ,2001:db8::/32", CLIENT_IP_HEADER="HTTP_X_REAL_IP")
        assert configured.TRUSTED_PROXIES == ["10.0.0.1/32", "172.16.0.0/12", "2001:db8::/32"]
        assert configured.CLIENT_IP_HEADER == "HTTP_X_REAL_IP"
        with pytest.raises(ImproperlyConfigured):
            settings_with(TRUSTED_PROXIES="10.0.0.300")
    finally:
        monkeypatch.undo()
        importlib.reload(project_settings)
