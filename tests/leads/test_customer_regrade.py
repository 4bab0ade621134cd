"""Regrade: the grade changes with a note, the history records it, the next follow-up moves."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from followups.models import Task
from leads.models import CustomerChange
from tests.factories import prospect_create

pytestmark = pytest.mark.django_db


def regrade_url(customer):
    return reverse("leads:customer_regrade", args=[customer.pk])


@time_machine.travel(date(2026, 3, 10), tick=False)
def test_regrade_records_history_and_moves_the_follow_up(login, consultant):
    customer = prospect_create(consultant=consultant, grade="C", first_contact_on=date(2026, 3, 10))
    due_before = customer.next_followup_on
    response = login(consultant).post(regrade_url(customer), {"grade": "H", "note": "Ready to buy"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.grade == "H"
    change = CustomerChange.objects.get(customer=customer, field="grade", new_value="H")
    assert (change.old_value, change.note, change.changed_by) == ("C", "Ready to buy", consultant)
    task = Task.objects.get(customer=customer, status__in=Task.PENDING)
    assert task.due_on < due_before


def test_regrade_page_shows_the_criteria(login, consultant):
    customer = prospect_create(consultant=consultant)
    response = login(consultant).get(regrade_url(customer))
    assert response.status_code == 200
    assert 'data-testid="grade-criteria"' in response.content.decode()


def test_bad_grade_rerenders(login, consultant):
    customer = prospect_create(consultant=consultant, grade="B")
    response = login(consultant).post(regrade_url(customer), {"grade": "Z", "note": "typed note"})
    assert response.status_code == 200 and "grade" in response.context["form"].errors
    assert "typed note" in response.content.decode()
    customer.refresh_from_db()
    assert customer.grade == "B"


def test_other_manager_cannot_regrade(login, consultant, other_manager):
    customer = prospect_create(consultant=consultant, grade="B")
    assert login(other_manager).post(regrade_url(customer), {"grade": "H"}).status_code == 404
    customer.refresh_from_db()
    assert customer.grade == "B"


def test_regrade_to_o_is_refused(login, consultant):
    customer = prospect_create(consultant=consultant, grade="B")
    response = login(consultant).post(regrade_url(customer), {"grade": "O"})
    assert response.status_code == 200 and "grade" in response.context["form"].errors
    customer.refresh_from_db()
    assert customer.grade == "B"


def test_regrade_of_an_ordered_customer_is_refused(login, consultant):
    from tests.owners.conftest import ordered

    customer = ordered(consultant)
    client = login(consultant)
    assert client.post(regrade_url(customer), {"grade": "B"}).status_code == 302
    customer.refresh_from_db()
    assert customer.grade == "O"
    page = client.get(reverse("leads:customer_detail", args=[customer.pk])).content.decode()
    assert regrade_url(customer) not in page


def test_regrade_service_refuses_a_customer_who_is_not_active(consultant):
    from leads.services import TransitionError, customer_regrade
    from tests.owners.conftest import ordered

    customer = ordered(consultant)
    with pytest.raises(TransitionError):
        customer_regrade(customer=customer, grade="B", by=consultant)
    with pytest.raises(TransitionError):
        customer_regrade(customer=prospect_create(consultant=consultant), grade="O", by=consultant)


def test_card_create_offers_no_grade_o(login, consultant):
    form = login(consultant).get(reverse("leads:customer_create")).context["form"]
    assert "O" not in dict(form.fields["grade"].choices)
