"""Cancelling an order (退订) and losing an ordered customer (a defeat with a lost deposit)."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from followups import scheduling
from followups.models import Task
from leads import services
from leads.models import CarModel, Customer, CustomerChange, Defeat, DefeatReason, Order, OrderCancellation
from tests.factories import prospect_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _ordered(consultant, grade="H"):
    customer = prospect_create(consultant=consultant, grade=grade)
    order = services.order_record(
        customer=customer, by=consultant,
        fields={"ordered_on": timezone.localdate(), "car_model": CarModel.objects.first(), "deposit": 5000},
    )
    customer.refresh_from_db()
    return customer, order


def _cancel_url(order):
    return reverse("leads:order_cancel", args=[order.pk])


def _open_tasks(customer):
    return Task.objects.filter(customer=customer, status__in=Task.PENDING, kind__in=Task.PROSPECT_KINDS)


def _data(**overrides):
    return {"reason": "客户资金周转困难", "deposit_refunded": "on", "grade": "B", **overrides}


# --- cancelling --------------------------------------------------------------------------------


def test_card_offers_cancel_for_an_open_order(login, consultant):
    customer, order = _ordered(consultant)
    response = login(consultant).get(reverse("leads:customer_detail", args=[customer.pk]))
    assert _cancel_url(order) in response.text


def test_cancelling_the_order_makes_the_customer_an_active_prospect_again(login, consultant):
    customer, order = _ordered(consultant)

    response = login(consultant).post(_cancel_url(order), _data())

    assert response.url == reverse("leads:customer_detail", args=[customer.pk])
    cancellation = OrderCancellation.objects.get(order=order)
    assert (cancellation.reason, cancellation.deposit_refunded, cancellation.cancelled_by, cancellation.cancelled_on) == (
        "客户资金周转困难", True, consultant, timezone.localdate()
    )
    assert cancellation.defeat is None and cancellation.cancelled_at is not None
    customer.refresh_from_db()
    assert (customer.status, customer.grade, customer.graded_on) == (Customer.Status.ACTIVE, "B", timezone.localdate())
    assert customer.updated_by == consultant and customer.version == 3  # created 1, order 2, cancel 3
    grade_change = customer.changes.filter(field=CustomerChange.Field.GRADE).first()
    status_change = customer.changes.filter(field=CustomerChange.Field.STATUS).first()
    assert (grade_change.old_value, grade_change.new_value, grade_change.changed_by) == ("O", "B", consultant)
    assert (status_change.old_value, status_change.new_value) == (Customer.Status.ORDERED, Customer.Status.ACTIVE)
    # One open task, on the date the B rules give, written on the card.
    task = _open_tasks(customer).get()
    cadence = scheduling.active_cadences()["B"]
    assert task.due_on == customer.next_followup_on == scheduling.prospect_due(
        customer, cadence, today=timezone.localdate()
    ).on
    order.refresh_from_db()
    assert order.is_cancelled
    card = login(consultant).get(reverse("leads:customer_detail", args=[customer.pk]))
    assert _cancel_url(order) not in card.text and "Cancelled" in card.text


def test_a_second_cancel_is_refused(login, consultant):
    customer, order = _ordered(consultant)
    client = login(consultant)
    client.post(_cancel_url(order), _data())

    response = client.post(_cancel_url(order), _data(grade="H"))

    assert response.status_code == 200
    assert "This order has already been cancelled." in response.text
    assert OrderCancellation.objects.count() == 1
    customer.refresh_from_db()
    assert customer.grade == "B"
    with pytest.raises(services.TransitionError):
        services.order_cancel(order=order, by=consultant, reason="again", deposit_refunded=False, grade="A")


def test_another_teams_consultant_gets_404(login, consultant, other_consultant):
    _customer, order = _ordered(consultant)
    client = login(other_consultant)
    assert client.get(_cancel_url(order)).status_code == 404
    assert client.post(_cancel_url(order), _data()).status_code == 404
    assert not OrderCancellation.objects.exists()


def test_the_consultants_manager_may_cancel(login, consultant, showroom_manager):
    customer, order = _ordered(consultant)
    assert login(showroom_manager).post(_cancel_url(order), _data(grade="A")).status_code == 302
    customer.refresh_from_db()
    assert (customer.status, customer.grade) == (Customer.Status.ACTIVE, "A")


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_missing_reason_keeps_the_form_with_errors_and_typed_values(login, consultant, reason):
    customer, order = _ordered(consultant)

    response = login(consultant).post(_cancel_url(order), _data(reason=reason, grade="C"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["reason"]
    assert form["grade"].value() == "C" and form["deposit_refunded"].value() is True
    assert not OrderCancellation.objects.exists()
    customer.refresh_from_db()
    assert (customer.status, customer.grade) == (Customer.Status.ORDERED, "O")


def test_grade_o_is_not_offered(login, consultant):
    _customer, order = _ordered(consultant)
    response = login(consultant).post(_cancel_url(order), _data(grade="O"))
    assert response.status_code == 200 and response.context["form"].errors["grade"]
    assert not OrderCancellation.objects.exists()


def test_with_another_open_order_the_customer_stays_ordered(login, consultant):
    customer, first = _ordered(consultant)
    services.order_record(customer=customer, by=consultant, fields={"ordered_on": timezone.localdate(), "car_model": CarModel.objects.first()})
    client = login(consultant)
    assert "grade" not in client.get(_cancel_url(first)).context["form"].fields

    assert client.post(_cancel_url(first), {"reason": "换成另一台"}).status_code == 302

    customer.refresh_from_db()
    assert (customer.status, customer.grade) == (Customer.Status.ORDERED, "O")
    assert list(services.orders_open(customer)) == [Order.objects.exclude(pk=first.pk).get()]


# --- losing an ordered customer ------------------------------------------------------------------


@pytest.fixture
def reason():
    return DefeatReason.objects.create(name="退订 (测试)", sort_order=0)


def _file_defeat(client, customer, reason):
    return client.post(
        reverse("leads:defeat_create", args=[customer.pk]),
        {"reason": reason.pk, "analysis": "客户放弃定金，买了别的品牌", "submission_key": str(uuid.uuid4())},
    )


def test_ordered_customer_defeated_and_approved_loses_the_order(login, consultant, showroom_manager, reason):
    customer, order = _ordered(consultant)
    assert customer.may_file_defeat
    assert _file_defeat(login(consultant), customer, reason).status_code == 302
    customer.refresh_from_db()
    assert customer.status == Customer.Status.DEFEAT_PENDING
    defeat = Defeat.objects.get(customer=customer)

    login(showroom_manager).post(reverse("leads:defeat_approve", args=[defeat.pk]), {"comment": "同意", "confirm": "yes"})

    customer.refresh_from_db()
    assert customer.status == Customer.Status.DEFEATED and customer.next_followup_on is None
    assert not _open_tasks(customer).exists()
    cancellation = OrderCancellation.objects.get(order=order)
    assert (cancellation.deposit_refunded, cancellation.defeat, cancellation.cancelled_by) == (False, defeat, showroom_manager)
    assert "退订 (测试)" in cancellation.reason


def test_ordered_customer_defeat_rejected_goes_back_to_ordered(login, consultant, showroom_manager, reason):
    customer, order = _ordered(consultant)
    _file_defeat(login(consultant), customer, reason)
    defeat = Defeat.objects.get(customer=customer)

    login(showroom_manager).post(reverse("leads:defeat_reject", args=[defeat.pk]), {"comment": "客户还要车", "confirm": "yes"})

    customer.refresh_from_db()
    assert (customer.status, customer.grade) == (Customer.Status.ORDERED, "O")
    assert _open_tasks(customer).count() == 1
    assert not OrderCancellation.objects.exists()
    assert customer.changes.filter(field=CustomerChange.Field.STATUS).first().new_value == Customer.Status.ORDERED


def test_order_of_a_customer_pending_defeat_cannot_be_cancelled(login, consultant, reason):
    customer, order = _ordered(consultant)
    client = login(consultant)
    _file_defeat(client, customer, reason)

    response = client.post(_cancel_url(order), _data())

    assert response.status_code == 200 and "Only an order of an ordered customer can be cancelled." in response.text
    assert not OrderCancellation.objects.exists()
