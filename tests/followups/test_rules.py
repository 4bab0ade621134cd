"""Each preset's cadence on concrete dates (docs/domain.md, "Grades")."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from followups.models import RuleSet, Task
from followups.rules import Cadence, next_due
from followups.services import rule_set_activate
from leads.services import contact_log, customer_regrade
from tests.factories import prospect_create

TODAY = date(2026, 3, 2)  # a Monday

SVW = {"O": Cadence(None, 1, 7), "H": Cadence(1, 1, 2), "A": Cadence(3, 2, 3), "B": Cadence(7, 1, 4), "C": Cadence(15, 1, 7), "N": Cadence(30, 1, 15)}


@pytest.mark.parametrize(
    "grade, first_due, after_followup_on_first_due",
    [
        ("H", date(2026, 3, 3), date(2026, 3, 5)),
        ("A", date(2026, 3, 5), date(2026, 3, 6)),
        ("B", date(2026, 3, 9), date(2026, 3, 13)),
        ("C", date(2026, 3, 17), date(2026, 3, 24)),
        ("N", date(2026, 4, 1), date(2026, 4, 16)),
        ("O", date(2026, 3, 9), date(2026, 3, 16)),
    ],
)
def test_svw_first_deadline_and_repeat(grade, first_due, after_followup_on_first_due):
    first = next_due(SVW[grade], first_contact=TODAY, last_followup=None, today=TODAY)
    then = next_due(SVW[grade], first_contact=TODAY, last_followup=first.on, today=first.on)

    assert (first.on, first.kind) == (first_due, "first_contact")
    assert (then.on, then.kind) == (after_followup_on_first_due, "cadence")


def test_appointment_wins_over_the_rule_date():
    due = next_due(SVW["C"], first_contact=TODAY, last_followup=None, appointment=date(2026, 3, 20), today=TODAY)

    assert (due.on, due.kind) == (date(2026, 3, 20), "appointment")


def test_a_past_appointment_is_ignored():
    due = next_due(SVW["H"], first_contact=TODAY, last_followup=TODAY, appointment=date(2026, 3, 1), today=TODAY)

    assert due.on == date(2026, 3, 4)


def test_consultant_may_bring_the_date_forward_but_not_past_the_rule():
    """Earlier always; later only as a postponement (a reason given), and at most a year ahead."""
    earlier = next_due(SVW["C"], first_contact=TODAY, last_followup=TODAY, requested=date(2026, 3, 4), today=TODAY)
    later = next_due(SVW["C"], first_contact=TODAY, last_followup=TODAY, requested=date(2026, 4, 30), today=TODAY)
    postponed = next_due(
        SVW["C"], first_contact=TODAY, last_followup=TODAY, requested=date(2026, 4, 30), postponed=True, today=TODAY
    )
    too_far = next_due(
        SVW["C"], first_contact=TODAY, last_followup=TODAY, requested=date(2028, 1, 1), postponed=True, today=TODAY
    )
    earlier_with_reason = next_due(
        SVW["C"], first_contact=TODAY, last_followup=TODAY, requested=date(2026, 3, 4), postponed=True, today=TODAY
    )

    assert (earlier.on, earlier.postponed) == (date(2026, 3, 4), False)
    assert (later.on, later.postponed) == (date(2026, 3, 9), False)
    assert (postponed.on, postponed.kind, postponed.postponed) == (date(2026, 4, 30), "cadence", True)
    assert (too_far.on, too_far.postponed) == (TODAY + timedelta(days=365), True)
    assert (earlier_with_reason.on, earlier_with_reason.postponed) == (date(2026, 3, 4), False)


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=timezone.get_default_timezone()), tick=False)
def test_new_h_prospect_is_due_within_24_hours_and_contact_moves_it_along_the_a_cadence(consultant):
    customer = prospect_create(consultant=consultant, grade="H")
    task = Task.objects.get(customer=customer, status="open")
    assert (task.kind, task.due_on) == ("first_contact", date(2026, 3, 3))

    contact = contact_log(
        customer=customer, by=consultant, contacted_at=timezone.now(), method="phone",
        content="called", grade_after="A",
    )

    task.refresh_from_db()
    customer.refresh_from_db()
    assert (task.status, task.contact) == ("done", contact)
    new_task = Task.objects.get(customer=customer, status="open")
    assert (new_task.kind, new_task.due_on) == ("cadence", date(2026, 3, 3))
    assert (customer.grade, customer.next_followup_on) == ("A", date(2026, 3, 3))
    assert list(customer.changes.filter(field="grade").values_list("old_value", "new_value")) == [("H", "A"), ("", "H")]


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=timezone.get_default_timezone()), tick=False)
def test_grade_change_recomputes_the_open_task(consultant):
    customer = prospect_create(consultant=consultant, grade="C")

    customer_regrade(customer=customer, grade="H", by=consultant)

    task = Task.objects.get(customer=customer, status="open")
    assert task.due_on == date(2026, 3, 3)
    assert Task.objects.filter(customer=customer).count() == 1


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=timezone.get_default_timezone()), tick=False)
def test_activating_lotus_recomputes_open_prospects(consultant):
    customer = prospect_create(consultant=consultant, grade="A")
    assert customer.next_followup_on == date(2026, 3, 5)

    rule_set_activate(rule_set=RuleSet.objects.get(name="Lotus"), by=consultant)

    customer.refresh_from_db()
    assert customer.next_followup_on == date(2026, 3, 6)
    assert Task.objects.get(customer=customer, status="open").due_on == date(2026, 3, 6)


@pytest.mark.parametrize(
    "days_contacted, next_on",
    [
        ([date(2026, 3, 5)], date(2026, 3, 6)),  # one contact so far: per_days // times
        ([date(2026, 3, 6), date(2026, 3, 5)], date(2026, 3, 8)),  # 5th and 6th: the 3-day window from the 6th
        ([date(2026, 3, 8), date(2026, 3, 6), date(2026, 3, 5)], date(2026, 3, 9)),
        ([date(2026, 3, 9), date(2026, 3, 8), date(2026, 3, 6)], date(2026, 3, 11)),
    ],
)
def test_svw_a_twice_every_three_days_alternates_gaps_of_one_and_two_days(days_contacted, next_on):
    last, *earlier = days_contacted

    due = next_due(SVW["A"], first_contact=TODAY, last_followup=last, earlier_followups=tuple(earlier), today=last)

    assert (due.on, due.kind) == (next_on, "cadence")


def test_every_three_day_window_of_an_a_prospect_followed_as_due_holds_two_contacts():
    contacted = [date(2026, 3, 5)]
    while contacted[-1] < date(2026, 4, 5):
        last, earlier = contacted[-1], tuple(reversed(contacted[:-1]))
        contacted.append(next_due(SVW["A"], first_contact=TODAY, last_followup=last, earlier_followups=earlier, today=last).on)

    windows = [sum(start <= day < start + timedelta(days=3) for day in contacted)
               for start in (date(2026, 3, 5) + timedelta(days=n) for n in range(28))]
    assert min(windows) == 2 and len(contacted) < 25  # two per 3 days (about 21 in a month), not daily (32)


@pytest.mark.django_db
def test_an_a_prospect_contacted_two_days_running_is_next_due_two_days_later(consultant):
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=timezone.get_default_timezone()), tick=False):
        customer = prospect_create(consultant=consultant, grade="A")
    for day in (3, 4):
        with time_machine.travel(datetime(2026, 3, day, 10, 0, tzinfo=timezone.get_default_timezone()), tick=False):
            contact_log(customer=customer, by=consultant, contacted_at=timezone.now(), method="phone",
                        content="跟进", grade_after="A")

    customer.refresh_from_db()
    assert customer.next_followup_on == date(2026, 3, 6)  # the window of 3 days from the 3rd holds 3rd and 4th
