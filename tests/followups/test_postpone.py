"""The next follow-up's reason is required; with it a consultant may postpone past the rule, and every
planned date is kept (docs/domain.md, "Grades", "Follow-ups", "Reports")."""

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from followups.models import PlannedDate, Task
from leads.models import Contact
from leads.services import contact_log, customer_regrade
from reports.progress import progress_prospects, progress_sheet
from tests.factories import prospect_create

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 10)  # a Tuesday
REASON = "Customer abroad until the end of March"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(timezone.make_aware(datetime(2026, 3, 10, 15, 0)), tick=False):
        yield


def contact_url(customer):
    return reverse("leads:contact_create", args=[customer.pk])


def contact_data(client, customer, **overrides):
    form = client.get(contact_url(customer)).context["form"]
    data = {
        "submission_key": form.initial["submission_key"],
        "method": "phone",
        "contacted_at": "2026-03-10T14:30",
        "content": "Talked about colours",
        "result": "Wants white",
        "grade_after": "A",
        "next_followup_on": "2026-03-30",
        "next_followup_reason": REASON,
    }
    data.update(overrides)
    return data


def postponed_prospect(client, consultant, **fields):
    """An A prospect first met on 2 March (first follow-up planned 5 March, missed), contacted today
    and postponed with a reason to 30 March; the A rule would have said 11 March."""
    customer = prospect_create(consultant=consultant, grade="A", first_contact_on=date(2026, 3, 2), **fields)
    response = client.post(contact_url(customer), contact_data(client, customer))
    assert response.status_code == 302
    customer.refresh_from_db()
    return customer


def test_a_contact_without_reason_is_refused_and_keeps_what_was_typed(login, consultant):
    customer = prospect_create(consultant=consultant, grade="A")
    client = login(consultant)

    response = client.post(contact_url(customer), contact_data(client, customer, next_followup_reason="  "))

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["next_followup_reason"]
    assert "reason for the next follow-up" in form.errors["next_followup_reason"][0]
    html = response.content.decode()
    assert "Talked about colours" in html and 'value="Wants white"' in html and 'value="2026-03-30"' in html
    assert not Contact.objects.exists()


def test_the_form_explains_postponing(login, consultant):
    customer = prospect_create(consultant=consultant, grade="A")

    form = login(consultant).get(contact_url(customer)).context["form"]

    assert form.fields["next_followup_reason"].required
    assert "postpones" in str(form.fields["next_followup_on"].help_text)


def test_services_may_still_log_a_contact_without_reason(consultant):
    customer = prospect_create(consultant=consultant, grade="A", first_contact_on=TODAY)

    contact_log(
        customer=customer, by=consultant, contacted_at=timezone.now(), method="phone", content="called",
        grade_after="A", next_followup_on=date(2026, 3, 30),
    )

    customer.refresh_from_db()
    # Without a reason a later date is no postponement: the A rule's date stands.
    assert customer.next_followup_on == date(2026, 3, 11)
    assert not PlannedDate.objects.filter(postponed=True).exists()


def test_postponement_with_reason_moves_the_task_past_the_rule_and_keeps_the_planned_dates(login, consultant):
    customer = postponed_prospect(login(consultant), consultant)

    task = Task.objects.get(customer=customer, status__in=Task.PENDING)
    assert (task.due_on, task.kind, task.reason) == (date(2026, 3, 30), "cadence", REASON)
    assert customer.next_followup_on == date(2026, 3, 30)
    first = PlannedDate.objects.get(task__customer=customer, task__status=Task.Status.DONE)
    assert (first.planned_on, first.replaced_on, first.postponed) == (date(2026, 3, 5), None, False)
    row = PlannedDate.objects.get(task=task)
    assert (row.planned_on, row.rule_on, row.postponed, row.by, row.reason) == (
        date(2026, 3, 30), date(2026, 3, 11), True, consultant, REASON
    )

    # A regrade moves the task again: the postponed date is replaced, not lost.
    customer_regrade(customer=customer, grade="H", by=consultant)

    task.refresh_from_db()
    assert task.due_on == date(2026, 3, 12)  # H: two days after the last contact
    rows = list(PlannedDate.objects.filter(task=task).order_by("id").values_list("planned_on", "replaced_on", "postponed"))
    assert rows == [(date(2026, 3, 30), TODAY, True), (date(2026, 3, 12), None, False)]


def test_morning_meeting_lists_postponements_of_visible_h_and_a_prospects(
    login, consultant, other_consultant, showroom_manager
):
    postponed = postponed_prospect(login(consultant), consultant, name="推迟客户")
    postponed_prospect(login(other_consultant), other_consultant, name="别组推迟")  # another team
    cold = postponed_prospect(login(consultant), consultant, name="降级客户")
    customer_regrade(customer=cold, grade="C", by=consultant)  # no longer H/A

    response = login(showroom_manager).get(reverse("followups:morning"))

    rows = response.context["meeting"].postponements
    assert [(r.task.customer, r.rule_on, r.planned_on, r.reason) for r in rows] == [
        (postponed, date(2026, 3, 11), date(2026, 3, 30), REASON)
    ]
    section = response.content.decode().split('data-testid="postponements"', 1)[1].split("</section>", 1)[0]
    assert f'data-testid="postponement-{postponed.pk}"' in section
    assert "推迟客户" in section and "03-11" in section and "03-30" in section and REASON in section
    assert "别组推迟" not in section and "降级客户" not in section


def test_postponements_older_than_a_week_leave_the_morning_meeting(login, consultant, showroom_manager):
    postponed_prospect(login(consultant), consultant)

    with time_machine.travel(timezone.make_aware(datetime(2026, 3, 17, 9, 0)), tick=False):
        rows = login(showroom_manager).get(reverse("followups:morning")).context["meeting"].postponements

    assert rows == []


def test_progress_sheet_shows_replaced_planned_dates_and_late_contacts(login, consultant):
    client = login(consultant)
    customer = postponed_prospect(client, consultant)
    customer_regrade(customer=customer, grade="H", by=consultant)

    sheet = progress_sheet(
        consultant=consultant, month=TODAY, customers=list(progress_prospects(user=consultant, consultant=consultant))
    )

    (row,) = sheet.rows
    marks = {cell.day.day: cell.mark for cell in row.cells if cell.mark}
    # 5th planned (met late by the contact of the 10th), 30th planned then replaced, 12th planned now.
    assert marks == {5: "○", 10: "▲", 12: "○", 30: "△"}
    html = client.get(reverse("reports:progress"), {"month": "2026-03"}).content.decode()
    assert 'data-late="1"' in html and 'data-replaced="1"' in html
