"""A month of a showroom, end to end (docs/domain.md, "Registers", "Follow-ups", "Order, delivery,
defeat, handover"): the clock travels through March 2026 a day at a time; each morning the daily job
runs, then reception, the consultant and the showroom manager do that day's work through the pages.

Every task kind comes up, is worked on its page and closes. What is deliberately left undone — the
follow-up of 王二 (P2), postponed to 20 March and then forgotten, and the escalation it raises — is, at
the end, everything on the overdue lists, and nothing else is.
"""

import re
import uuid
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from followups import selectors
from followups.models import Task
from followups.services import followups_run_daily
from leads.models import CarModel, Channel, Contact, Customer, Order, Visit
from owners.models import Vehicle
from tests.owners.conftest import defeated, delivered

pytestmark = pytest.mark.django_db

TODAY_PAGE = reverse("followups:today")
P1, P2 = "13800000001", "13800000002"


def d(day: int) -> date:
    return date(2026, 3, day)


def moment(day: date, hour: int = 9):
    return time_machine.travel(timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour)), tick=False)


# --- What people do on the pages ----------------------------------------------------------------


def reception_registers_visit(client, consultant, *, phone: str, arrived: str = "10:00") -> Visit:
    response = client.post(reverse("leads:visit_add"), {
        "visit_date": timezone.localdate().isoformat(), "arrived_at": arrived, "party_size": "2",
        "consultant": str(consultant.pk), "phone": phone, "submission_key": str(uuid.uuid4()),
    })
    assert response.status_code == 302
    return Visit.objects.latest("id")


def consultant_completes_visit(client, visit: Visit, *, name: str, grade: str, left: str = "11:00") -> None:
    response = client.post(reverse("leads:visit_complete", args=[visit.pk]), {
        "version": str(visit.version), "left_at": left, "name": name, "phone": visit.phone, "grade": grade,
        "discussion": f"{name}：看车、谈价格", "channel": str(Channel.objects.get(code="I").pk),
    })
    assert response.status_code == 302, response.context["form"].errors


def reception_logs_phone_in(client, consultant, *, phone: str, name: str, grade: str) -> Customer:
    response = client.post(reverse("leads:phone_call_add"), {
        "call_date": timezone.localdate().isoformat(), "called_at": "09:30", "consultant": str(consultant.pk),
        "name": name, "phone": phone, "grade": grade, "content": "问价格", "submission_key": str(uuid.uuid4()),
    })
    assert response.status_code == 302
    return Customer.objects.get(phone=phone)


def task_row(client, task: Task) -> str:
    """The task's row on the user's today page (it must be there)."""
    body = client.get(TODAY_PAGE).content.decode()
    match = re.search(rf'<tr data-testid="task-{task.pk}">(.*?)</tr>', body, re.S)
    assert match, f"{task} is not on the today page"
    return match[1]


def link(row: str, testid: str) -> str:
    match = re.search(rf'href="([^"]+)" data-testid="{testid}"', row)
    assert match, f"no {testid} link in the row"
    return match[1].replace("&amp;", "&")


def pending(customer: Customer, *kinds) -> Task:
    return Task.objects.get(customer=customer, kind__in=kinds or Task.PROSPECT_KINDS, status__in=Task.PENDING)


def logs_contact_via_page(client, task: Task, *, grade: str, reason: str = "继续跟进", **fields) -> Contact:
    """From the task's row on the today page: "Log contact", the contact form, back to the today page."""
    url = link(task_row(client, task), "log-contact")
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "method": "phone", "contacted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "content": "电话跟进",
        "grade_after": grade, "next_followup_reason": reason, **fields,
    })
    assert response.status_code == 302 and response.url == TODAY_PAGE
    return Contact.objects.filter(customer_id=task.customer_id).latest("id")


def works_task_via_page(client, task: Task) -> None:
    """A calendar task's "Done…": its own form, prefilled, sent as it is."""
    url = link(task_row(client, task), "task-done")
    form = client.get(url).context["work_form"]
    data = {name: form[name].value() for name in ("method", "content")}
    data.update(action="done", contacted_at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"), result="已联系")
    assert client.post(url, data).status_code == 302


def not_reached_via_page(client, task: Task, *, on: date) -> None:
    url = link(task_row(client, task), "task-retry")
    assert client.post(url, {"action": "retry", "on": on.isoformat(), "reason": "无人接听"}).status_code == 302


def assert_done(task: Task) -> None:
    task.refresh_from_db()
    assert task.status == Task.Status.DONE and task.closed_at is not None, task


# --- The month -----------------------------------------------------------------------------------


def test_a_month_of_a_showroom(client, consultant, showroom_manager, reception):
    # Given, from before March: an owner whose car turns three on 5 March (the trade-in care step), an
    # owner whose first purchase anniversary is 10 April (insurance on 10 March) born on 15 March, and a
    # customer defeated on 10 December (revisit every 90 days: 10 March).
    with moment(date(2023, 3, 5)):
        veteran = delivered(consultant, delivered_on=date(2023, 3, 5), phone="13900000001", name="老张")
    with moment(date(2025, 4, 10)):
        repeat_buyer = delivered(consultant, delivered_on=date(2025, 4, 10), phone="13900000002", name="李女士",
                                 birthday=date(1980, 3, 15))
    with moment(date(2025, 12, 10)):
        lost = defeated(consultant, showroom_manager, phone="13900000003", name="赵先生")
    model = CarModel.objects.first()

    def as_(user):
        client.force_login(user)
        return client

    seen = {}
    for day in (date(2026, 3, 1) + timedelta(days=n) for n in range(30)):
        with moment(day):
            followups_run_daily(day=day)

            if day == d(1):
                # A first walk-in (H) and a phone-in (A): new cards, first follow-ups by the first-contact rule.
                visit = reception_registers_visit(as_(reception), consultant, phone=P1)
                consultant_completes_visit(as_(consultant), visit, name="王一", grade="H")
                p1 = Customer.objects.get(phone=P1)
                p2 = reception_logs_phone_in(as_(reception), consultant, phone=P2, name="王二", grade="A")
                assert (pending(p1).kind, pending(p1).due_on) == (Task.Kind.FIRST_CONTACT, d(2))
                assert (pending(p2).kind, pending(p2).due_on) == (Task.Kind.FIRST_CONTACT, d(4))
                seen["first_contact"] = pending(p1)

            elif day == d(2):
                logs_contact_via_page(as_(consultant), pending(p1), grade="H")
                assert_done(seen["first_contact"])
                seen["cadence"] = pending(p1)
                assert (seen["cadence"].kind, seen["cadence"].due_on) == (Task.Kind.CADENCE, d(4))

            elif day == d(4):
                # P1 comes back: the return visit completed on the register is the follow-up.
                visit = reception_registers_visit(as_(reception), consultant, phone=P1, arrived="14:00")
                assert visit.visit_mark == "S"
                consultant_completes_visit(as_(consultant), visit, name="王一", grade="H", left="15:00")
                assert_done(seen["cadence"])
                p1.refresh_from_db()
                assert Contact.objects.filter(customer=p1).count() == 2
                assert seen["cadence"].contact == Contact.objects.filter(customer=p1).latest("id")
                assert p1.last_contact_on == d(4)
                assert pending(p1).due_on == p1.next_followup_on == d(6)  # H: every 2 days

            elif day == d(5):
                # P2 was not contacted by 4 March: overdue, escalated to the showroom manager, who calls.
                seen["escalation"] = escalation = pending(p2, Task.Kind.ESCALATION)
                assert escalation.assignee == showroom_manager
                assert p2.name in task_row(as_(showroom_manager), escalation)
                logs_contact_via_page(as_(showroom_manager), escalation, grade="A", reason="客户出差，20日回来",
                                      next_followup_on=d(20).isoformat())
                assert_done(escalation)
                assert pending(p2).due_on == d(20)
                # The veteran's three-year care task offers the trade-in; worked and closed.
                seen["care"] = care = pending(veteran, Task.Kind.CARE_MILESTONE)
                assert 'data-testid="trade-in-reopen"' in task_row(as_(consultant), care)
                works_task_via_page(as_(consultant), care)
                assert_done(care)

            elif day == d(6):
                logs_contact_via_page(as_(consultant), pending(p1), grade="H", reason="约8日下午到店签单",
                                      appointment_at="2026-03-08T15:00")
                seen["appointment"] = pending(p1)
                assert (seen["appointment"].kind, seen["appointment"].due_on) == (Task.Kind.APPOINTMENT, d(8))

            elif day == d(8):
                logs_contact_via_page(as_(consultant), seen["appointment"], grade="H", reason="到店签单")
                assert_done(seen["appointment"])
                response = as_(consultant).post(reverse("leads:order_create", args=[p1.pk]), {
                    "ordered_on": day.isoformat(), "car_model": model.pk, "price": "180000", "deposit": "5000",
                    "submission_key": str(uuid.uuid4()),
                })
                assert response.status_code == 302
                p1.refresh_from_db()
                assert (p1.status, p1.grade, pending(p1).due_on) == (Customer.Status.ORDERED, "O", d(15))

            elif day == d(10):
                # The order is cancelled: a prospect again, graded C, followed up weekly from the last contact.
                order = Order.objects.get(customer=p1)
                response = as_(consultant).post(reverse("leads:order_cancel", args=[order.pk]),
                                                {"reason": "资金周转不开", "deposit_refunded": "on", "grade": "C"})
                assert response.status_code == 302
                p1.refresh_from_db()
                assert (p1.status, p1.grade, pending(p1).due_on) == (Customer.Status.ACTIVE, "C", d(15))
                # Insurance renewal worked; the defeated customer's revisit not reached, tried again on the 12th.
                seen["insurance"] = insurance = pending(repeat_buyer, Task.Kind.INSURANCE)
                works_task_via_page(as_(consultant), insurance)
                assert_done(insurance)
                seen["defeat_revisit"] = revisit = pending(lost, Task.Kind.DEFEAT_REVISIT)
                not_reached_via_page(as_(consultant), revisit, on=d(12))

            elif day == d(12):
                works_task_via_page(as_(consultant), seen["defeat_revisit"])
                assert_done(seen["defeat_revisit"])

            elif day == d(15):
                seen["birthday"] = birthday = pending(repeat_buyer, Task.Kind.BIRTHDAY)
                works_task_via_page(as_(consultant), birthday)
                assert_done(birthday)
                logs_contact_via_page(as_(consultant), pending(p1), grade="C")

            elif day == d(16):
                # The owner wants a second car: opened as a prospect again from the owner card.
                page = as_(consultant).get(reverse("owners:owner_detail", args=[repeat_buyer.pk]))
                assert page.status_code == 200
                response = client.post(reverse("owners:customer_reopen", args=[repeat_buyer.pk]),
                                       {"reason": "second_car", "grade": "B"})
                assert response.status_code == 302
                repeat_buyer.refresh_from_db()
                assert repeat_buyer.status == Customer.Status.ACTIVE and repeat_buyer.vehicles.count() == 1
                assert (pending(repeat_buyer).kind, pending(repeat_buyer).due_on) == (Task.Kind.FIRST_CONTACT, d(23))

            elif day == d(18):
                visit = reception_registers_visit(as_(reception), consultant, phone=repeat_buyer.phone)
                consultant_completes_visit(as_(consultant), visit, name=repeat_buyer.name, grade="B")
                assert pending(repeat_buyer).due_on == d(22)

            # The routine: the second-car prospect (B, every 4 days) and P1 (C, weekly) followed up when due.
            if day in (d(22), d(26), d(30)):
                logs_contact_via_page(as_(consultant), pending(repeat_buyer), grade="B")
            if day in (d(22), d(29)):
                logs_contact_via_page(as_(consultant), pending(p1), grade="C")

    # Then every kind of task was created, worked on its page and closed.
    done = set(Task.objects.filter(status=Task.Status.DONE).values_list("kind", flat=True))
    assert done == set(Task.Kind.values)
    assert Vehicle.objects.filter(customer=repeat_buyer).count() == 1
    # and on the last day the overdue lists hold exactly what was left undone: P2's follow-up, due
    # 20 March, and its escalation to the manager (raised on the 21st).
    with moment(d(30), hour=18):
        left_task = pending(p2)
        left_escalation = pending(p2, Task.Kind.ESCALATION)
        assert (left_task.due_on, left_escalation.due_on) == (d(20), d(21))
        for user, expected in ((consultant, [left_task]), (showroom_manager, [left_escalation])):
            lists = selectors.today_lists(user, today=d(30))
            assert list(lists.overdue) == expected and lists.due_today == []
            page = as_(user).get(TODAY_PAGE)
            assert list(page.context["overdue_page"]) == expected and page.context["lists"].due_today == []
            assert selectors.nav_counts(user)["today"] == 1
        assert set(Task.objects.filter(status__in=Task.PENDING, due_on__lt=d(30)).values_list("pk", flat=True)) == {
            left_task.pk, left_escalation.pk}
