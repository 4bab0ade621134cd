"""The sign-off queue (签字确认): managers sign or return new cards; consultants fix returned ones."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from leads.models import Customer, CustomerChange
from leads.services import card_return, card_sign, customer_update
from tests.factories import CustomerFactory, prospect_create

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
HTMX = {"HTTP_HX_REQUEST": "true"}
CONFIRM = {"confirm": "yes"}


def _names(response) -> list[str]:
    return [card.name for card in response.context["page"].object_list]


# --- the queue -------------------------------------------------------------------------------


def test_showroom_manager_queue_lists_own_teams_pending_cards_newest_first(
    login, showroom_manager, consultant, teammate, other_consultant
):
    # given: pending cards in my team (created in this order), a signed one, and another team's
    with time_machine.travel(datetime(2025, 3, 10, 9, 0, tzinfo=SHANGHAI), tick=False):
        prospect_create(consultant=teammate, name="先来")
    with time_machine.travel(datetime(2025, 3, 10, 10, 0, tzinfo=SHANGHAI), tick=False):
        prospect_create(consultant=consultant, name="后到")
        signed = prospect_create(consultant=consultant, name="已签")
        card_sign(customer=signed, by=showroom_manager)
        prospect_create(consultant=other_consultant, name="别组")

        # when
        response = login(showroom_manager).get(reverse("leads:signoff_queue"))

    # then
    assert response.status_code == 200
    assert _names(response) == ["后到", "先来"]
    assert "别组" not in response.text
    assert "已签" not in _names(response)


def test_sales_manager_queue_lists_every_team(login, sales_manager, consultant, other_consultant):
    prospect_create(consultant=consultant, name="甲")
    prospect_create(consultant=other_consultant, name="乙")

    response = login(sales_manager).get(reverse("leads:signoff_queue"))

    assert sorted(_names(response)) == ["乙", "甲"]


def test_queue_shows_consultant_grade_and_created_time(login, showroom_manager, consultant):
    with time_machine.travel(datetime(2025, 3, 10, 9, 5, tzinfo=SHANGHAI), tick=False):
        prospect_create(consultant=consultant, name="张伟", grade=Customer.Grade.H)
        response = login(showroom_manager).get(reverse("leads:signoff_queue"))

    assert "grade-H" in response.text
    assert str(consultant) in response.text
    assert "2025-03-10 09:05" in response.text


@pytest.mark.parametrize("role", ["consultant", "reception"])
def test_consultant_and_reception_get_404_on_the_queue(request, login, role):
    user = request.getfixturevalue(role)

    response = login(user).get(reverse("leads:signoff_queue"))

    assert response.status_code == 404


def test_card_still_unsigned_from_a_previous_day_is_marked(login, showroom_manager, consultant):
    # given: one card from yesterday, one from this morning
    with time_machine.travel(datetime(2025, 3, 9, 16, 0, tzinfo=SHANGHAI), tick=False):
        prospect_create(consultant=consultant, name="昨天")
    with time_machine.travel(datetime(2025, 3, 10, 8, 30, tzinfo=SHANGHAI), tick=False):
        prospect_create(consultant=consultant, name="今天")

        # when
        response = login(showroom_manager).get(reverse("leads:signoff_queue"))

    # then
    marks = {card.name: card.carried_over for card in response.context["page"].object_list}
    assert marks == {"昨天": True, "今天": False}
    assert response.context["counts"] == {"pending": 2, "carried_over": 1}
    assert response.text.count('data-testid="carried-over"') == 1


@pytest.mark.parametrize("rows", [10, 200])
def test_queue_runs_a_constant_number_of_queries(login, showroom_manager, consultant, teammate, django_assert_max_num_queries, rows):
    CustomerFactory.create_batch(rows // 2, consultant=consultant)
    CustomerFactory.create_batch(rows - rows // 2, consultant=teammate)
    client = login(showroom_manager)

    with django_assert_max_num_queries(11):
        response = client.get(reverse("leads:signoff_queue"))

    assert response.status_code == 200
    assert response.context["page"].paginator.count == rows


# --- signing ---------------------------------------------------------------------------------


def test_sign_records_who_and_when_and_a_history_row(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant)

    with time_machine.travel(datetime(2025, 3, 10, 17, 45, tzinfo=SHANGHAI), tick=False):
        response = login(showroom_manager).post(reverse("leads:card_sign", args=[customer.pk]), CONFIRM)

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.card_status == Customer.CardStatus.SIGNED
    assert customer.card_signed_by == showroom_manager
    assert customer.card_signed_at == datetime(2025, 3, 10, 17, 45, tzinfo=SHANGHAI)
    change = customer.changes.get(field=CustomerChange.Field.CARD)
    assert (change.old_value, change.new_value, change.changed_by) == ("pending", "signed", showroom_manager)


def test_signed_card_leaves_the_queue(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant, name="王芳")
    client = login(showroom_manager)

    client.post(reverse("leads:card_sign", args=[customer.pk]), CONFIRM)

    assert _names(client.get(reverse("leads:signoff_queue"))) == []


def test_sign_from_the_queue_with_htmx_replaces_the_row_in_place_with_an_undo(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant)

    response = login(showroom_manager).post(reverse("leads:card_sign", args=[customer.pk]), CONFIRM, **HTMX)

    assert response.status_code == 200
    assert f'id="card-row-{customer.pk}"' in response.text
    assert 'data-decided="signed"' in response.text
    assert reverse("leads:card_sign_undo", args=[customer.pk]) in response.text
    assert "<html" not in response.text
    customer.refresh_from_db()
    assert customer.card_status == Customer.CardStatus.SIGNED


def test_sign_from_the_card_goes_back_to_the_card(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant)

    response = login(showroom_manager).post(reverse("leads:card_sign", args=[customer.pk]), {"next": "/leads/somewhere/", **CONFIRM})

    assert response.url == "/leads/somewhere/"


def test_sign_ignores_a_next_url_on_another_site(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant)

    response = login(showroom_manager).post(reverse("leads:card_sign", args=[customer.pk]), {"next": "https://evil.example/", **CONFIRM})

    assert response.url == reverse("leads:signoff_queue")


def test_sign_is_post_only(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant)

    response = login(showroom_manager).get(reverse("leads:card_sign", args=[customer.pk]))

    assert response.status_code == 405
    customer.refresh_from_db()
    assert customer.card_status == Customer.CardStatus.PENDING


@pytest.mark.parametrize("url_name", ["leads:card_sign", "leads:card_return"])
def test_other_teams_manager_gets_404_on_sign_and_return(login, other_manager, consultant, url_name):
    customer = prospect_create(consultant=consultant)

    response = login(other_manager).post(reverse(url_name, args=[customer.pk]), {"comment": "不行"})

    assert response.status_code == 404
    customer.refresh_from_db()
    assert customer.card_status == Customer.CardStatus.PENDING


@pytest.mark.parametrize("url_name", ["leads:card_sign", "leads:card_return"])
def test_consultant_cannot_sign_or_return_even_their_own_card(login, consultant, url_name):
    customer = prospect_create(consultant=consultant)

    response = login(consultant).post(reverse(url_name, args=[customer.pk]), {"comment": "自己退"})

    assert response.status_code == 404
    customer.refresh_from_db()
    assert customer.card_status == Customer.CardStatus.PENDING


# --- returning -------------------------------------------------------------------------------


def test_return_records_the_comment_and_a_history_row(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant)

    response = login(showroom_manager).post(reverse("leads:card_return", args=[customer.pk]), {"comment": "电话号码不全", **CONFIRM})

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.card_status == Customer.CardStatus.RETURNED
    assert customer.card_return_comment == "电话号码不全"
    change = customer.changes.get(field=CustomerChange.Field.CARD)
    assert (change.new_value, change.note, change.changed_by) == ("returned", "电话号码不全", showroom_manager)


@pytest.mark.parametrize("comment", ["", "   "])
def test_return_requires_a_comment(login, showroom_manager, consultant, comment):
    customer = prospect_create(consultant=consultant)

    response = login(showroom_manager).post(reverse("leads:card_return", args=[customer.pk]), {"comment": comment})

    assert response.status_code == 200
    assert response.context["form"].errors["comment"]
    assert "is-invalid" in response.text
    customer.refresh_from_db()
    assert customer.card_status == Customer.CardStatus.PENDING


def test_return_without_comment_from_the_queue_with_htmx_redraws_the_row_with_the_error(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant)

    response = login(showroom_manager).post(reverse("leads:card_return", args=[customer.pk]), {"comment": " "}, **HTMX)

    assert response.status_code == 200
    assert f'id="card-row-{customer.pk}"' in response.text
    assert "invalid-feedback" in response.text
    customer.refresh_from_db()
    assert customer.card_status == Customer.CardStatus.PENDING


def test_return_with_htmx_replaces_the_row_in_place(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant)

    response = login(showroom_manager).post(reverse("leads:card_return", args=[customer.pk]), {"comment": "补充预算", **CONFIRM}, **HTMX)

    assert f'id="card-row-{customer.pk}"' in response.text
    assert 'data-decided="returned"' in response.text
    customer.refresh_from_db()
    assert customer.card_status == Customer.CardStatus.RETURNED


def test_return_page_works_without_javascript(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant, name="李娜")

    response = login(showroom_manager).get(reverse("leads:card_return", args=[customer.pk]))

    assert response.status_code == 200
    assert "李娜" in response.text
    assert 'name="comment"' in response.text


def test_returning_a_signed_card_is_refused(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant)
    card_sign(customer=customer, by=showroom_manager)

    response = login(showroom_manager).post(
        reverse("leads:card_return", args=[customer.pk]), {"comment": "晚了", **CONFIRM}, follow=True
    )

    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    customer.refresh_from_db()
    assert customer.card_status == Customer.CardStatus.SIGNED


# --- the consultant's returned cards ---------------------------------------------------------


def test_returned_card_shows_on_the_consultants_list_with_the_comment(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant, name="赵磊")
    login(showroom_manager).post(reverse("leads:card_return", args=[customer.pk]), {"comment": "请填写意向车型", **CONFIRM})

    response = login(consultant).get(reverse("leads:returned_cards"))

    assert response.status_code == 200
    assert _names(response) == ["赵磊"]
    assert "请填写意向车型" in response.text


def test_returned_list_never_shows_other_consultants_cards(login, showroom_manager, consultant, teammate, other_consultant):
    mine = prospect_create(consultant=consultant, name="我的")
    teammates = prospect_create(consultant=teammate, name="同事的")
    card_return(customer=mine, by=showroom_manager, comment="改")
    card_return(customer=teammates, by=showroom_manager, comment="改")

    assert _names(login(consultant).get(reverse("leads:returned_cards"))) == ["我的"]
    assert _names(login(other_consultant).get(reverse("leads:returned_cards"))) == []


def test_reception_gets_404_on_the_returned_list(login, reception):
    assert login(reception).get(reverse("leads:returned_cards")).status_code == 404


def test_resubmitted_card_goes_back_to_the_queue(login, showroom_manager, consultant):
    # given: a returned card
    customer = prospect_create(consultant=consultant, name="孙强")
    card_return(customer=customer, by=showroom_manager, comment="地址不全")
    customer.refresh_from_db()

    # when: the consultant saves the card again
    customer_update(customer=customer, fields={"address": "南京市鼓楼区"}, version=customer.version, by=consultant)

    # then
    assert _names(login(consultant).get(reverse("leads:returned_cards"))) == []
    assert _names(login(showroom_manager).get(reverse("leads:signoff_queue"))) == ["孙强"]


@pytest.mark.parametrize("rows", [10, 200])
def test_returned_list_runs_a_constant_number_of_queries(login, consultant, django_assert_max_num_queries, rows):
    CustomerFactory.create_batch(rows, consultant=consultant, card_status=Customer.CardStatus.RETURNED, card_return_comment="改")
    client = login(consultant)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("leads:returned_cards"))

    assert response.context["page"].paginator.count == rows


# --- the actions on the card page ------------------------------------------------------------


def _card_actions(customer, user) -> str:
    request = RequestFactory().get(f"/leads/customers/{customer.pk}/")
    request.user = user
    return render_to_string("leads/_card_actions_signoff.html", {"customer": customer, "user": user}, request=request)


def test_card_offers_sign_and_return_to_the_manager_while_pending(showroom_manager, consultant):
    customer = prospect_create(consultant=consultant)

    html = _card_actions(customer, showroom_manager)

    assert reverse("leads:card_sign", args=[customer.pk]) in html
    assert reverse("leads:card_return", args=[customer.pk]) in html


def test_card_offers_no_sign_off_once_signed_or_to_the_consultant(showroom_manager, consultant):
    customer = prospect_create(consultant=consultant)

    assert reverse("leads:card_sign", args=[customer.pk]) not in _card_actions(customer, consultant)
    card_sign(customer=customer, by=showroom_manager)
    customer.refresh_from_db()
    assert reverse("leads:card_sign", args=[customer.pk]) not in _card_actions(customer, showroom_manager)


def test_manager_signs_from_the_card_page_and_returns_to_it(login, showroom_manager, consultant):
    # given: the card page offers the sign-off buttons
    customer = prospect_create(consultant=consultant)
    client = login(showroom_manager)
    card = reverse("leads:customer_detail", args=[customer.pk])
    assert reverse("leads:card_sign", args=[customer.pk]) in client.get(card).text

    # when
    response = client.post(reverse("leads:card_sign", args=[customer.pk]), {"next": card, **CONFIRM})

    # then
    assert response.url == card
    assert reverse("leads:card_sign", args=[customer.pk]) not in client.get(card).text
