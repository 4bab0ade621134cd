"""Defeat requests (战败): the consultant files, the showroom manager approves or rejects."""

import uuid

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from followups.models import Task
from leads.models import Customer, Defeat, DefeatReason
from leads.services import defeat_approve, defeat_file, defeat_reject
from tests.factories import CustomerFactory, prospect_create

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
CONFIRM = {"confirm": "yes"}


@pytest.fixture
def reason():
    return DefeatReason.objects.create(name="价格 (测试)", sort_order=0)


def _form_data(reason, **overrides):
    return {
        "reason": reason.pk,
        "brand_bought": "丰田",
        "model_bought": "凯美瑞",
        "analysis": "客户更看重保值率，我们的报价没有竞争力。",
        "could_have_done": "早点申请促销政策。",
        "submission_key": str(uuid.uuid4()),
        **overrides,
    }


def _file(customer, reason, by):
    return defeat_file(
        customer=customer, by=by, fields={"reason": reason, "analysis": "买了别的品牌", "brand_bought": "本田"}
    )


def _open_tasks(customer):
    return Task.objects.filter(customer=customer, status__in=Task.PENDING)


# --- filing ----------------------------------------------------------------------------------


def test_consultant_files_a_defeat_and_the_customer_waits_for_approval(login, consultant, reason):
    customer = prospect_create(consultant=consultant)

    response = login(consultant).post(reverse("leads:defeat_create", args=[customer.pk]), _form_data(reason))

    assert response.url == reverse("leads:customer_detail", args=[customer.pk])
    defeat = Defeat.objects.get(customer=customer)
    assert (defeat.status, defeat.filed_by, defeat.reason) == (Defeat.Status.PENDING, consultant, reason)
    assert (defeat.brand_bought, defeat.model_bought) == ("丰田", "凯美瑞")
    customer.refresh_from_db()
    assert customer.status == Customer.Status.DEFEAT_PENDING


def test_defeat_form_offers_only_active_reasons(login, consultant, reason):
    retired = DefeatReason.objects.create(name="已停用理由", is_active=False)
    customer = prospect_create(consultant=consultant)

    response = login(consultant).get(reverse("leads:defeat_create", args=[customer.pk]))

    choices = list(response.context["form"].fields["reason"].queryset)
    assert reason in choices
    assert retired not in choices
    assert 'name="submission_key"' in response.text


def test_defeat_without_analysis_is_refused_and_keeps_what_was_typed(login, consultant, reason):
    customer = prospect_create(consultant=consultant)

    response = login(consultant).post(
        reverse("leads:defeat_create", args=[customer.pk]), _form_data(reason, analysis="  ", brand_bought="大众")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["analysis"]
    assert 'value="大众"' in response.text
    assert not Defeat.objects.exists()
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE


def test_double_submission_of_the_defeat_form_makes_one_defeat(login, consultant, reason):
    customer = prospect_create(consultant=consultant)
    client = login(consultant)
    data = _form_data(reason)

    first = client.post(reverse("leads:defeat_create", args=[customer.pk]), data)
    second = client.post(reverse("leads:defeat_create", args=[customer.pk]), data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert Defeat.objects.filter(customer=customer).count() == 1


def test_second_defeat_while_one_is_pending_is_refused(login, consultant, reason):
    customer = prospect_create(consultant=consultant)
    _file(customer, reason, consultant)

    response = login(consultant).post(reverse("leads:defeat_create", args=[customer.pk]), _form_data(reason))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Defeat.objects.filter(customer=customer).count() == 1


@pytest.mark.parametrize("who", ["other_consultant", "teammate", "showroom_manager", "reception"])
def test_only_the_customers_consultant_may_file_a_defeat(request, login, consultant, reason, who):
    customer = prospect_create(consultant=consultant)
    user = request.getfixturevalue(who)

    client = login(user)
    assert client.get(reverse("leads:defeat_create", args=[customer.pk])).status_code == 404
    assert client.post(reverse("leads:defeat_create", args=[customer.pk]), _form_data(reason)).status_code == 404
    assert not Defeat.objects.exists()


# --- the queue -------------------------------------------------------------------------------


def test_showroom_manager_sees_own_teams_pending_defeats_with_the_analysis(
    login, showroom_manager, consultant, other_consultant, reason
):
    mine = prospect_create(consultant=consultant, name="本组")
    theirs = prospect_create(consultant=other_consultant, name="别组")
    decided = prospect_create(consultant=consultant, name="已批")
    _file(mine, reason, consultant)
    _file(theirs, reason, other_consultant)
    defeat_approve(defeat=_file(decided, reason, consultant), by=showroom_manager)

    response = login(showroom_manager).get(reverse("leads:defeat_queue"))

    assert response.status_code == 200
    assert [d.customer.name for d in response.context["page"].object_list] == ["本组"]
    assert "买了别的品牌" in response.text
    assert "别组" not in response.text


def test_sales_manager_sees_every_teams_defeats_oldest_first(login, sales_manager, consultant, other_consultant, reason):
    _file(prospect_create(consultant=consultant, name="先"), reason, consultant)
    _file(prospect_create(consultant=other_consultant, name="后"), reason, other_consultant)

    response = login(sales_manager).get(reverse("leads:defeat_queue"))

    assert [d.customer.name for d in response.context["page"].object_list] == ["先", "后"]


@pytest.mark.parametrize("role", ["consultant", "reception"])
def test_consultant_and_reception_get_404_on_the_defeat_queue(request, login, role):
    assert login(request.getfixturevalue(role)).get(reverse("leads:defeat_queue")).status_code == 404


@pytest.mark.parametrize("rows", [10, 200])
def test_defeat_queue_runs_a_constant_number_of_queries(
    login, showroom_manager, consultant, teammate, reason, django_assert_max_num_queries, rows
):
    customers = CustomerFactory.create_batch(rows // 2, consultant=consultant, status=Customer.Status.DEFEAT_PENDING)
    customers += CustomerFactory.create_batch(rows - rows // 2, consultant=teammate, status=Customer.Status.DEFEAT_PENDING)
    Defeat.objects.bulk_create(
        Defeat(customer=c, reason=reason, analysis="分析", filed_by=c.consultant) for c in customers
    )
    client = login(showroom_manager)

    with django_assert_max_num_queries(9):
        response = client.get(reverse("leads:defeat_queue"))

    assert response.context["page"].paginator.count == rows


# --- deciding --------------------------------------------------------------------------------


def test_approve_makes_the_customer_defeated_and_cancels_open_tasks(login, showroom_manager, consultant, reason):
    customer = prospect_create(consultant=consultant)
    defeat = _file(customer, reason, consultant)

    response = login(showroom_manager).post(reverse("leads:defeat_approve", args=[defeat.pk]), {"comment": "同意", **CONFIRM})

    assert response.status_code == 302
    defeat.refresh_from_db()
    assert (defeat.status, defeat.decided_by, defeat.decision_comment) == (Defeat.Status.APPROVED, showroom_manager, "同意")
    customer.refresh_from_db()
    assert customer.status == Customer.Status.DEFEATED
    assert not _open_tasks(customer).exists()
    assert Task.objects.filter(customer=customer, status=Task.Status.CANCELLED).exists()


def test_approve_with_htmx_replaces_the_request_in_place_with_an_undo(login, showroom_manager, consultant, reason):
    defeat = _file(prospect_create(consultant=consultant), reason, consultant)

    response = login(showroom_manager).post(reverse("leads:defeat_approve", args=[defeat.pk]), CONFIRM, **HTMX)

    assert f'id="defeat-{defeat.pk}"' in response.text
    assert reverse("leads:defeat_approve_undo", args=[defeat.pk]) in response.text
    assert "defeatsChanged" in response["HX-Trigger"]
    defeat.refresh_from_db()
    assert defeat.status == Defeat.Status.APPROVED


def test_reject_sends_the_customer_back_to_follow_up_with_an_open_task(login, showroom_manager, consultant, reason):
    customer = prospect_create(consultant=consultant)
    defeat = _file(customer, reason, consultant)

    response = login(showroom_manager).post(reverse("leads:defeat_reject", args=[defeat.pk]), {"comment": "再跟一次，客户还在比较", **CONFIRM})

    assert response.status_code == 302
    defeat.refresh_from_db()
    assert (defeat.status, defeat.decision_comment) == (Defeat.Status.REJECTED, "再跟一次，客户还在比较")
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE
    assert _open_tasks(customer).filter(kind__in=Task.PROSPECT_KINDS).count() == 1
    assert customer.next_followup_on is not None


@pytest.mark.parametrize("comment", ["", "  "])
def test_reject_requires_a_comment(login, showroom_manager, consultant, reason, comment):
    customer = prospect_create(consultant=consultant)
    defeat = _file(customer, reason, consultant)

    response = login(showroom_manager).post(reverse("leads:defeat_reject", args=[defeat.pk]), {"comment": comment})

    assert response.status_code == 200
    assert response.context["reject_form"].errors["comment"]
    defeat.refresh_from_db()
    assert defeat.status == Defeat.Status.PENDING


def test_reject_without_comment_with_htmx_redraws_the_request_with_the_error(login, showroom_manager, consultant, reason):
    defeat = _file(prospect_create(consultant=consultant), reason, consultant)

    response = login(showroom_manager).post(reverse("leads:defeat_reject", args=[defeat.pk]), {"comment": ""}, **HTMX)

    assert f'id="defeat-{defeat.pk}"' in response.text
    assert "invalid-feedback" in response.text
    assert "<html" not in response.text


def test_deciding_twice_is_refused(login, showroom_manager, sales_manager, consultant, reason):
    customer = prospect_create(consultant=consultant)
    defeat = _file(customer, reason, consultant)
    login(showroom_manager).post(reverse("leads:defeat_approve", args=[defeat.pk]), CONFIRM, follow=True)

    response = login(sales_manager).post(reverse("leads:defeat_reject", args=[defeat.pk]), {"comment": "不同意", **CONFIRM}, follow=True)

    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    defeat.refresh_from_db()
    assert (defeat.status, defeat.decided_by) == (Defeat.Status.APPROVED, showroom_manager)
    customer.refresh_from_db()
    assert customer.status == Customer.Status.DEFEATED


def test_deciding_twice_from_the_queue_with_htmx_says_so_in_place(login, showroom_manager, consultant, reason):
    defeat = _file(prospect_create(consultant=consultant), reason, consultant)
    client = login(showroom_manager)
    client.post(reverse("leads:defeat_reject", args=[defeat.pk]), {"comment": "继续跟", **CONFIRM})

    response = client.post(reverse("leads:defeat_approve", args=[defeat.pk]), CONFIRM, **HTMX)

    assert 'data-testid="defeat-item-gone"' in response.text
    defeat.refresh_from_db()
    assert defeat.status == Defeat.Status.REJECTED


@pytest.mark.parametrize("url_name", ["leads:defeat_approve", "leads:defeat_reject"])
@pytest.mark.parametrize("who", ["other_manager", "consultant"])
def test_only_a_manager_who_sees_the_customer_may_decide(request, login, consultant, reason, url_name, who):
    defeat = _file(prospect_create(consultant=consultant), reason, consultant)

    response = login(request.getfixturevalue(who)).post(reverse(url_name, args=[defeat.pk]), {"comment": "试试", **CONFIRM})

    assert response.status_code == 404
    defeat.refresh_from_db()
    assert defeat.status == Defeat.Status.PENDING


def test_rejected_consultant_may_file_again(login, showroom_manager, consultant, reason):
    customer = prospect_create(consultant=consultant)
    defeat_reject(defeat=_file(customer, reason, consultant), by=showroom_manager, comment="再努力")

    response = login(consultant).post(reverse("leads:defeat_create", args=[customer.pk]), _form_data(reason))

    assert response.status_code == 302
    assert list(Defeat.objects.filter(customer=customer).values_list("status", flat=True)) == ["pending", "rejected"]


# --- on the card -----------------------------------------------------------------------------


def _card_actions(customer, user) -> str:
    request = RequestFactory().get(f"/leads/customers/{customer.pk}/")
    request.user = user
    return render_to_string("leads/_card_actions_signoff.html", {"customer": customer, "user": user}, request=request)


def test_card_offers_the_consultant_to_file_a_defeat_while_active(consultant, showroom_manager):
    customer = prospect_create(consultant=consultant)

    assert reverse("leads:defeat_create", args=[customer.pk]) in _card_actions(customer, consultant)
    assert reverse("leads:defeat_create", args=[customer.pk]) not in _card_actions(customer, showroom_manager)


def test_card_shows_a_pending_defeat_and_lets_the_manager_decide(consultant, showroom_manager, reason):
    customer = prospect_create(consultant=consultant)
    defeat = _file(customer, reason, consultant)
    customer.refresh_from_db()

    as_consultant = _card_actions(customer, consultant)
    as_manager = _card_actions(customer, showroom_manager)

    assert 'data-testid="defeat-pending"' in as_consultant
    assert reverse("leads:defeat_create", args=[customer.pk]) not in as_consultant
    assert reverse("leads:defeat_approve", args=[defeat.pk]) not in as_consultant
    assert reverse("leads:defeat_approve", args=[defeat.pk]) in as_manager
    assert reverse("leads:defeat_reject", args=[defeat.pk]) in as_manager


def test_card_shows_the_consultant_the_rejection_comment(consultant, showroom_manager, reason):
    customer = prospect_create(consultant=consultant)
    defeat_reject(defeat=_file(customer, reason, consultant), by=showroom_manager, comment="客户下周还来试驾")
    customer.refresh_from_db()

    html = _card_actions(customer, consultant)

    assert "客户下周还来试驾" in html
    assert reverse("leads:defeat_create", args=[customer.pk]) in html


def test_card_page_links_the_consultant_to_the_defeat_form(login, consultant):
    customer = prospect_create(consultant=consultant)

    response = login(consultant).get(reverse("leads:customer_detail", args=[customer.pk]))

    assert reverse("leads:defeat_create", args=[customer.pk]) in response.text
