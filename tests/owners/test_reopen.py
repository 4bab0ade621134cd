"""An owner or a defeated customer opened as a prospect again, through the pages."""

from datetime import date, datetime

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from followups.models import Task
from followups.services import followups_run_daily
from leads.models import Customer, CustomerChange
from owners.models import CareMilestone
from tests.owners.conftest import defeated, delivered

pytestmark = pytest.mark.django_db


def reopen_url(customer):
    return reverse("owners:customer_reopen", args=[customer.pk])


def test_owner_reopened_for_a_trade_in_keeps_vehicles_and_history(login, consultant):
    owner = delivered(consultant)
    statuses_before = owner.changes.filter(field=CustomerChange.Field.STATUS).count()
    client = login(consultant)
    assert client.get(reopen_url(owner)).status_code == 200
    response = client.post(reopen_url(owner), {"reason": "trade_in", "grade": "A"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.status, owner.grade) == (Customer.Status.ACTIVE, "A")
    assert owner.vehicles.count() == 1
    status = owner.changes.filter(field=CustomerChange.Field.STATUS).order_by("-pk").first()
    assert (status.old_value, status.new_value) == ("delivered", "active") and "置换" in status.note
    assert owner.changes.filter(field=CustomerChange.Field.STATUS).count() == statuses_before + 1
    assert owner.changes.filter(field=CustomerChange.Field.GRADE, new_value="A").exists()
    open_tasks = Task.objects.filter(customer=owner, kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING)
    assert open_tasks.count() == 1 and owner.next_followup_on == open_tasks.get().due_on
    # Still reachable as an owner card with its vehicle; listed as a prospect, not in the owner list.
    card = client.get(reverse("owners:owner_detail", args=[owner.pk]))
    assert card.status_code == 200 and 'data-testid="vehicle"' in card.content.decode()
    assert owner not in client.get(reverse("owners:owner_list")).context["page"].object_list


def test_reopening_refuses_bad_input_and_keeps_typed_values(login, consultant):
    owner = delivered(consultant)
    response = login(consultant).post(reopen_url(owner), {"reason": "second_car", "grade": "O"})
    assert response.status_code == 200 and "grade" in response.context["form"].errors
    assert response.context["form"]["reason"].value() == "second_car"
    owner.refresh_from_db()
    assert owner.status == Customer.Status.DELIVERED


def test_defeated_customer_reopened_cancels_revisits(login, consultant, showroom_manager):
    customer = defeated(consultant, showroom_manager)
    revisit = Task.objects.create(customer=customer, kind=Task.Kind.DEFEAT_REVISIT, due_on=timezone.localdate(),
                                  assignee=consultant, reason="回访")
    response = login(consultant).post(reopen_url(customer), {"reason": "conquest", "grade": "C"})
    assert response.status_code == 302
    customer.refresh_from_db()
    revisit.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE and revisit.status == Task.Status.CANCELLED
    assert Task.objects.filter(customer=customer, kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING).count() == 1


def test_reopen_is_404_for_another_team(login, consultant, other_consultant):
    owner = delivered(consultant)
    client = login(other_consultant)
    assert client.get(reopen_url(owner)).status_code == 404
    assert client.post(reopen_url(owner), {"reason": "trade_in", "grade": "A"}).status_code == 404
    owner.refresh_from_db()
    assert owner.status == Customer.Status.DELIVERED


def test_an_active_prospect_cannot_be_reopened(login, consultant):
    owner = delivered(consultant)
    client = login(consultant)
    client.post(reopen_url(owner), {"reason": "trade_in", "grade": "A"})
    response = client.post(reopen_url(owner), {"reason": "trade_in", "grade": "B"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.grade == "A"


def test_trade_in_care_task_offers_the_reopen_form(login, consultant):
    # given an owner whose car was delivered 36 months ago: the daily job makes the trade-in care task
    today = timezone.localdate()
    owner = delivered(consultant, delivered_on=today - relativedelta(months=36))
    followups_run_daily(day=today)
    task = Task.objects.get(customer=owner, kind=Task.Kind.CARE_MILESTONE, due_on=today)
    assert task.offers_trade_in  # copied from the milestone, not read from the text
    client = login(consultant)
    # then the owner card and the today page both offer the reopen form
    for url in (reverse("owners:owner_detail", args=[owner.pk]), reverse("followups:today")):
        page = client.get(url).content.decode()
        assert 'data-testid="trade-in-reopen"' in page
        assert f'{reopen_url(owner)}?reason=trade_in' in page
    form = client.get(reopen_url(owner), {"reason": "trade_in"}).context["form"]
    assert form["reason"].value() == "trade_in"


def test_the_trade_in_offer_is_the_milestones_flag_not_its_wording(login, consultant, sales_manager):
    # given the sales manager takes the offer off the 36-month step and puts it on the 12-month one
    today = timezone.localdate()
    CareMilestone.objects.filter(months=36, days=0).update(offers_trade_in=False)
    CareMilestone.objects.filter(months=12, days=0).update(offers_trade_in=True)
    worded = delivered(consultant, delivered_on=today - relativedelta(months=36))  # purpose still says 置换
    flagged = delivered(consultant, delivered_on=today - relativedelta(months=12))
    # when
    followups_run_daily(day=today)
    # then only the flagged step's task offers it, on the card and on the today page
    client = login(consultant)
    assert "置换" in Task.objects.get(customer=worded, kind=Task.Kind.CARE_MILESTONE).reason
    assert 'data-testid="trade-in-reopen"' not in client.get(reverse("owners:owner_detail", args=[worded.pk])).content.decode()
    assert 'data-testid="trade-in-reopen"' in client.get(reverse("owners:owner_detail", args=[flagged.pk])).content.decode()
    today_page = client.get(reverse("followups:today")).content.decode()
    assert today_page.count('data-testid="trade-in-reopen"') == 1 and reopen_url(flagged) in today_page


def test_the_shipped_trade_in_milestones_are_36_48_and_60_months():
    assert sorted(CareMilestone.objects.filter(offers_trade_in=True).values_list("months", flat=True)) == [36, 48, 60]


def test_the_care_plan_page_edits_the_trade_in_offer(login, sales_manager):
    client = login(sales_manager)
    formset = client.get(reverse("owners:milestone_edit")).context["formset"]
    data = {"form-TOTAL_FORMS": formset.initial_form_count(), "form-INITIAL_FORMS": formset.initial_form_count(),
            "form-MIN_NUM_FORMS": 0, "form-MAX_NUM_FORMS": 1000}
    for i, form in enumerate(formset.initial_forms):
        milestone = form.instance
        data.update({f"form-{i}-id": milestone.pk, f"form-{i}-months": milestone.months, f"form-{i}-days": milestone.days,
                     f"form-{i}-kind": milestone.kind, f"form-{i}-purpose": milestone.purpose, f"form-{i}-is_active": "on"})
        if milestone.months in (24, 36):  # 24 gains the offer, 48 and 60 lose it
            data[f"form-{i}-offers_trade_in"] = "on"
    response = client.post(reverse("owners:milestone_edit"), data)
    assert response.status_code == 302
    assert sorted(CareMilestone.objects.filter(offers_trade_in=True).values_list("months", flat=True)) == [24, 36]


@pytest.mark.parametrize("how", ["owner_reopen", "defeated_reactivate"])
def test_a_reopened_customers_first_follow_up_counts_from_the_reopen_day(login, consultant, showroom_manager, how):
    # given a card whose contacts are two years old
    with time_machine.travel(timezone.make_aware(datetime(2024, 3, 1, 10)), tick=False):
        if how == "owner_reopen":
            customer = delivered(consultant, delivered_on=date(2024, 3, 1))
        else:
            customer = defeated(consultant, showroom_manager)
        Customer.objects.filter(pk=customer.pk).update(last_contact_on=date(2024, 3, 1))
    # when it is opened as a prospect again today (B: first follow-up within 7 days in the SVW preset)
    with time_machine.travel(timezone.make_aware(datetime(2026, 3, 11, 10)), tick=False):
        client = login(consultant)
        if how == "owner_reopen":
            response = client.post(reopen_url(customer), {"reason": "second_car", "grade": "B"})
        else:
            Customer.objects.filter(pk=customer.pk).update(grade="B")
            response = client.post(reverse("owners:defeated_reactivate", args=[customer.pk]))
        assert response.status_code == 302
        # then the first task is a first contact due seven days from today, not overdue
        task = Task.objects.get(customer=customer, kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING)
        customer.refresh_from_db()
        assert (task.kind, task.due_on, task.status) == (Task.Kind.FIRST_CONTACT, date(2026, 3, 18), Task.Status.OPEN)
        assert customer.next_followup_on == date(2026, 3, 18)
        assert task not in client.get(reverse("followups:today")).context["overdue_page"].object_list
        # and a regrade before the first contact still counts from the reopen day (H: within a day)
        assert client.post(reverse("leads:customer_regrade", args=[customer.pk]), {"grade": "H"}).status_code == 302
        task.refresh_from_db()
        assert (task.due_on, task.status) == (date(2026, 3, 12), Task.Status.OPEN)
        # the daily job leaves it as it is
        followups_run_daily(day=date(2026, 3, 11))
        task.refresh_from_db()
        assert (task.due_on, task.status) == (date(2026, 3, 12), Task.Status.OPEN)
