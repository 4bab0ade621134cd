"""The performance fixes found by `make bench` keep the pages' behaviour."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from leads import paging
from leads.models import Contact
from reports.periods import local_days
from tests.factories import prospect_create

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def few_rows(monkeypatch):
    monkeypatch.setattr(paging.CappedPaginator, "max_rows", 3)


def test_customer_list_counts_exactly_up_to_the_cap(db, login, consultant, few_rows):
    for _ in range(3):
        prospect_create(consultant=consultant)

    response = login(consultant).get(reverse("leads:customer_list"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.context["page"].paginator.count == 3
    assert not response.context["page"].paginator.capped
    assert "More than" not in response.content.decode()


def test_customer_list_past_the_cap_says_more_than_and_stops_paging(db, login, consultant, settings, few_rows):
    settings.PAGE_SIZE = 2
    for _ in range(5):
        prospect_create(consultant=consultant)
    client = login(consultant)

    response = client.get(reverse("leads:customer_list"), HTTP_ACCEPT_LANGUAGE="en")
    deepest = client.get(reverse("leads:customer_list"), {"page": 99})

    assert response.context["page"].paginator.capped
    assert "More than 3 customers" in response.content.decode()
    assert response.context["page"].paginator.num_pages == 2
    assert deepest.context["page"].number == 2  # no OFFSET past the cap


def test_local_days_keeps_a_late_evening_contact_on_its_local_day(db, consultant):
    customer = prospect_create(consultant=consultant)
    day = date(2026, 3, 31)
    late = Contact.objects.create(customer=customer, contacted_at=datetime(2026, 3, 31, 23, 30, tzinfo=SHANGHAI),
                                  method="phone", content="x", grade_after="B", consultant=consultant)
    next_day = Contact.objects.create(customer=customer, contacted_at=datetime(2026, 4, 1, 0, 0, tzinfo=SHANGHAI),
                                      method="phone", content="x", grade_after="B", consultant=consultant)

    in_march = Contact.objects.filter(local_days("contacted_at", date(2026, 3, 1), day))

    assert late in in_march and next_day not in in_march


def test_today_page_shows_an_appointment_of_the_local_day_only(db, login, consultant):
    with time_machine.travel(datetime(2026, 3, 11, 9, 0, tzinfo=SHANGHAI), tick=False):
        today_early = prospect_create(consultant=consultant)
        tomorrow_early = prospect_create(consultant=consultant)
        today_early.appointment_at = datetime(2026, 3, 11, 0, 30, tzinfo=SHANGHAI)  # still 10 March in UTC
        tomorrow_early.appointment_at = datetime(2026, 3, 12, 0, 30, tzinfo=SHANGHAI)
        today_early.save(update_fields=["appointment_at"])
        tomorrow_early.save(update_fields=["appointment_at"])

        response = login(consultant).get(reverse("followups:today"))

    assert [c.pk for c in response.context["lists"].appointments] == [today_early.pk]
    assert timedelta(0) < today_early.appointment_at - datetime(2026, 3, 10, 16, 0, tzinfo=ZoneInfo("UTC"))
