"""The phone register (来电客户登记表): logging phone-ins, new vs known callers, who sees what, totals."""

import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from followups.models import Task
from leads import register_services
from leads.models import CarModel, Channel, Customer, PhoneCall
from tests.factories import CustomerFactory, UserFactory, prospect_create

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)
REGISTER = reverse("leads:phone_register")
ADD = reverse("leads:phone_call_add")


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(datetime(2026, 3, 10, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def call_form(consultant=None, **overrides):
    data = {
        "call_date": TODAY.isoformat(),
        "called_at": "10:15",
        "name": "李先生",
        "phone": "139 8765 4321",
        "car_model": str(CarModel.objects.first().pk),
        "content": "询问途观L价格",
        "grade": "C",
        "channel": str(Channel.objects.get(code="D").pk),
        "submission_key": str(uuid.uuid4()),
    }
    if consultant is not None:
        data["consultant"] = str(consultant.pk)
    data.update(overrides)
    return data


def log_call(consultant, *, phone, name="来电客户", at=time(10, 0), channel="D"):
    return register_services.phone_call_log(
        by=consultant, call_date=TODAY, called_at=at, consultant=consultant, name=name, phone=phone, grade="C",
        channel=Channel.objects.get(code=channel),
    )


def test_reception_logs_a_phone_in_from_a_new_phone_which_creates_a_phone_in_card(login, reception, consultant):
    # when
    response = login(reception).post(ADD, call_form(consultant))
    # then
    assert response.status_code == 302
    call = PhoneCall.objects.get()
    customer = Customer.objects.get()
    assert call.customer == customer and call.consultant == consultant and call.phone == "13987654321"
    assert customer.intake == Customer.Intake.PHONE_IN and customer.consultant == consultant
    assert customer.card_status == Customer.CardStatus.PENDING and customer.created_by == reception
    assert Task.objects.filter(customer=customer, status__in=Task.PENDING).count() == 1


def test_phone_in_from_a_known_phone_attaches_to_the_existing_customer(login, reception, consultant, other_consultant):
    existing = prospect_create(consultant=other_consultant, phone="13987654321", grade="H")
    login(reception).post(ADD, call_form(consultant))
    assert Customer.objects.count() == 1
    assert PhoneCall.objects.get().customer == existing
    existing.refresh_from_db()
    assert existing.grade == "H" and existing.consultant == other_consultant


def test_double_posted_phone_in_makes_one_row(login, reception, consultant):
    client = login(reception)
    data = call_form(consultant)
    client.post(ADD, data)
    client.post(ADD, data)
    assert PhoneCall.objects.count() == 1 and Customer.objects.count() == 1


def test_bad_phone_re_renders_the_form_with_the_error_and_typed_values(login, reception, consultant):
    response = login(reception).post(ADD, call_form(consultant, phone="0211", name="张三丰"))
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    body = response.content.decode()
    assert 'value="0211"' in body and 'value="张三丰"' in body
    assert not PhoneCall.objects.exists() and not Customer.objects.exists()


def test_consultant_logs_their_own_phone_in(login, consultant, teammate):
    # the consultant form has no consultant picker; a posted one is ignored
    response = login(consultant).post(ADD, call_form(teammate))
    assert response.status_code == 302
    assert PhoneCall.objects.get().consultant == consultant
    assert Customer.objects.get().consultant == consultant


def test_adding_with_htmx_returns_only_the_register_partial(login, reception, consultant):
    response = login(reception).post(ADD, call_form(consultant), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and 'data-testid="call-row"' in body


def test_consultant_does_not_see_other_consultants_callers(login, consultant, other_consultant):
    log_call(consultant, phone="13900000001", name="我的来电")
    log_call(other_consultant, phone="13900000002", name="别人的来电")
    response = login(consultant).get(REGISTER)
    body = response.content.decode()
    assert len(response.context["rows"]) == 2
    assert "我的来电" in body and "别人的来电" not in body and "13900000002" not in body


def test_reception_sees_the_callers_but_no_card_links(login, reception, consultant):
    log_call(consultant, phone="13900000001", name="我的来电")
    response = login(reception).get(REGISTER)
    assert "我的来电" in response.content.decode()
    assert all(row.card_url == "" and not row.customer_visible for row in response.context["rows"])


def test_phone_register_totals_equal_the_rows(login, reception, consultant, teammate):
    known = prospect_create(consultant=consultant, phone="13900000009")
    log_call(consultant, phone="13900000001", at=time(9, 0), channel="A")
    log_call(consultant, phone=known.phone, at=time(10, 0))
    log_call(teammate, phone="13900000003", at=time(11, 0))
    log_call(teammate, phone="13900000003", at=time(12, 0))  # calls again: known now
    # when
    response = login(reception).get(REGISTER)
    # then
    rows, totals = response.context["rows"], response.context["totals"]
    assert totals["calls"] == len(rows) == 4
    assert totals["new"] == 2 and totals["known"] == 2
    assert sum(tally.count for tally in totals["by_channel"]) == len(rows)
    assert {tally.label: tally.count for tally in totals["by_channel"]} == {"A 报纸": 1, "D 网站": 3}
    by_consultant = {tally.label: tally for tally in totals["by_consultant"]}
    assert by_consultant[str(consultant)].count == 2 and by_consultant[str(consultant)].extra == {"new": 1}
    assert by_consultant[str(teammate)].count == 2 and by_consultant[str(teammate)].extra == {"new": 1}


@pytest.mark.parametrize("rows", [10, 200])
def test_phone_register_runs_a_constant_number_of_queries(login, reception, django_assert_max_num_queries, rows):
    consultants = [UserFactory(role=User.Role.CONSULTANT) for _ in range(4)]
    channels = list(Channel.objects.all())
    customers = Customer.objects.bulk_create(
        [CustomerFactory.build(consultant=consultants[i % 4], phone=f"1370000{i:04d}", created_by=consultants[0],
                               updated_by=consultants[0], intake=Customer.Intake.PHONE_IN) for i in range(rows)]
    )
    PhoneCall.objects.bulk_create(
        [PhoneCall(call_date=TODAY, called_at=time(9 + i % 10, i % 60), consultant=consultants[i % 4],
                   customer=customers[i], name=f"客户{i}", phone=customers[i].phone, channel=channels[i % 10],
                   created_by=reception) for i in range(rows)]
    )
    client = login(reception)
    with django_assert_max_num_queries(14):
        response = client.get(REGISTER)
    assert len(response.context["rows"]) == rows
