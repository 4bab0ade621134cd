"""Return visits and phone-ins of known prospects on the registers: the follow-up they are, F/S, routing."""

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from followups.models import Task
from leads.models import Channel, Contact, Customer, PhoneCall, Visit
from tests.factories import prospect_create

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 3, 10)
PHONE = "13912345678"
ADD = reverse("leads:visit_add")
REGISTER = reverse("leads:visit_register")
TODAY_PAGE = reverse("followups:today")


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(datetime(2026, 3, 10, 15, 0, tzinfo=TZ), tick=False):
        yield


def add_form(consultant, **overrides):
    data = {
        "visit_date": TODAY.isoformat(), "arrived_at": "10:05", "party_size": "2", "consultant": str(consultant.pk),
        "phone": PHONE, "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def complete_form(**overrides):
    data = {
        "version": "1", "left_at": "11:00", "name": "王小明", "phone": PHONE, "discussion": "再看帕萨特，谈了价格",
        "grade": "H", "channel": str(Channel.objects.get(code="I").pk),
    }
    data.update(overrides)
    return data


def add_party(client, consultant, **overrides) -> Visit:
    response = client.post(ADD, add_form(consultant, **overrides))
    assert response.status_code == 302
    return Visit.objects.latest("id")


def complete(client, visit, **overrides):
    return client.post(reverse("leads:visit_complete", args=[visit.pk]), complete_form(**overrides))


def open_prospect_tasks(customer):
    return Task.objects.filter(customer=customer, status__in=Task.PENDING, kind__in=["first_contact", "cadence", "appointment"])


# --- 1. a return walk-in is a follow-up ----------------------------------------------------------


def test_repeat_walk_in_of_an_h_prospect_records_one_showroom_contact_and_schedules_the_next_task(
    login, reception, consultant
):
    prospect = prospect_create(consultant=consultant, phone=PHONE, grade="H", first_contact_on=TODAY - timedelta(days=3))
    old_task = open_prospect_tasks(prospect).get()
    visit = add_party(login(reception), consultant)
    # when
    response = complete(login(consultant), visit)
    # then
    assert response.status_code == 302
    assert Customer.objects.count() == 1
    contact = Contact.objects.get(customer=prospect)
    assert contact.method == Contact.Method.SHOWROOM and contact.content == "再看帕萨特，谈了价格"
    assert contact.grade_after == "H" and contact.consultant == consultant
    assert contact.contacted_at == datetime(2026, 3, 10, 11, 0, tzinfo=TZ)
    prospect.refresh_from_db()
    assert prospect.last_contact_on == TODAY
    old_task.refresh_from_db()
    assert old_task.status == Task.Status.DONE
    task = open_prospect_tasks(prospect).get()
    assert task.due_on == TODAY + timedelta(days=2) == prospect.next_followup_on  # H: every 2 days (SVW)
    visit.refresh_from_db()
    assert visit.customer == prospect and visit.customer_consultant == consultant


def test_completing_a_return_visit_twice_records_one_contact(login, reception, consultant):
    prospect = prospect_create(consultant=consultant, phone=PHONE, grade="A")
    visit = add_party(login(reception), consultant)
    client = login(consultant)
    # when: the same form twice, then an edit of the completed row
    complete(client, visit)
    complete(client, visit)
    complete(client, visit, version="2", discussion="补充：想要白色")
    # then
    assert Contact.objects.filter(customer=prospect).count() == 1
    assert open_prospect_tasks(prospect).count() == 1
    visit.refresh_from_db()
    assert visit.discussion == "补充：想要白色"


def test_a_known_callers_phone_in_records_one_phone_contact(login, consultant):
    prospect = prospect_create(consultant=consultant, phone=PHONE, grade="B")
    data = {
        "call_date": TODAY.isoformat(), "called_at": "09:30", "name": "王小明", "phone": PHONE, "content": "问优惠",
        "grade": "A", "submission_key": str(uuid.uuid4()),
    }
    client = login(consultant)
    # when: sent twice
    client.post(reverse("leads:phone_call_add"), data)
    client.post(reverse("leads:phone_call_add"), data)
    # then
    assert PhoneCall.objects.count() == 1
    contact = Contact.objects.get(customer=prospect)
    assert (contact.method, contact.content, contact.grade_after) == (Contact.Method.PHONE, "问优惠", "A")
    assert contact.contacted_at == datetime(2026, 3, 10, 9, 30, tzinfo=TZ)
    prospect.refresh_from_db()
    assert prospect.grade == "A" and prospect.last_contact_on == TODAY
    assert open_prospect_tasks(prospect).count() == 1


def _ordered(consultant, **fields) -> Customer:
    from tests.owners.conftest import ordered

    return ordered(consultant, phone=PHONE, first_contact_on=TODAY - timedelta(days=10), **fields)


def test_a_return_visit_of_an_ordered_customer_records_one_contact_and_keeps_grade_o(login, reception, consultant):
    # given an ordered customer, followed up weekly
    customer = _ordered(consultant)
    weekly = open_prospect_tasks(customer).get()
    visit = add_party(login(reception), consultant)
    # when the consultant completes the row, grading the visit H
    assert complete(login(consultant), visit, grade="H").status_code == 302
    # then one showroom contact; the card stays ordered, grade O; the weekly task is done by it and the next opens
    contact = Contact.objects.get(customer=customer)
    assert (contact.method, contact.grade_after, contact.consultant) == (Contact.Method.SHOWROOM, "O", consultant)
    customer.refresh_from_db()
    assert (customer.status, customer.grade, customer.last_contact_on) == (Customer.Status.ORDERED, "O", TODAY)
    weekly.refresh_from_db()
    assert (weekly.status, weekly.contact) == (Task.Status.DONE, contact)
    assert open_prospect_tasks(customer).get().due_on == customer.next_followup_on == TODAY + timedelta(days=7)


def test_a_phone_in_of_an_ordered_customer_records_one_contact_and_keeps_grade_o(login, consultant):
    customer = _ordered(consultant)
    login(consultant).post(reverse("leads:phone_call_add"), {
        "call_date": TODAY.isoformat(), "called_at": "09:30", "name": customer.name, "phone": PHONE,
        "content": "问交车时间", "grade": "A", "submission_key": str(uuid.uuid4()),
    })
    contact = Contact.objects.get(customer=customer)
    assert (contact.method, contact.content, contact.grade_after) == (Contact.Method.PHONE, "问交车时间", "O")
    customer.refresh_from_db()
    assert (customer.status, customer.grade, customer.last_contact_on) == (Customer.Status.ORDERED, "O", TODAY)
    assert open_prospect_tasks(customer).get().due_on == TODAY + timedelta(days=7)


def test_an_owner_walking_in_records_a_contact_by_their_consultant_and_is_not_reopened(login, reception, consultant):
    from tests.owners.conftest import delivered

    owner = delivered(consultant, phone=PHONE, delivered_on=TODAY - timedelta(days=200))
    visit = add_party(login(reception), consultant)
    assert complete(login(consultant), visit, grade="B").status_code == 302
    contact = Contact.objects.get(customer=owner)
    owner.refresh_from_db()
    assert (contact.method, contact.grade_after) == (Contact.Method.SHOWROOM, owner.grade)
    assert (owner.status, owner.next_followup_on, owner.last_contact_on) == (Customer.Status.DELIVERED, None, TODAY)
    assert not open_prospect_tasks(owner).exists()


def test_a_defeated_customer_walking_in_to_another_consultant_records_no_contact(
    login, reception, consultant, teammate, showroom_manager
):
    from tests.owners.conftest import defeated

    lost = defeated(consultant, showroom_manager, phone=PHONE)
    # given to a teammate, who may not work the card: the visit attaches, no contact, not reopened
    visit = add_party(login(reception), teammate)
    assert complete(login(teammate), visit, grade="C").status_code == 302
    visit.refresh_from_db()
    assert visit.customer_id == lost.pk
    assert not Contact.objects.filter(customer=lost).exists()
    lost.refresh_from_db()
    assert lost.status == Customer.Status.DEFEATED


# --- 2. F/S from earlier showroom visits ---------------------------------------------------------


def test_first_showroom_visit_of_a_phone_in_customer_is_f_and_the_next_one_s(login, reception, consultant):
    login(consultant).post(reverse("leads:phone_call_add"), {
        "call_date": TODAY.isoformat(), "called_at": "09:00", "name": "王小明", "phone": PHONE, "grade": "B",
        "submission_key": str(uuid.uuid4()),
    })
    customer = Customer.objects.get(phone=PHONE)
    assert customer.intake == Customer.Intake.PHONE_IN
    assert login(reception).post(reverse("leads:phone_lookup"), {"phone": PHONE}).content.decode().count(">F<") == 1
    # when: the first showroom visit
    first = add_party(login(reception), consultant)
    assert first.is_first_visit
    complete(login(consultant), first)
    # then
    first.refresh_from_db()
    assert first.customer == customer and first.visit_mark == "F"
    # and the next visit is S, at reception and on completion
    second = add_party(login(reception), consultant, arrived_at="13:00")
    assert not second.is_first_visit
    complete(login(consultant), second, left_at="14:00")
    second.refresh_from_db()
    assert second.visit_mark == "S"
    first.refresh_from_db()
    assert first.visit_mark == "F"  # editing order does not matter: only earlier visits count


# --- 3. routing to the customer's consultant -----------------------------------------------------


def test_reception_lookup_proposes_the_customers_consultant_and_shows_only_their_name(
    login, reception, consultant, teammate
):
    prospect_create(consultant=consultant, phone=PHONE, name="秘密客户")
    # when
    response = login(reception).post(ADD, {**add_form(teammate), "lookup": "1"})
    # then: nothing saved, the form proposes the customer's consultant
    assert response.status_code == 200 and not Visit.objects.exists()
    form = response.context["add_form"]
    assert not form.is_bound and str(form.initial["consultant"]) == str(consultant.pk)
    assert response.context["suggestion"] == consultant
    body = response.content.decode()
    assert 'data-testid="phone-owner"' in body and str(consultant) in body
    assert "秘密客户" not in body


def test_repeat_visitor_given_to_another_consultant_keeps_both_names_and_notifies_the_owner_and_their_manager(
    login, reception, consultant, teammate, showroom_manager, other_manager
):
    prospect = prospect_create(consultant=consultant, phone=PHONE, name="李先生", grade="H")
    # when: reception gives the party to a teammate, who completes the row
    visit = add_party(login(reception), teammate)
    complete(login(teammate), visit, grade="C")
    # then: both names on the row, the card untouched, no contact by the wrong person
    visit.refresh_from_db()
    assert (visit.consultant, visit.customer_consultant, visit.customer) == (teammate, consultant, prospect)
    prospect.refresh_from_db()
    assert prospect.grade == "H" and prospect.consultant == consultant
    assert not Contact.objects.filter(customer=prospect).exists()
    register = login(reception).get(REGISTER)
    assert 'data-testid="customer-consultant"' in register.content.decode()
    # the owner and their showroom manager see a notice; the taker and another team's manager do not
    for user in (consultant, showroom_manager):
        page = login(user).get(TODAY_PAGE)
        assert [notice.pk for notice in page.context["lists"].notices] == [visit.pk]
        body = page.content.decode()
        assert 'data-testid="visit-notice"' in body and "李先生" in body and str(teammate) in body
    for user in (teammate, other_manager):
        page = login(user).get(TODAY_PAGE)
        assert page.context["lists"].notices == []
        assert 'data-testid="visit-notice"' not in page.content.decode()


def test_a_notice_is_gone_after_seven_days(login, reception, consultant, teammate):
    prospect_create(consultant=consultant, phone=PHONE)
    add_party(login(reception), teammate, visit_date=(TODAY - timedelta(days=7)).isoformat())
    add_party(login(reception), teammate, visit_date=(TODAY - timedelta(days=6)).isoformat())
    notices = login(consultant).get(TODAY_PAGE).context["lists"].notices
    assert [notice.visit_date for notice in notices] == [TODAY - timedelta(days=6)]
