"""The H-grade list as the week's commitment (issue 13): putting customers on and taking them off, who
may, signed against expected, the hit rate, and past weeks kept as committed."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from followups.models import HListEntry
from followups.services import h_list_entry_add
from leads.models import CarModel, Customer
from leads.services import customer_regrade, order_cancel, order_record
from staff.services import customers_handover
from tests.factories import prospect_create

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 9)  # the week of the frozen today, Wed 2026-03-11
LAST_MONDAY = date(2026, 3, 2)
ADD = "followups:h_list_add"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def commit(customer, *, by, week=MONDAY, expected=date(2026, 3, 13), today=date(2026, 3, 11), **fields):
    return h_list_entry_add(customer=customer, week_start=week, expected_on=expected, by=by, today=today, **fields)


def committed_last_week(customer, *, by, expected=date(2026, 3, 6), **fields):
    """Put on last week's list while it was open (on Monday 03-02)."""
    return commit(customer, by=by, week=LAST_MONDAY, expected=expected, today=LAST_MONDAY, **fields)


def sign(customer, *, on, by=None):
    return order_record(customer=customer, by=by or customer.consultant, fields={"ordered_on": on, "car_model": CarModel.objects.first()})


def group(response, username):
    return next(g for g in response.context["groups"] if g.consultant.username == username)


# --- putting customers on the list ---------------------------------------------------------------


def test_manager_puts_an_h_prospect_on_the_week_stamped_with_holder_and_grade(login, showroom_manager, consultant, frozen_today):
    # given
    customer = prospect_create(consultant=consultant, grade="H", name="王H")
    client = login(showroom_manager)
    # when
    form = client.get(reverse(ADD), {"week": "2026-03-11", "consultant": consultant.pk})
    response = client.post(reverse(ADD), {"week": "2026-03-09", "consultant": consultant.pk, "customer": customer.pk,
                                          "expected_on": "2026-03-14", "note": "周六带家人来"}, follow=True)
    # then
    assert "王H" in form.content.decode()
    entry = HListEntry.objects.get()
    assert (entry.week_start, entry.consultant, entry.grade, entry.expected_on, entry.note, entry.added_by) == (
        MONDAY, consultant, "H", date(2026, 3, 14), "周六带家人来", showroom_manager)
    assert "王H is on the H-grade list of the week of 2026-03-09." in response.content.decode()
    assert entry.history.get().history_type == "+"


def test_an_a_prospect_needs_a_reason_and_the_typed_values_are_kept(login, showroom_manager, consultant, frozen_today):
    # given
    customer = prospect_create(consultant=consultant, grade="A", name="赵A")
    client = login(showroom_manager)
    data = {"week": "2026-03-09", "consultant": consultant.pk, "customer": customer.pk, "expected_on": "2026-03-15",
            "note": "竞品涨价"}
    # when
    refused = client.post(reverse(ADD), data)
    # then
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Say why this A-grade prospect is expected to sign this week." in body
    assert 'value="2026-03-15"' in body and "竞品涨价" in body
    assert f'<option value="{customer.pk}" selected>' in body
    assert not HListEntry.objects.exists()
    # and with the reason it is taken, stamped A
    client.post(reverse(ADD), {**data, "reason": "贷款已批"})
    entry = HListEntry.objects.get()
    assert (entry.grade, entry.reason) == ("A", "贷款已批")


@pytest.mark.parametrize(
    "expected, message",
    [("2026-03-10", "The expected signing day must be between 2026-03-11 and 2026-03-22."),
     ("2026-03-23", "The expected signing day must be between 2026-03-11 and 2026-03-22.")],
)
def test_the_expected_day_falls_in_or_just_after_the_week(login, showroom_manager, consultant, frozen_today, expected, message):
    customer = prospect_create(consultant=consultant, grade="H")
    response = login(showroom_manager).post(reverse(ADD), {"week": "2026-03-09", "customer": customer.pk, "expected_on": expected})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert f'value="{expected}"' in response.content.decode()
    assert not HListEntry.objects.exists()


def test_only_active_h_or_a_prospects_and_once_a_week(login, showroom_manager, consultant, frozen_today):
    # given
    b_grade = prospect_create(consultant=consultant, grade="B")
    h_grade = prospect_create(consultant=consultant, grade="H", name="钱H")
    commit(h_grade, by=showroom_manager)
    client = login(showroom_manager)
    # when
    b_refused = client.post(reverse(ADD), {"week": "2026-03-09", "customer": b_grade.pk, "expected_on": "2026-03-13"})
    twice = client.post(reverse(ADD), {"week": "2026-03-09", "customer": h_grade.pk, "expected_on": "2026-03-13"})
    # then
    assert "Only an active H or A prospect can be put on the H-grade list." in b_refused.content.decode()
    assert "钱H is already on the H-grade list of the week of 2026-03-09." in twice.content.decode()
    assert HListEntry.objects.count() == 1


def test_next_week_may_be_committed_but_not_later_nor_a_past_week(login, showroom_manager, consultant, frozen_today):
    # given
    customer = prospect_create(consultant=consultant, grade="H")
    client = login(showroom_manager)
    # when
    past = client.post(reverse(ADD), {"week": "2026-03-02", "customer": customer.pk, "expected_on": "2026-03-11"})
    later = client.post(reverse(ADD), {"week": "2026-03-23", "customer": customer.pk, "expected_on": "2026-03-24"})
    next_week = client.post(reverse(ADD), {"week": "2026-03-16", "customer": customer.pk, "expected_on": "2026-03-20"})
    # then
    assert past.status_code == 400
    assert "The week of 2026-03-02 is over: its H-grade list stays as it was committed." in past.content.decode()
    assert "Customers are put on this week&#x27;s or next week&#x27;s H-grade list." in later.content.decode()
    assert next_week.status_code == 302
    assert list(HListEntry.objects.values_list("week_start", flat=True)) == [date(2026, 3, 16)]


# --- who may -------------------------------------------------------------------------------------


def test_consultant_proposes_their_own_customers_only(login, consultant, teammate, frozen_today):
    # given
    mine = prospect_create(consultant=consultant, grade="H", name="我的H")
    teammates = prospect_create(consultant=teammate, grade="H", name="同事H")
    client = login(consultant)
    # when
    form = client.get(reverse(ADD), {"week": "2026-03-09"})
    other = client.post(reverse(ADD), {"week": "2026-03-09", "customer": teammates.pk, "expected_on": "2026-03-13"})
    own = client.post(reverse(ADD), {"week": "2026-03-09", "customer": mine.pk, "expected_on": "2026-03-13"})
    # then
    assert "我的H" in form.content.decode() and "同事H" not in form.content.decode()
    assert other.status_code == 404
    assert own.status_code == 302
    assert HListEntry.objects.get().added_by == consultant
    assert client.get(reverse(ADD), {"week": "2026-03-09", "consultant": teammate.pk}).status_code == 200  # the picker is ignored: their own


def test_another_teams_customer_or_entry_answers_404(login, showroom_manager, other_consultant, other_manager, frozen_today):
    # given
    theirs = prospect_create(consultant=other_consultant, grade="H")
    entry = commit(theirs, by=other_manager)
    client = login(showroom_manager)
    # when / then
    assert client.post(reverse(ADD), {"week": "2026-03-09", "customer": theirs.pk, "expected_on": "2026-03-13"}).status_code == 404
    assert client.get(reverse(ADD), {"week": "2026-03-09", "consultant": other_consultant.pk}).status_code == 404
    assert client.get(reverse("followups:h_list_entry_edit", args=[entry.pk])).status_code == 404
    assert client.post(reverse("followups:h_list_entry_remove", args=[entry.pk])).status_code == 404
    assert HListEntry.objects.filter(pk=entry.pk).exists()


def test_consultant_changes_only_what_they_put_on(login, showroom_manager, consultant, frozen_today):
    # given
    by_manager = commit(prospect_create(consultant=consultant, grade="H"), by=showroom_manager)
    by_self = commit(prospect_create(consultant=consultant, grade="H"), by=consultant)
    client = login(consultant)
    # when / then
    assert client.post(reverse("followups:h_list_entry_remove", args=[by_manager.pk])).status_code == 404
    assert client.post(reverse("followups:h_list_entry_edit", args=[by_self.pk]),
                       {"expected_on": "2026-03-15", "reason": ""}).status_code == 302
    assert client.post(reverse("followups:h_list_entry_remove", args=[by_self.pk])).status_code == 302
    assert list(HListEntry.objects.all()) == [by_manager]


def test_reception_may_not_commit(login, reception):
    assert login(reception).get(reverse(ADD)).status_code == 404


# --- changing and taking off ---------------------------------------------------------------------


def test_manager_moves_the_expected_day_and_takes_a_customer_off(login, showroom_manager, consultant, frozen_today):
    # given
    entry = commit(prospect_create(consultant=consultant, grade="H", name="孙H"), by=consultant)
    client = login(showroom_manager)
    # when
    bad = client.post(reverse("followups:h_list_entry_edit", args=[entry.pk]), {"expected_on": "2026-03-01", "note": "再谈"})
    client.post(reverse("followups:h_list_entry_edit", args=[entry.pk]), {"expected_on": "2026-03-12", "note": "周四签"})
    entry.refresh_from_db()
    moved = (entry.expected_on, entry.note)
    removed = client.post(reverse("followups:h_list_entry_remove", args=[entry.pk]), follow=True)
    # then
    assert bad.status_code == 400 and "再谈" in bad.content.decode()
    assert moved == (date(2026, 3, 12), "周四签")
    assert "孙H was taken off the H-grade list." in removed.content.decode()
    assert not HListEntry.objects.exists()
    assert [h.history_type for h in HListEntry.history.order_by("history_id")] == ["+", "~", "-"]
    assert HListEntry.history.order_by("history_id").last().history_user == showroom_manager


def test_a_past_week_is_frozen(login, showroom_manager, consultant, frozen_today):
    # given
    entry = committed_last_week(prospect_create(consultant=consultant, grade="H"), by=showroom_manager)
    client = login(showroom_manager)
    # when
    removed = client.post(reverse("followups:h_list_entry_remove", args=[entry.pk]), follow=True)
    edited = client.post(reverse("followups:h_list_entry_edit", args=[entry.pk]), {"expected_on": "2026-03-12"})
    page = client.get(reverse("followups:h_list"), {"week": "2026-03-02"})
    # then
    assert "The week of 2026-03-02 is over: its H-grade list stays as it was committed." in removed.content.decode()
    assert "The week of 2026-03-02 is over" in edited.content.decode()
    assert HListEntry.objects.get().expected_on == date(2026, 3, 6)
    assert group(page, "alice").entries[0].may_change is False
    assert 'data-testid="add-alice"' not in page.content.decode()


# --- signed against expected, the hit rate ----------------------------------------------------------


def test_signed_is_an_order_in_the_week_not_cancelled(login, showroom_manager, consultant, frozen_today):
    # given: one signed this week, one whose order is cancelled, one signed before the week, one not yet
    signed = prospect_create(consultant=consultant, grade="H")
    cancelled = prospect_create(consultant=consultant, grade="H")
    early = prospect_create(consultant=consultant, grade="H")
    waiting = prospect_create(consultant=consultant, grade="A")
    for customer in (signed, cancelled, early):
        commit(customer, by=showroom_manager)
    commit(waiting, by=showroom_manager, reason="贷款已批")
    sign(signed, on=date(2026, 3, 10))
    order_cancel(order=sign(cancelled, on=date(2026, 3, 9)), by=consultant, reason="资金", deposit_refunded=True, grade="A")
    sign(early, on=date(2026, 3, 8))
    # when
    response = login(showroom_manager).get(reverse("followups:h_list"))
    # then
    alice = group(response, "alice")
    assert {e.customer_id: e.signed_on for e in alice.entries} == {
        signed.pk: date(2026, 3, 10), cancelled.pk: None, early.pk: None, waiting.pk: None}
    assert (alice.week.committed, alice.week.signed) == (4, 1)
    assert (response.context["week"].total.committed, response.context["week"].total.signed) == (4, 1)
    row = response.content.decode()
    assert "✓ 03-10" in row and "1 / 4" in row


def test_hit_rate_over_the_last_weeks_is_signed_over_committed(login, showroom_manager, consultant, teammate):
    # given: alice committed 2 a week for five weeks (03-02 back to 02-02), signing one in each of the
    # last four; amy committed one, twice ordered that week (never counted twice)
    weeks = [date(2026, 2, 2), date(2026, 2, 9), date(2026, 2, 16), date(2026, 2, 23), date(2026, 3, 2)]
    for week in weeks:
        with time_machine.travel(timezone.make_aware(timezone.datetime.combine(week, timezone.datetime.min.time()).replace(hour=9)), tick=False):
            hit = prospect_create(consultant=consultant, grade="H")
            miss = prospect_create(consultant=consultant, grade="H")
            commit(hit, by=showroom_manager, week=week, expected=week, today=week)
            commit(miss, by=showroom_manager, week=week, expected=week, today=week)
            if week != weeks[0]:
                sign(hit, on=week)
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 3, 2, 10)), tick=False):
        twice = prospect_create(consultant=teammate, grade="H")
        commit(twice, by=showroom_manager, week=LAST_MONDAY, expected=LAST_MONDAY, today=LAST_MONDAY)
        first = sign(twice, on=LAST_MONDAY)
        order_cancel(order=first, by=teammate, reason="换颜色", deposit_refunded=False, grade="H")
        sign(twice, on=date(2026, 3, 3))
    # when: the list of the week of 03-02, seen on 03-09
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 3, 9, 9)), tick=False):
        response = login(showroom_manager).get(reverse("followups:h_list"), {"week": "2026-03-02"})
    # then
    alice, amy = group(response, "alice"), group(response, "amy")
    assert (alice.rates[4].committed, alice.rates[4].signed, alice.rates[4].percent) == (8, 4, 50)
    assert (alice.rates[8].committed, alice.rates[8].signed, alice.rates[8].percent) == (10, 4, 40)
    assert (amy.rates[4].committed, amy.rates[4].signed, amy.rates[4].percent) == (1, 1, 100)
    assert 'data-testid="summary-alice"' in response.content.decode()


# --- a past week shows what was committed then ------------------------------------------------------


def test_past_week_is_unchanged_after_a_regrade_and_a_handover(login, showroom_manager, consultant, other_consultant, other_manager, sales_manager, frozen_today):
    # given: committed last week as alice's H prospect, then regraded B and handed over to another team
    customer = prospect_create(consultant=consultant, grade="H", name="周H")
    committed_last_week(customer, by=showroom_manager)
    customer_regrade(customer=customer, grade="B", by=consultant)
    customers_handover(customers=Customer.objects.filter(pk=customer.pk), to=[other_consultant], reason="workload", by=sales_manager)
    # when
    mine = login(showroom_manager).get(reverse("followups:h_list"), {"week": "2026-03-02"})
    theirs = login(other_manager).get(reverse("followups:h_list"), {"week": "2026-03-02"})
    everyone = login(sales_manager).get(reverse("followups:h_list"), {"week": "2026-03-02"})
    # then
    entry = group(mine, "alice").entries[0]
    assert (entry.customer_id, entry.grade, entry.consultant) == (customer.pk, "H", consultant)
    assert "周H" in mine.content.decode() and "handed over" in mine.content.decode()
    assert not group(theirs, "charlie").entries
    shown = group(everyone, "alice").entries[0]
    assert (shown.grade, shown.customer.grade) == ("H", "B")
