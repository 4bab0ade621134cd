"""Stuck prospects: contacted 3+ times without a grade change, or past the purchase window."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from followups.selectors import filter_stuck
from leads.models import Contact, Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 11)


def _contact(customer, day: date, grade: str) -> Contact:
    return Contact.objects.create(
        customer=customer, contacted_at=timezone.make_aware(datetime(day.year, day.month, day.day, 10)),
        method=Contact.Method.PHONE, content="跟进", grade_after=grade, consultant=customer.consultant,
    )


def _stuck_ids(today=TODAY) -> set[int]:
    return set(filter_stuck(Customer.objects.all(), today=today).values_list("pk", flat=True))


def test_three_contacts_since_the_last_grade_change_make_a_prospect_stuck(consultant):
    # given: graded B on 03-01, contacted three times since, still B
    customer = CustomerFactory(consultant=consultant, grade="B", graded_on=date(2026, 3, 1))
    for day in (date(2026, 3, 1), date(2026, 3, 4), date(2026, 3, 8)):
        _contact(customer, day, "B")
    # then
    assert _stuck_ids() == {customer.pk}


def test_two_contacts_or_contacts_before_the_grade_change_do_not(consultant):
    # given: two contacts since the change, plus older ones under the previous grade and before the change
    customer = CustomerFactory(consultant=consultant, grade="B", graded_on=date(2026, 3, 5))
    _contact(customer, date(2026, 3, 1), "C")
    _contact(customer, date(2026, 3, 3), "B")  # before graded_on
    _contact(customer, date(2026, 3, 5), "B")
    _contact(customer, date(2026, 3, 9), "B")
    # then
    assert _stuck_ids() == set()


@pytest.mark.parametrize(
    "grade, days_since_graded, stuck",
    [
        ("H", 7, False), ("H", 8, True),
        ("A", 15, False), ("A", 16, True),
        ("B", 30, False), ("B", 31, True),
        ("C", 90, False), ("C", 91, True),
        ("N", 400, False),
    ],
)
def test_a_prospect_past_its_grades_purchase_window_is_stuck(consultant, grade, days_since_graded, stuck):
    # given
    customer = CustomerFactory(consultant=consultant, grade=grade, graded_on=TODAY - timedelta(days=days_since_graded))
    # then
    assert (customer.pk in _stuck_ids()) is stuck


def test_an_ordered_customer_is_never_stuck(consultant):
    # given: graded H long ago but has ordered (grade O, status ordered) or still H but ordered
    customer = CustomerFactory(
        consultant=consultant, grade="H", graded_on=date(2026, 1, 1), status=Customer.Status.ORDERED
    )
    for day in (date(2026, 1, 2), date(2026, 1, 3), date(2026, 1, 4)):
        _contact(customer, day, "H")
    # then
    assert _stuck_ids() == set()


def test_contact_late_in_the_evening_counts_on_its_local_day(consultant):
    # given: graded on 03-05; a contact at 23:30 Shanghai time on 03-04 is 15:30 UTC, before the change
    customer = CustomerFactory(consultant=consultant, grade="A", graded_on=date(2026, 3, 5))
    Contact.objects.create(
        customer=customer, contacted_at=timezone.make_aware(datetime(2026, 3, 4, 23, 30)),
        method=Contact.Method.PHONE, content="晚间", grade_after="A", consultant=consultant,
    )
    _contact(customer, date(2026, 3, 6), "A")
    _contact(customer, date(2026, 3, 8), "A")
    assert _stuck_ids() == set()
    # when a third contact after the change comes
    _contact(customer, date(2026, 3, 10), "A")
    # then
    assert _stuck_ids() == {customer.pk}
