"""A new info card: created through the service, phone normalised and unique, one card per form."""

import pytest
from django.urls import reverse

from followups.models import Task
from leads.models import CarModel, Channel, Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
URL = reverse("leads:customer_create")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def card_data(client, **overrides):
    """The form as the browser sends it: with the submission key the GET generated."""
    form = client.get(URL).context["form"]
    data = {
        "submission_key": form.initial["submission_key"],
        "name": "王小明",
        "phone": "139-1234-5678",
        "grade": "B",
        "intake": "walk_in",
        "car_model": CarModel.objects.first().pk,
        "channel": Channel.objects.get(code="I").pk,
        "budget": "15万",
    }
    data.update(overrides)
    return data


def test_consultant_creates_pending_card_with_first_task(login, consultant):
    client = login(consultant)
    response = client.post(URL, card_data(client))
    customer = Customer.objects.get()
    assert response.status_code == 302 and response.url == reverse("leads:customer_detail", args=[customer.pk])
    assert customer.phone == "13912345678"
    assert customer.consultant == consultant and customer.created_by == consultant
    assert customer.card_status == Customer.CardStatus.PENDING
    assert customer.budget == "15万"
    assert Task.objects.filter(customer=customer, status__in=Task.PENDING).count() == 1
    assert customer.changes.filter(field="grade", new_value="B").exists()


def test_manager_creates_card_for_a_team_consultant(login, showroom_manager, teammate):
    client = login(showroom_manager)
    client.post(URL, card_data(client, consultant=teammate.pk))
    customer = Customer.objects.get()
    assert customer.consultant == teammate and customer.created_by == showroom_manager


def test_sales_manager_creates_a_key_customers_card_they_hold_themselves(login, sales_manager):
    client = login(sales_manager)
    response = client.post(URL, card_data(client, consultant=sales_manager.pk))
    customer = Customer.objects.get()
    assert response.status_code == 302 and customer.consultant == sales_manager
    assert Task.objects.get(customer=customer, status__in=Task.PENDING).assignee == sales_manager


def test_manager_cannot_assign_other_teams_consultant(login, showroom_manager, other_consultant):
    client = login(showroom_manager)
    response = client.post(URL, card_data(client, consultant=other_consultant.pk))
    assert response.status_code == 200
    assert "consultant" in response.context["form"].errors
    assert not Customer.objects.exists()


def test_consultant_form_has_no_consultant_picker(login, consultant):
    assert "consultant" not in login(consultant).get(URL).context["form"].fields


def test_create_form_shows_grade_criteria(login, consultant):
    assert 'data-testid="grade-criteria"' in login(consultant).get(URL).content.decode()


def test_bad_phone_rerenders_with_error_and_typed_values(login, consultant):
    client = login(consultant)
    response = client.post(URL, card_data(client, phone="12345", name="李四", budget="20万"))
    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert 'value="12345"' in content and 'value="李四"' in content and 'value="20万"' in content
    assert not Customer.objects.exists()


def test_duplicate_phone_links_to_the_card_the_user_may_see(login, consultant):
    existing = CustomerFactory(phone="13912345678", consultant=consultant, name="Existing")
    client = login(consultant)
    response = client.post(URL, card_data(client, phone="139 1234 5678"))
    content = response.content.decode()
    assert response.status_code == 200
    assert f'href="{reverse("leads:customer_detail", args=[existing.pk])}"' in content
    assert Customer.objects.count() == 1


def test_duplicate_phone_of_a_card_the_user_may_not_see_gives_a_neutral_message(login, consultant, other_consultant):
    hidden = CustomerFactory(phone="13912345678", consultant=other_consultant, name="Hidden name")
    client = login(consultant)
    response = client.post(URL, card_data(client))
    content = response.content.decode()
    assert "This phone number already belongs to a customer of the dealership; ask your manager." in content
    assert "Hidden name" not in content
    assert reverse("leads:customer_detail", args=[hidden.pk]) not in content


def test_double_submission_creates_one_card_and_redirects_to_it(login, consultant):
    client = login(consultant)
    data = card_data(client)
    first = client.post(URL, data)
    second = client.post(URL, data)
    customer = Customer.objects.get()
    assert first.url == second.url == reverse("leads:customer_detail", args=[customer.pk])


def test_a_new_form_with_the_same_phone_is_refused(login, consultant):
    client = login(consultant)
    client.post(URL, card_data(client))
    response = client.post(URL, card_data(client))
    assert response.status_code == 200 and response.context["form"].errors["phone"]
    assert Customer.objects.count() == 1


def test_reception_cannot_create_cards(login, reception):
    assert login(reception).get(URL).status_code == 404


def _skip_duplicate_check(monkeypatch):
    """As when two posts are validated before either is saved."""
    from leads.forms.customers import CustomerCreateForm
    from leads.phones import normalise_phone

    monkeypatch.setattr(CustomerCreateForm, "clean_phone", lambda form: normalise_phone(form.cleaned_data["phone"]))


def test_parallel_double_submission_redirects_to_the_card_just_created(login, consultant, monkeypatch):
    client = login(consultant)
    data = card_data(client)
    twin = CustomerFactory(phone="13912345678", consultant=consultant)  # the other post's card
    _skip_duplicate_check(monkeypatch)
    response = client.post(URL, data)
    assert response.status_code == 302 and response.url == reverse("leads:customer_detail", args=[twin.pk])
    assert Customer.objects.count() == 1


def test_phone_taken_by_someone_else_after_validation_gives_the_form_error(login, consultant, other_consultant, monkeypatch):
    client = login(consultant)
    data = card_data(client)
    CustomerFactory(phone="13912345678", consultant=other_consultant)
    _skip_duplicate_check(monkeypatch)
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "ask your manager" in response.context["form"].errors["phone"][0]


@pytest.mark.parametrize("typed", ["１３９１２３４５６７８", "١٣٩١٢٣٤٥٦٧٨", "१३९१२३४५६७८"])
def test_a_phone_in_other_digit_forms_is_the_same_phone(login, consultant, typed):
    existing = CustomerFactory(phone="13912345678", consultant=consultant, name="Existing")
    client = login(consultant)
    response = client.post(URL, card_data(client, phone=typed))
    assert response.status_code == 200
    assert f'href="{reverse("leads:customer_detail", args=[existing.pk])}"' in response.content.decode()
    assert Customer.objects.count() == 1
