"""The visit register (来店客户登记表): reception's part, the consultant's part, who sees what, totals."""

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from followups.models import Task
from leads import register_services
from leads.models import CarModel, Channel, Colour, Customer, DutySlot, Visit
from tests.factories import CustomerFactory, UserFactory, prospect_create

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)
REGISTER = reverse("leads:visit_register")
ADD = reverse("leads:visit_add")


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(datetime(2026, 3, 10, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def add_visit(consultant, *, by=None, arrived=time(10, 0), phone="", party_size=1, day=TODAY):
    return register_services.visit_add(
        by=by or consultant, visit_date=day, arrived_at=arrived, consultant=consultant, party_size=party_size, phone=phone
    )


def earlier_visit(customer):
    """The customer was in the showroom a week before: a later visit is their S (second or later)."""
    return Visit.objects.create(
        visit_date=TODAY - timedelta(days=7), arrived_at=time(10), left_at=time(10, 30), consultant=customer.consultant,
        customer=customer, name=customer.name, phone=customer.phone, completed_at=datetime(2026, 3, 3, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
        created_by=customer.consultant,
    )


def add_form(consultant, **overrides):
    data = {
        "visit_date": TODAY.isoformat(),
        "arrived_at": "10:05",
        "party_size": "2",
        "consultant": str(consultant.pk),
        "phone": "",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def complete_form(**overrides):
    data = {
        "version": "1",  # the row's version when the form was opened: a fresh row's
        "left_at": "11:00",
        "name": "王小明",
        "phone": "139 1234 5678",
        "car_model": str(CarModel.objects.first().pk),
        "colour": str(Colour.objects.first().pk),
        "discussion": "看了朗逸，关心油耗",
        "grade": "B",
        "channel": str(Channel.objects.get(code="I").pk),
        "test_drive": "on",
    }
    data.update(overrides)
    return data


# --- reception's part ----------------------------------------------------------------------------


def test_reception_adds_a_party_to_the_days_register(login, reception, consultant):
    # when
    response = login(reception).post(ADD, add_form(consultant))
    # then
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.visit_date, visit.arrived_at, visit.party_size, visit.consultant) == (TODAY, time(10, 5), 2, consultant)
    assert visit.is_first_visit and visit.created_by == reception
    page = login(reception).get(REGISTER)
    assert len(page.context["rows"]) == 1


def test_double_posted_add_party_form_makes_one_row(login, reception, consultant):
    client = login(reception)
    data = add_form(consultant)
    # when
    client.post(ADD, data)
    client.post(ADD, data)
    # then
    assert Visit.objects.count() == 1


def test_party_of_zero_re_renders_the_form_with_the_typed_values(login, reception, consultant):
    # when
    response = login(reception).post(ADD, add_form(consultant, party_size="0", arrived_at="09:41"))
    # then
    assert response.status_code == 200
    form = response.context["add_form"]
    assert "party_size" in form.errors
    assert 'value="09:41"' in response.content.decode()
    assert not Visit.objects.exists()


def test_bad_phone_on_a_new_party_shows_the_error_next_to_the_field(login, reception, consultant):
    response = login(reception).post(ADD, add_form(consultant, phone="12345"))
    assert "phone" in response.context["add_form"].errors
    assert 'value="12345"' in response.content.decode()
    assert not Visit.objects.exists()


def test_party_whose_phone_is_known_is_marked_as_repeat_visit(login, reception, consultant):
    earlier = earlier_visit(prospect_create(consultant=consultant, phone="13912345678"))
    login(reception).post(ADD, add_form(consultant, phone="139-1234-5678"))
    visit = Visit.objects.exclude(pk=earlier.pk).get()
    assert visit.visit_mark == "S" and visit.phone == "13912345678"


def test_consultant_cannot_add_a_party(login, consultant):
    response = login(consultant).post(ADD, add_form(consultant))
    assert response.status_code == 404
    assert not Visit.objects.exists()


def test_adding_with_htmx_returns_only_the_register_partial(login, reception, consultant):
    response = login(reception).post(ADD, add_form(consultant), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and 'data-testid="visit-row"' in body


def test_future_day_cannot_be_registered(login, reception, consultant):
    response = login(reception).post(ADD, add_form(consultant, visit_date="2026-03-11"))
    assert "visit_date" in response.context["add_form"].errors
    assert not Visit.objects.exists()


# --- phone lookup (F / S) ------------------------------------------------------------------------


def test_phone_lookup_answers_f_for_an_unknown_phone(login, reception):
    response = login(reception).post(reverse("leads:phone_lookup"), {"phone": "13912345678"})
    assert response.status_code == 200
    assert '>F<' in response.content.decode()


def test_phone_lookup_answers_s_and_nothing_else_for_a_known_phone(login, reception, consultant):
    earlier_visit(prospect_create(consultant=consultant, phone="13912345678", name="秘密客户"))
    response = login(reception).post(reverse("leads:phone_lookup"), {"phone": "139 1234 5678"})
    body = response.content.decode()
    assert '>S<' in body
    assert "秘密客户" not in body and consultant.username not in body and str(consultant) not in body


def test_phone_lookup_reports_a_bad_number(login, reception):
    response = login(reception).post(reverse("leads:phone_lookup"), {"phone": "1234"})
    assert 'data-testid="phone-mark-error"' in response.content.decode()


# --- the consultant's part -----------------------------------------------------------------------


def test_completing_a_first_visit_creates_a_walk_in_card_pending_sign_off_with_a_task(login, consultant):
    visit = add_visit(consultant)
    # when
    response = login(consultant).post(reverse("leads:visit_complete", args=[visit.pk]), complete_form())
    # then
    assert response.status_code == 302
    customer = Customer.objects.get()
    assert customer.phone == "13912345678" and customer.name == "王小明"
    assert customer.intake == Customer.Intake.WALK_IN
    assert customer.card_status == Customer.CardStatus.PENDING
    assert customer.consultant == consultant and customer.grade == "B"
    assert customer.channel.code == "I" and customer.first_contact_on == TODAY
    assert Task.objects.filter(customer=customer, status__in=Task.PENDING).count() == 1
    visit.refresh_from_db()
    assert visit.customer == customer and visit.is_first_visit
    assert visit.left_at == time(11, 0) and visit.test_drive and visit.completed_at is not None


def test_completing_with_a_known_phone_attaches_a_repeat_visit_without_a_duplicate(login, consultant):
    existing = prospect_create(consultant=consultant, phone="13912345678", grade="A")
    earlier_visit(existing)
    visit = add_visit(consultant)
    # when
    login(consultant).post(reverse("leads:visit_complete", args=[visit.pk]), complete_form(grade="C"))
    # then
    assert Customer.objects.count() == 1
    visit.refresh_from_db()
    assert visit.customer == existing and not visit.is_first_visit
    existing.refresh_from_db()
    assert existing.grade == "C"  # the return visit is the consultant's follow-up, graded as it was left
    assert existing.contacts.get().method == "showroom"


def test_repeat_visit_of_someone_elses_customer_attaches_without_revealing_it(login, consultant, other_consultant):
    theirs = prospect_create(consultant=other_consultant, phone="13912345678", name="别人的客户")
    earlier_visit(theirs)
    visit = add_visit(consultant)
    # when
    response = login(consultant).post(
        reverse("leads:visit_complete", args=[visit.pk]), complete_form(name="自报姓名"), follow=True
    )
    # then
    assert Customer.objects.count() == 1
    visit.refresh_from_db()
    assert visit.customer == theirs and not visit.is_first_visit
    body = response.content.decode()
    assert "别人的客户" not in body
    theirs.refresh_from_db()
    assert theirs.consultant == other_consultant and theirs.name == "别人的客户"


def test_resubmitting_a_completion_creates_no_second_customer(login, consultant):
    visit = add_visit(consultant)
    client = login(consultant)
    url = reverse("leads:visit_complete", args=[visit.pk])
    client.post(url, complete_form())
    client.post(url, complete_form())
    assert Customer.objects.count() == 1


def test_leave_time_before_arrival_is_refused_with_the_typed_values_kept(login, consultant):
    visit = add_visit(consultant, arrived=time(10, 0))
    response = login(consultant).post(
        reverse("leads:visit_complete", args=[visit.pk]), complete_form(left_at="09:30", name="留下的名字")
    )
    assert response.status_code == 200
    assert "left_at" in response.context["form"].errors
    assert "留下的名字" in response.content.decode()
    assert not Customer.objects.exists()


def test_bad_phone_on_completion_is_refused_next_to_the_field(login, consultant):
    visit = add_visit(consultant)
    response = login(consultant).post(reverse("leads:visit_complete", args=[visit.pk]), complete_form(phone="1391234"))
    assert "phone" in response.context["form"].errors
    assert 'value="1391234"' in response.content.decode()
    assert not Customer.objects.exists()


def test_consultant_cannot_complete_a_teammates_row(login, consultant, teammate):
    visit = add_visit(teammate)
    url = reverse("leads:visit_complete", args=[visit.pk])
    assert login(consultant).get(url).status_code == 404
    assert login(consultant).post(url, complete_form()).status_code == 404
    assert not Customer.objects.exists()


def test_reception_cannot_complete_a_row(login, reception, consultant):
    visit = add_visit(consultant, by=reception)
    assert login(reception).get(reverse("leads:visit_complete", args=[visit.pk])).status_code == 404


def test_showroom_manager_edits_a_row_of_their_team(login, showroom_manager, consultant, teammate):
    visit = add_visit(consultant)
    response = login(showroom_manager).post(
        reverse("leads:visit_complete", args=[visit.pk]),
        complete_form(arrived_at="09:50", party_size="3", consultant=str(teammate.pk)),
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.arrived_at, visit.party_size, visit.consultant) == (time(9, 50), 3, teammate)
    assert Customer.objects.get().consultant == teammate


def test_manager_of_another_team_cannot_edit_the_row(login, other_manager, consultant):
    visit = add_visit(consultant)
    assert login(other_manager).get(reverse("leads:visit_complete", args=[visit.pk])).status_code == 404


def test_sales_manager_may_edit_any_row(login, sales_manager, consultant):
    visit = add_visit(consultant)
    assert login(sales_manager).get(reverse("leads:visit_complete", args=[visit.pk])).status_code == 200


# --- who sees what on the register ---------------------------------------------------------------


def _completed(consultant, *, phone, name, arrived=time(10, 0), left=time(10, 40), test_drive=False, channel="I"):
    visit = add_visit(consultant, arrived=arrived)
    return register_services.visit_complete(
        visit=visit, by=consultant, left_at=left, name=name, phone=phone, grade="B",
        channel=Channel.objects.get(code=channel), test_drive=test_drive,
    )


def test_reception_sees_the_whole_day_without_links_to_customer_cards(login, reception, consultant, other_consultant):
    _completed(consultant, phone="13900000001", name="甲客户")
    _completed(other_consultant, phone="13900000002", name="乙客户")
    response = login(reception).get(REGISTER)
    body = response.content.decode()
    assert "甲客户" in body and "乙客户" in body
    rows = response.context["rows"]
    assert all(not row.customer_visible and row.card_url == "" for row in rows)
    assert not any(row.editable for row in rows)


def test_consultant_sees_the_days_rows_but_not_other_consultants_customers(login, consultant, other_consultant):
    _completed(consultant, phone="13900000001", name="我的客户")
    _completed(other_consultant, phone="13900000002", name="别人的客户")
    response = login(consultant).get(REGISTER)
    body = response.content.decode()
    assert len(response.context["rows"]) == 2
    assert "我的客户" in body
    assert "别人的客户" not in body and "13900000002" not in body
    mine, theirs = response.context["rows"]
    assert mine.customer_visible and mine.editable
    assert not theirs.customer_visible and not theirs.editable


def test_register_shows_the_chosen_day_only(login, reception, consultant):
    add_visit(consultant, day=date(2026, 3, 9))
    add_visit(consultant)
    response = login(reception).get(REGISTER, {"day": "2026-03-09"})
    assert [row.visit_date for row in response.context["rows"]] == [date(2026, 3, 9)]


# --- totals --------------------------------------------------------------------------------------


def test_totals_under_the_register_equal_the_rows(login, reception, consultant, teammate):
    existing = prospect_create(consultant=consultant, phone="13900000009")
    earlier_visit(existing)
    _completed(consultant, phone="13900000001", name="甲", arrived=time(9, 0), left=time(9, 30), test_drive=True, channel="A")
    _completed(consultant, phone=existing.phone, name="乙", arrived=time(10, 0), left=time(11, 0), channel="I")
    _completed(teammate, phone="13900000003", name="丙", arrived=time(11, 0), left=time(11, 50), channel="I")
    add_visit(teammate, arrived=time(14, 0), party_size=3)  # still in the showroom
    # when
    response = login(reception).get(REGISTER)
    # then
    rows, totals = response.context["rows"], response.context["totals"]
    assert totals["parties"] == len(rows) == 4
    assert totals["people"] == sum(row.party_size for row in rows) == 6
    assert totals["first"] == sum(row.is_first_visit for row in rows) == 3
    assert totals["repeat"] == sum(not row.is_first_visit for row in rows) == 1
    assert totals["test_drives"] == sum(row.test_drive for row in rows) == 1
    assert sum(tally.count for tally in totals["by_channel"]) == len(rows)
    assert {tally.label: tally.count for tally in totals["by_channel"]}["I 路过"] == 2
    by_consultant = {tally.label: tally for tally in totals["by_consultant"]}
    assert by_consultant[str(consultant)].count == 2 and by_consultant[str(teammate)].count == 2
    assert by_consultant[str(consultant)].extra == {"first": 1, "repeat": 1, "test_drives": 1}
    assert totals["average_stay_minutes"] == round((30 + 60 + 50) / 3)
    assert 'data-testid="total-parties">4<' in response.content.decode()


def test_average_stay_is_empty_when_nobody_has_left(login, reception, consultant):
    add_visit(consultant)
    assert login(reception).get(REGISTER).context["totals"]["average_stay_minutes"] is None


# --- performance ---------------------------------------------------------------------------------


def _bulk_visits(count: int) -> None:
    consultants = [UserFactory(role=User.Role.CONSULTANT) for _ in range(4)]
    channels = list(Channel.objects.all())
    DutySlot.objects.bulk_create([DutySlot(day=TODAY, consultant=c, position=n) for n, c in enumerate(consultants, 1)])
    customers = Customer.objects.bulk_create(
        [
            CustomerFactory.build(consultant=consultants[i % 4], phone=f"1370000{i:04d}", created_by=consultants[0],
                                  updated_by=consultants[0])
            for i in range(count // 2)
        ]
    )
    Visit.objects.bulk_create(
        [
            Visit(
                visit_date=TODAY, arrived_at=time(9 + i % 10, i % 60), left_at=time(20, 0) if i % 3 else None,
                party_size=1 + i % 3, consultant=consultants[i % 4], channel=channels[i % len(channels)],
                customer=customers[i // 2] if i % 2 else None, name=f"客户{i}", phone=f"1370000{i:04d}",
                is_first_visit=bool(i % 2), test_drive=bool(i % 5 == 0), created_by=consultants[0],
            )
            for i in range(count)
        ]
    )


@pytest.mark.parametrize("rows", [10, 200])
@pytest.mark.parametrize("who", ["reception", "showroom_manager", "consultant"])
def test_visit_register_runs_a_constant_number_of_queries(request, login, django_assert_max_num_queries, rows, who):
    user = request.getfixturevalue(who)
    _bulk_visits(rows)
    client = login(user)
    with django_assert_max_num_queries(16):
        response = client.get(REGISTER)
    assert len(response.context["rows"]) == rows


def test_card_link_only_for_those_who_may_see_the_customer(login, reception, consultant, other_consultant):
    visit = _completed(consultant, phone="13900000001", name="甲客户")
    card = reverse("leads:customer_detail", args=[visit.customer_id])
    assert card in login(consultant).get(REGISTER).content.decode()
    assert card not in login(reception).get(REGISTER).content.decode()
    assert card not in login(other_consultant).get(REGISTER).content.decode()
