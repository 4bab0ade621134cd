"""Working a task from the today page: calendar tasks closed by their own form, "not reached", escalations."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from followups import services
from followups.models import Task
from followups.selectors import nav_counts
from leads.models import Contact, Customer
from tests.factories import prospect_create
from tests.owners.conftest import owner

pytestmark = pytest.mark.django_db


def _care_task(consultant, day, **fields) -> Task:
    owned = owner(consultant, phone=fields.pop("phone", "13912345678"), name=fields.pop("name", "保养车主"))
    return Task.objects.create(
        customer=owned, kind=Task.Kind.CARE_MILESTONE, due_on=day, assignee=consultant,
        status=Task.Status.OVERDUE if day < timezone.localdate() else Task.Status.OPEN, reason="三个月回访：首保提醒",
        **fields,
    )


def _work_url(task, **query) -> str:
    return f"{reverse('followups:task_work', args=[task.pk])}?{urlencode({'next': reverse('followups:today'), **query})}"


def _done_post(task, **fields) -> dict:
    return {"action": "done", "method": "phone", "contacted_at": "2026-03-11T09:00", "content": "首保已约",
            "result": "周六到店", "next": reverse("followups:today"), **fields}


def test_a_care_task_is_closed_from_the_today_page_in_one_post(login, consultant, frozen_today):
    # given an overdue care task on the today page, with its "Done…" and "Not reached" links
    task = _care_task(consultant, frozen_today - timedelta(days=3))
    client = login(consultant)
    page = client.get(reverse("followups:today"))
    assert list(page.context["overdue_page"]) == [task]
    body = page.content.decode()
    assert f'href="{_work_url(task)}"'.replace("&", "&amp;") in body
    assert f'href="{_work_url(task, retry="1")}"'.replace("&", "&amp;") in body
    badge = nav_counts(consultant)["today"]
    # the form is prefilled for the kind
    form = client.get(_work_url(task)).context["work_form"]
    assert form.initial["method"] == "phone" and form.initial["content"] == "三个月回访：首保提醒"
    # when
    response = client.post(reverse("followups:task_work", args=[task.pk]), _done_post(task))
    # then one contact on the customer, the grade unchanged, the task done by it
    assert response.status_code == 302 and response.url == reverse("followups:today")
    task.refresh_from_db()
    contact = Contact.objects.get(customer=task.customer)
    assert (task.status, task.contact, task.closed_at is not None) == (Task.Status.DONE, contact, True)
    assert (contact.content, contact.result, contact.grade_after, contact.consultant) == (
        "首保已约", "周六到店", task.customer.grade, consultant)
    assert contact.next_followup_on is None
    after = client.get(reverse("followups:today"))
    assert task not in list(after.context["overdue_page"])
    assert nav_counts(consultant)["today"] == badge - 1


def test_a_task_of_another_teams_customer_is_not_found(login, consultant, other_consultant, frozen_today):
    # given
    task = _care_task(other_consultant, frozen_today)
    client = login(consultant)
    # when / then
    assert client.get(_work_url(task)).status_code == 404
    assert client.post(reverse("followups:task_work", args=[task.pk]), _done_post(task)).status_code == 404
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN and not Contact.objects.exists()


def test_not_reached_moves_the_date_and_keeps_the_task_open(login, consultant, frozen_today):
    # given
    task = _care_task(consultant, frozen_today - timedelta(days=2))
    on = frozen_today + timedelta(days=2)
    # when
    response = login(consultant).post(reverse("followups:task_work", args=[task.pk]), {
        "action": "retry", "on": on.isoformat(), "reason": "无人接听", "next": reverse("followups:today")})
    # then
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.due_on) == (Task.Status.OPEN, on)
    assert task.reason.startswith("三个月回访：首保提醒; ") and task.reason.endswith("无人接听")
    assert not Contact.objects.exists()


def test_not_reached_refuses_a_past_day_or_one_beyond_a_year(login, consultant, frozen_today):
    task = _care_task(consultant, frozen_today)
    client = login(consultant)
    for on in (frozen_today - timedelta(days=1), frozen_today + timedelta(days=366)):
        response = client.post(reverse("followups:task_work", args=[task.pk]), {"action": "retry", "on": on.isoformat()})
        assert response.status_code == 400
    task.refresh_from_db()
    assert task.due_on == frozen_today


def test_not_reached_works_for_a_prospect_task_too(login, consultant, frozen_today):
    customer = prospect_create(consultant=consultant, grade=Customer.Grade.A)
    task = Task.objects.get(customer=customer, status__in=Task.PENDING)
    on = frozen_today + timedelta(days=1)
    response = login(consultant).post(reverse("followups:task_work", args=[task.pk]), {"action": "retry", "on": on.isoformat()})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.due_on) == (Task.Status.OPEN, on)


def test_not_reached_on_a_prospect_task_moves_the_cards_next_follow_up_with_it(login, consultant, frozen_today):
    from followups.models import PlannedDate

    # given an H prospect's overdue follow-up
    customer = prospect_create(consultant=consultant, grade=Customer.Grade.H, first_contact_on=frozen_today - timedelta(days=4))
    task = Task.objects.get(customer=customer, status__in=Task.PENDING)
    assert task.due_on < frozen_today and customer.next_followup_on == task.due_on
    version = customer.version
    on = frozen_today + timedelta(days=2)
    client = login(consultant)
    # when the consultant did not reach them and tries again in two days
    response = client.post(reverse("followups:task_work", args=[task.pk]),
                           {"action": "retry", "on": on.isoformat(), "reason": "关机", "next": reverse("followups:today")})
    # then the task and the card agree on the new date, the card's save recorded (who, a new version)
    assert response.status_code == 302
    task.refresh_from_db()
    customer.refresh_from_db()
    assert (task.due_on, task.status) == (on, Task.Status.OPEN)
    assert customer.next_followup_on == on
    assert (customer.updated_by, customer.version) == (consultant, version + 1)
    # the date it replaced is kept as a planned date, replaced today; no contact was recorded
    rows = list(PlannedDate.objects.filter(task=task).order_by("id").values_list("planned_on", "replaced_on"))
    assert rows[-2:] == [(frozen_today - timedelta(days=3), frozen_today), (on, None)]
    assert not Contact.objects.filter(customer=customer).exists()
    # and the card shows the new date
    assert on.isoformat() in client.get(reverse("leads:customer_detail", args=[customer.pk])).content.decode()


def test_the_same_task_form_posted_twice_records_one_contact(login, consultant, frozen_today):
    # given
    task = _care_task(consultant, frozen_today)
    client = login(consultant)
    url = reverse("followups:task_work", args=[task.pk])
    # when
    first = client.post(url, _done_post(task))
    second = client.post(url, _done_post(task))
    # then
    assert first.status_code == 302 and second.status_code == 302
    assert Contact.objects.filter(customer=task.customer).count() == 1
    # and the service refuses a second claim outright
    stale = Task.objects.get(pk=task.pk)
    stale.status = Task.Status.OPEN
    with pytest.raises(services.TaskWorkError):
        services.task_work(task=stale, by=consultant, contacted_at=timezone.now(),
                           method="phone", content="x", result="")
    assert Contact.objects.filter(customer=task.customer).count() == 1


def test_prospect_tasks_and_escalations_link_to_the_contact_form(login, consultant, showroom_manager, frozen_today):
    customer = prospect_create(consultant=consultant, grade=Customer.Grade.H)
    Task.objects.filter(customer=customer).update(due_on=frozen_today)
    escalation = Task.objects.create(customer=customer, kind=Task.Kind.ESCALATION, due_on=frozen_today, assignee=showroom_manager)
    contact_form = reverse("leads:contact_create", args=[customer.pk]) + "?" + urlencode({"next": reverse("followups:today")})
    for user in (consultant, showroom_manager):
        body = login(user).get(reverse("followups:today")).content.decode()
        assert f'href="{contact_form}"' in body
        assert 'data-testid="task-done"' not in body
    assert login(showroom_manager).get(_work_url(escalation)).status_code == 404


def test_a_contact_on_an_h_prospect_closes_its_open_escalation_at_once(login, consultant, showroom_manager, frozen_today):
    # given an H prospect overdue and escalated to the manager
    customer = prospect_create(consultant=consultant, grade=Customer.Grade.H, name="升级客户")
    Task.objects.filter(customer=customer).update(due_on=frozen_today - timedelta(days=2), status=Task.Status.OVERDUE)
    escalation = Task.objects.create(customer=customer, kind=Task.Kind.ESCALATION, due_on=frozen_today, assignee=showroom_manager)
    assert nav_counts(showroom_manager)["today"] == 1
    # when the consultant logs the contact from the today page
    response = login(consultant).post(
        reverse("leads:contact_create", args=[customer.pk]) + "?" + urlencode({"next": reverse("followups:today")}),
        {"method": "phone", "contacted_at": "2026-03-11T09:00", "content": "已联系", "grade_after": "H",
         "next_followup_reason": "约定到店"},
    )
    # then
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.status == Task.Status.DONE and escalation.closed_at is not None
    assert nav_counts(showroom_manager)["today"] == 0
