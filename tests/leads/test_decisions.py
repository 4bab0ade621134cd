"""Decisions that can't be mis-clicked (issue 14): sign / return a card and approve / reject a defeat are
asked once more, the decided row stays in place with an undo, and a sign-off or an approval can be taken
back by the same manager for five minutes."""

from datetime import datetime
from zoneinfo import ZoneInfo

import json

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from followups.models import Task
from leads import services
from leads.models import CarModel, Customer, CustomerChange, Defeat, DefeatReason, OrderCancellation
from tests.factories import prospect_create

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
HTMX = {"HTTP_HX_REQUEST": "true"}
CONFIRM = {"confirm": "yes"}


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def reason():
    return DefeatReason.objects.create(name="价格 (测试)", sort_order=0)


def _card_changes(customer):
    return list(customer.changes.filter(field=CustomerChange.Field.CARD).order_by("id").values_list("old_value", "new_value"))


def _file(customer, reason, by):
    return services.defeat_file(customer=customer, by=by, fields={"reason": reason, "analysis": "买了别的品牌"})


# --- asked once more ---------------------------------------------------------------------------


def test_sign_without_confirmation_asks_in_place_and_signs_nothing(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant, name="王芳")

    response = login(showroom_manager).post(reverse("leads:card_sign", args=[customer.pk]), **HTMX)

    assert f'id="card-row-{customer.pk}"' in response.text
    assert 'data-confirming="sign"' in response.text
    assert 'name="confirm" value="yes"' in response.text
    customer.refresh_from_db()
    assert customer.is_card_pending


def test_sign_without_javascript_shows_a_confirmation_page(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant, name="王芳")

    response = login(showroom_manager).post(reverse("leads:card_sign", args=[customer.pk]))

    assert response.status_code == 200
    assert "Sign the card of 王芳?" in response.text
    assert 'data-testid="confirm-yes"' in response.text
    customer.refresh_from_db()
    assert customer.is_card_pending


def test_return_asks_with_the_comment_before_returning(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant)

    response = login(showroom_manager).post(reverse("leads:card_return", args=[customer.pk]), {"comment": "补充预算"}, **HTMX)

    assert 'data-confirming="return"' in response.text
    assert 'name="comment" value="补充预算"' in response.text
    customer.refresh_from_db()
    assert customer.is_card_pending


def test_double_confirmed_sign_signs_once(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant)
    client = login(showroom_manager)

    first = client.post(reverse("leads:card_sign", args=[customer.pk]), CONFIRM, **HTMX)
    second = client.post(reverse("leads:card_sign", args=[customer.pk]), CONFIRM, **HTMX)

    assert first.status_code == second.status_code == 200
    assert _card_changes(customer) == [("pending", "signed")]


def test_sign_with_htmx_tells_the_counters(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant)
    prospect_create(consultant=consultant)

    response = login(showroom_manager).post(reverse("leads:card_sign", args=[customer.pk]), CONFIRM, **HTMX)

    assert json.loads(response["HX-Trigger"]) == {"signoffChanged": {"pending": 1, "carried_over": 0}}


def test_counters_partial_counts_the_visible_pending_cards(login, showroom_manager, consultant, other_consultant):
    prospect_create(consultant=consultant)
    prospect_create(consultant=other_consultant)

    response = login(showroom_manager).get(reverse("leads:signoff_counts"), **HTMX)

    assert "1 card pending" in response.text
    assert "<html" not in response.text


def test_approve_without_confirmation_asks_in_place_and_decides_nothing(login, showroom_manager, consultant, reason):
    defeat = _file(prospect_create(consultant=consultant), reason, consultant)

    response = login(showroom_manager).post(reverse("leads:defeat_approve", args=[defeat.pk]), **HTMX)

    assert f'id="defeat-{defeat.pk}"' in response.text
    assert 'data-confirming="approve"' in response.text
    defeat.refresh_from_db()
    assert defeat.is_pending


def test_approve_without_javascript_shows_a_confirmation_page(login, showroom_manager, consultant, reason):
    defeat = _file(prospect_create(consultant=consultant, name="赵磊"), reason, consultant)

    response = login(showroom_manager).post(reverse("leads:defeat_approve", args=[defeat.pk]))

    assert response.status_code == 200
    assert "Approve the defeat of 赵磊?" in response.text
    defeat.refresh_from_db()
    assert defeat.is_pending


def test_reject_asks_with_the_comment_before_rejecting(login, showroom_manager, consultant, reason):
    defeat = _file(prospect_create(consultant=consultant), reason, consultant)

    response = login(showroom_manager).post(reverse("leads:defeat_reject", args=[defeat.pk]), {"comment": "再跟一次"}, **HTMX)

    assert 'data-confirming="reject"' in response.text
    assert 'name="comment" value="再跟一次"' in response.text
    defeat.refresh_from_db()
    assert defeat.is_pending


def test_double_confirmed_approve_decides_once(login, showroom_manager, consultant, reason):
    defeat = _file(prospect_create(consultant=consultant), reason, consultant)
    client = login(showroom_manager)

    client.post(reverse("leads:defeat_approve", args=[defeat.pk]), CONFIRM, **HTMX)
    second = client.post(reverse("leads:defeat_approve", args=[defeat.pk]), CONFIRM, **HTMX)

    assert 'data-testid="defeat-item-gone"' in second.text
    assert defeat.customer.changes.filter(field=CustomerChange.Field.STATUS, new_value="defeated").count() == 1


# --- undo a sign-off ---------------------------------------------------------------------------


def test_manager_undoes_their_sign_off_within_five_minutes(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant)
    client = login(showroom_manager)
    client.post(reverse("leads:card_sign", args=[customer.pk]), CONFIRM)

    response = client.post(reverse("leads:card_sign_undo", args=[customer.pk]), **HTMX)

    assert 'data-testid="signoff-row"' in response.text
    assert "signoffChanged" in response["HX-Trigger"]
    customer.refresh_from_db()
    assert customer.is_card_pending and customer.card_signed_by is None
    assert _card_changes(customer) == [("pending", "signed"), ("signed", "pending")]
    assert customer.changes.filter(note="Sign-off undone").exists()


def test_undo_without_javascript_goes_back_to_the_queue(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant)
    client = login(showroom_manager)
    client.post(reverse("leads:card_sign", args=[customer.pk]), CONFIRM)
    assert reverse("leads:card_sign_undo", args=[customer.pk]) in client.get(reverse("leads:signoff_queue")).text

    response = client.post(reverse("leads:card_sign_undo", args=[customer.pk]), follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    customer.refresh_from_db()
    assert customer.is_card_pending


def test_sign_off_cannot_be_undone_after_five_minutes(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant)
    with time_machine.travel(datetime(2025, 3, 10, 9, 0, tzinfo=SHANGHAI), tick=False):
        services.card_sign(customer=customer, by=showroom_manager)
    with time_machine.travel(datetime(2025, 3, 10, 9, 5, 1, tzinfo=SHANGHAI), tick=False):
        response = login(showroom_manager).post(reverse("leads:card_sign_undo", args=[customer.pk]), follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    customer.refresh_from_db()
    assert customer.is_card_signed


def test_another_manager_cannot_undo_a_sign_off(login, showroom_manager, sales_manager, consultant):
    customer = prospect_create(consultant=consultant)
    services.card_sign(customer=customer, by=showroom_manager)

    response = login(sales_manager).post(reverse("leads:card_sign_undo", args=[customer.pk]), **HTMX)

    assert 'data-testid="signoff-row-gone"' in response.text
    customer.refresh_from_db()
    assert customer.is_card_signed


def test_other_teams_manager_gets_404_on_undo(login, showroom_manager, other_manager, consultant):
    customer = prospect_create(consultant=consultant)
    services.card_sign(customer=customer, by=showroom_manager)

    assert login(other_manager).post(reverse("leads:card_sign_undo", args=[customer.pk])).status_code == 404


# --- undo a defeat approval --------------------------------------------------------------------


def test_undoing_an_approval_restores_the_customer_orders_and_tasks(login, showroom_manager, consultant, reason):
    # given: an ordered customer with an open task whose defeat was approved (the order cancelled as lost)
    customer = prospect_create(consultant=consultant, grade="H")
    order = services.order_record(
        customer=customer, by=consultant, fields={"ordered_on": timezone.localdate(), "car_model": CarModel.objects.first(), "deposit": 5000},
    )
    open_before = set(Task.objects.filter(customer=customer, status__in=Task.PENDING).values_list("pk", flat=True))
    assert open_before
    defeat = _file(customer, reason, consultant)
    client = login(showroom_manager)
    client.post(reverse("leads:defeat_approve", args=[defeat.pk]), CONFIRM)
    assert OrderCancellation.objects.filter(order=order, defeat=defeat).exists()

    # when
    response = client.post(reverse("leads:defeat_approve_undo", args=[defeat.pk]), **HTMX)

    # then: the request waits again, in place, and the customer is as the approval found them
    assert 'data-testid="defeat-item"' in response.text
    defeat.refresh_from_db()
    assert (defeat.status, defeat.decided_by, defeat.decided_at) == (Defeat.Status.PENDING, None, None)
    customer.refresh_from_db()
    assert customer.status == Customer.Status.DEFEAT_PENDING
    assert not OrderCancellation.objects.filter(order=order).exists()
    assert set(Task.objects.filter(customer=customer, status__in=Task.PENDING).values_list("pk", flat=True)) == open_before
    assert customer.changes.filter(field=CustomerChange.Field.STATUS, old_value="defeated", new_value="defeat_pending").exists()

    # and: rejecting it now sends an ordered customer back to ordered
    client.post(reverse("leads:defeat_reject", args=[defeat.pk]), {"comment": "订单还在", **CONFIRM})
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ORDERED


def test_approval_cannot_be_undone_after_five_minutes(login, showroom_manager, consultant, reason):
    defeat = _file(prospect_create(consultant=consultant), reason, consultant)
    with time_machine.travel(datetime(2025, 3, 10, 9, 0, tzinfo=SHANGHAI), tick=False):
        services.defeat_approve(defeat=defeat, by=showroom_manager)
    with time_machine.travel(datetime(2025, 3, 10, 9, 6, tzinfo=SHANGHAI), tick=False):
        response = login(showroom_manager).post(reverse("leads:defeat_approve_undo", args=[defeat.pk]), follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    defeat.refresh_from_db()
    assert defeat.status == Defeat.Status.APPROVED


def test_only_the_approving_manager_undoes_an_approval(login, showroom_manager, sales_manager, consultant, reason):
    defeat = _file(prospect_create(consultant=consultant), reason, consultant)
    services.defeat_approve(defeat=defeat, by=showroom_manager)

    response = login(sales_manager).post(reverse("leads:defeat_approve_undo", args=[defeat.pk]), **HTMX)

    assert 'data-testid="defeat-item-gone"' in response.text
    defeat.refresh_from_db()
    assert defeat.status == Defeat.Status.APPROVED


def test_other_teams_manager_gets_404_on_undoing_an_approval(login, showroom_manager, other_manager, consultant, reason):
    defeat = _file(prospect_create(consultant=consultant), reason, consultant)
    services.defeat_approve(defeat=defeat, by=showroom_manager)

    assert login(other_manager).post(reverse("leads:defeat_approve_undo", args=[defeat.pk])).status_code == 404


def test_a_rejection_has_no_undo(login, showroom_manager, consultant, reason):
    defeat = _file(prospect_create(consultant=consultant), reason, consultant)

    response = login(showroom_manager).post(reverse("leads:defeat_reject", args=[defeat.pk]), {"comment": "继续跟", **CONFIRM}, **HTMX)

    assert 'data-decided="rejected"' in response.text
    assert reverse("leads:defeat_approve_undo", args=[defeat.pk]) not in response.text
