"""Logging a contact: one transaction for contact, grade and next task; safe redirects; one row per form."""

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from followups.models import Task
from leads.models import Contact
from tests.factories import prospect_create

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(timezone.make_aware(datetime(2026, 3, 10, 15, 0)), tick=False):
        yield


def contact_url(customer, **params):
    url = reverse("leads:contact_create", args=[customer.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def contact_data(client, customer, **overrides):
    form = client.get(contact_url(customer)).context["form"]
    data = {
        "submission_key": form.initial["submission_key"],
        "method": "phone",
        "contacted_at": "2026-03-10T14:30",
        "content": "Talked about colours",
        "result": "Wants white",
        "grade_after": "A",
        "next_followup_on": "2026-03-12",
        "next_followup_reason": "Send the quote",
    }
    data.update(overrides)
    return data


def test_form_defaults_to_now_and_current_grade(login, consultant):
    customer = prospect_create(consultant=consultant, grade="C")
    response = login(consultant).get(contact_url(customer))
    form = response.context["form"]
    assert form.initial["grade_after"] == "C"
    assert form.initial["contacted_at"] == timezone.localtime().replace(second=0, microsecond=0)
    assert 'data-testid="grade-criteria"' in response.content.decode()


def test_logging_a_contact_regrades_and_schedules_the_next_task(login, consultant):
    customer = prospect_create(consultant=consultant, grade="B", first_contact_on=TODAY)
    client = login(consultant)
    response = client.post(contact_url(customer), contact_data(client, customer, grade_after="C"))
    assert response.status_code == 302 and response.url == reverse("leads:customer_detail", args=[customer.pk])
    contact = Contact.objects.get()
    assert contact.consultant == consultant and contact.result == "Wants white"
    customer.refresh_from_db()
    # C is followed up weekly: the consultant's earlier date (12th) wins over the rule's (17th).
    assert customer.grade == "C" and customer.last_contact_on == TODAY
    assert customer.next_followup_on == date(2026, 3, 12) and customer.next_followup_reason == "Send the quote"
    open_task = Task.objects.get(customer=customer, status__in=Task.PENDING)
    assert open_task.due_on == date(2026, 3, 12)
    assert Task.objects.filter(customer=customer, status=Task.Status.DONE, contact=contact).exists()


def test_agreed_appointment_sets_the_next_task(login, consultant):
    customer = prospect_create(consultant=consultant, grade="C", first_contact_on=TODAY)
    client = login(consultant)
    client.post(contact_url(customer), contact_data(client, customer, grade_after="C", next_followup_on="", appointment_at="2026-03-14T10:00"))
    task = Task.objects.get(customer=customer, status__in=Task.PENDING)
    assert (task.kind, task.due_on) == (Task.Kind.APPOINTMENT, date(2026, 3, 14))


def test_double_submission_logs_one_contact(login, consultant):
    customer = prospect_create(consultant=consultant)
    client = login(consultant)
    data = contact_data(client, customer)
    client.post(contact_url(customer), data)
    second = client.post(contact_url(customer), data)
    assert second.status_code == 302
    assert Contact.objects.count() == 1


def test_redirects_to_safe_next_url(login, consultant):
    customer = prospect_create(consultant=consultant)
    client = login(consultant)
    response = client.post(contact_url(customer, next="/followups/today/"), contact_data(client, customer))
    assert response.url == "/followups/today/"


def test_ignores_next_url_to_another_site(login, consultant):
    customer = prospect_create(consultant=consultant)
    client = login(consultant)
    response = client.post(contact_url(customer, next="https://evil.example/"), contact_data(client, customer))
    assert response.url == reverse("leads:customer_detail", args=[customer.pk])


def test_next_is_carried_in_the_form(login, consultant):
    customer = prospect_create(consultant=consultant)
    response = login(consultant).get(contact_url(customer, next="/followups/today/"))
    assert response.status_code == 200
    assert 'name="next" value="/followups/today/"' in response.content.decode()


def test_bad_input_rerenders_with_errors_and_typed_values(login, consultant):
    customer = prospect_create(consultant=consultant)
    client = login(consultant)
    response = client.post(
        contact_url(customer),
        contact_data(client, customer, content="", next_followup_on="2026-03-01", result="Typed result"),
    )
    form = response.context["form"]
    assert response.status_code == 200
    assert "content" in form.errors and "next_followup_on" in form.errors
    assert 'value="Typed result"' in response.content.decode()
    assert not Contact.objects.exists()


def test_contact_in_the_future_is_refused(login, consultant):
    customer = prospect_create(consultant=consultant)
    client = login(consultant)
    response = client.post(contact_url(customer), contact_data(client, customer, contacted_at="2026-03-11T09:00"))
    assert "contacted_at" in response.context["form"].errors


def test_teammate_cannot_log_a_contact(login, consultant, teammate):
    customer = prospect_create(consultant=consultant)
    client = login(teammate)
    assert client.get(contact_url(customer)).status_code == 404
    assert client.post(contact_url(customer), {"content": "x"}).status_code == 404
    assert not Contact.objects.exists()
