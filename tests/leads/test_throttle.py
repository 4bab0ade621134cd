"""The F/S lookup and the searches are limited per user: reception cannot enumerate phone numbers."""

import uuid

import pytest
from django.urls import reverse

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rates(settings):
    settings.LOOKUP_RATE = "5/m"
    settings.SEARCH_RATE = "5/m"
    settings.RATELIMIT_CACHE_PREFIX = f"rl-{uuid.uuid4().hex}:"  # this test's own counts (the cache is shared)


def test_reception_gets_a_clear_refusal_after_too_many_lookups_in_a_minute(login, reception, consultant):
    CustomerFactory(phone="13912345678", consultant=consultant)
    client = login(reception)
    marks = [client.post(reverse("leads:phone_lookup"), {"phone": f"1391234567{n}"}).content.decode() for n in range(5)]
    refused = client.post(reverse("leads:phone_lookup"), {"phone": "13912345678"}).content.decode()

    assert all('data-testid="phone-mark"' in mark for mark in marks)
    assert "Too many lookups" in refused or "查询过于频繁" in refused
    assert 'data-testid="phone-mark"' not in refused  # not even an S for a known phone


def test_the_limit_is_per_user(login, reception, consultant):
    client = login(reception)
    for n in range(6):
        client.post(reverse("leads:phone_lookup"), {"phone": f"1391234567{n}"})

    other = login(consultant).post(reverse("leads:phone_lookup"), {"phone": "13912345670"}).content.decode()
    assert 'data-testid="phone-mark"' in other


def test_the_phone_is_never_in_the_lookups_url(login, reception):
    assert login(reception).get(reverse("leads:phone_lookup"), {"phone": "13912345678"}).status_code == 405


def test_too_many_searches_show_the_list_without_the_search(login, consultant):
    CustomerFactory(name="王小明", consultant=consultant)
    CustomerFactory(name="李四", consultant=consultant)
    client = login(consultant)
    for _ in range(5):
        assert "search-refused" not in client.get(reverse("leads:customer_list"), {"q": "王"}).content.decode()

    response = client.get(reverse("leads:customer_list"), {"q": "王"})

    assert 'data-testid="search-refused"' in response.content.decode()
    assert response.context["page"].paginator.count == 2
