"""The customer list: scoped to the user, searchable, filterable, paginated, constant queries."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from leads.models import Channel, Customer
from tests.factories import CustomerFactory, prospect_create

pytestmark = pytest.mark.django_db
URL = reverse("leads:customer_list")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def names_on(response) -> set[str]:
    return {customer.name for customer in response.context["page"].object_list}


def test_consultant_sees_only_own_customers(login, consultant, teammate, other_consultant):
    # given
    CustomerFactory(name="Mine", consultant=consultant)
    CustomerFactory(name="Teammate's", consultant=teammate)
    CustomerFactory(name="Other team's", consultant=other_consultant)
    # when
    response = login(consultant).get(URL)
    # then
    assert response.status_code == 200
    assert names_on(response) == {"Mine"}
    assert b"Teammate&#x27;s" not in response.content and b"Other team" not in response.content


def test_showroom_manager_sees_team_only(login, showroom_manager, consultant, teammate, other_consultant):
    CustomerFactory(name="Mine", consultant=consultant)
    CustomerFactory(name="Teammate", consultant=teammate)
    CustomerFactory(name="Other", consultant=other_consultant)
    response = login(showroom_manager).get(URL)
    assert names_on(response) == {"Mine", "Teammate"}


def test_sales_manager_sees_whole_dealership(login, sales_manager, consultant, other_consultant):
    CustomerFactory(name="Mine", consultant=consultant)
    CustomerFactory(name="Other", consultant=other_consultant)
    assert names_on(login(sales_manager).get(URL)) == {"Mine", "Other"}


def test_reception_gets_404(login, reception, consultant):
    CustomerFactory(consultant=consultant)
    assert login(reception).get(URL).status_code == 404


def test_search_by_name(login, consultant):
    CustomerFactory(name="王小明", consultant=consultant)
    CustomerFactory(name="李四", consultant=consultant)
    assert names_on(login(consultant).get(URL, {"q": "小明"})) == {"王小明"}


@pytest.mark.parametrize("typed", ["13912345678", "1234 5678", "139-1234-5678", "+86 139 1234 5678", "345"])
def test_search_by_whole_or_part_of_phone_ignores_spaces_and_dashes(login, consultant, typed):
    CustomerFactory(name="Found", phone="13912345678", consultant=consultant)
    CustomerFactory(name="Not found", phone="13800000000", consultant=consultant)
    assert names_on(login(consultant).get(URL, {"q": typed})) == {"Found"}


def test_search_never_finds_other_peoples_customers(login, consultant, other_consultant):
    CustomerFactory(name="Hidden", phone="13912345678", consultant=other_consultant)
    response = login(consultant).get(URL, {"q": "13912345678"})
    assert names_on(response) == set()


def test_filter_by_grade_status_and_channel(login, consultant):
    channel = Channel.objects.get(code="H")
    CustomerFactory(name="H active referral", grade="H", channel=channel, consultant=consultant)
    CustomerFactory(name="H ordered", grade="H", status=Customer.Status.ORDERED, consultant=consultant)
    CustomerFactory(name="B active", grade="B", consultant=consultant)
    client = login(consultant)
    assert names_on(client.get(URL, {"grade": "H"})) == {"H active referral", "H ordered"}
    assert names_on(client.get(URL, {"grade": "H", "status": "active"})) == {"H active referral"}
    assert names_on(client.get(URL, {"channel": channel.pk})) == {"H active referral"}


def test_manager_filters_by_consultant(login, showroom_manager, consultant, teammate):
    CustomerFactory(name="Alice's", consultant=consultant)
    CustomerFactory(name="Amy's", consultant=teammate)
    response = login(showroom_manager).get(URL, {"consultant": teammate.pk})
    assert names_on(response) == {"Amy's"}


def test_manager_cannot_filter_by_other_teams_consultant(login, showroom_manager, consultant, other_consultant):
    CustomerFactory(name="Alice's", consultant=consultant)
    CustomerFactory(name="Charlie's", consultant=other_consultant)
    response = login(showroom_manager).get(URL, {"consultant": other_consultant.pk})
    # An invalid choice: the filter is not applied, and charlie's customers stay invisible.
    assert "Charlie's" not in names_on(response)
    # the team's consultants, and the manager for the customers they hold themselves
    assert set(response.context["filter"].form.fields["consultant"].queryset) == {consultant, showroom_manager}


def test_consultant_has_no_consultant_filter(login, consultant):
    response = login(consultant).get(URL)
    assert "consultant" not in response.context["filter"].form.fields


@time_machine.travel(date(2026, 3, 10), tick=False)
def test_overdue_filter_and_red_marking(login, consultant):
    CustomerFactory(name="Late", next_followup_on=date(2026, 3, 9), consultant=consultant)
    CustomerFactory(name="Today", next_followup_on=date(2026, 3, 10), consultant=consultant)
    CustomerFactory(name="Late but defeated", next_followup_on=date(2026, 3, 1), status=Customer.Status.DEFEATED, consultant=consultant)
    client = login(consultant)
    assert names_on(client.get(URL, {"overdue": "on"})) == {"Late"}
    content = client.get(URL).content.decode()
    assert content.count("overdue\">2026-03-09") == 1
    assert "overdue\">2026-03-10" not in content


def test_list_is_paginated(login, consultant, settings):
    settings.PAGE_SIZE = 5
    for index in range(7):
        CustomerFactory(name=f"C{index}", consultant=consultant)
    client = login(consultant)
    assert len(names_on(client.get(URL))) == 5
    second = client.get(URL, {"page": 2})
    assert len(names_on(second)) == 2


def test_list_shows_columns(login, consultant):
    prospect_create(consultant=consultant, name="张三", phone="13912345678", grade="A")
    content = login(consultant).get(URL).content.decode()
    assert "139 1234 5678" in content
    assert 'grade-badge grade-A' in content
    assert "Pending sign-off" in content


def test_htmx_request_gets_only_the_table(login, consultant):
    CustomerFactory(name="Mine", consultant=consultant)
    response = login(consultant).get(URL, HTTP_HX_REQUEST="true")
    assert [t.name for t in response.templates][0] == "leads/_customer_table.html"


def _bulk_customers(consultant, count):
    Customer.objects.bulk_create(CustomerFactory.build_batch(count, consultant=consultant))


@pytest.mark.parametrize("count", [10, 200])
def test_list_runs_constant_queries_for_manager(login, showroom_manager, consultant, teammate, count, django_assert_num_queries):
    _bulk_customers(consultant, count // 2)
    _bulk_customers(teammate, count // 2)
    client = login(showroom_manager)
    # session, user; the capped count; the menu's badge; the filter's channel and consultant choices;
    # the page of customers with their consultant and model; the session's new expiry (3).
    with django_assert_num_queries(2 + 1 + 1 + 2 + 1 + 3):
        response = client.get(URL, {"grade": "B"})
    assert len(names_on(response)) == min(count, 25)


@pytest.mark.parametrize("count", [10, 200])
def test_list_runs_constant_queries_for_consultant(login, consultant, count, django_assert_num_queries):
    _bulk_customers(consultant, count)
    client = login(consultant)
    # as the manager's, without the consultant choices (a consultant has no consultant filter)
    with django_assert_num_queries(2 + 1 + 1 + 1 + 1 + 3):
        client.get(URL)


@pytest.mark.parametrize("typed", ["１３９１２３４５６７８", "＋８６ １３９ １２３４ ５６７８", "0086 139 1234 5678"])
def test_search_reads_full_width_digits_and_the_country_prefix_like_a_typed_number(login, consultant, typed):
    CustomerFactory(name="Found", phone="13912345678", consultant=consultant)
    CustomerFactory(name="Not found", phone="13800000000", consultant=consultant)
    assert names_on(login(consultant).get(URL, {"q": typed})) == {"Found"}


# --- Column sorting (?sort=) -------------------------------------------------------------------------


def names_in_order(response) -> list[str]:
    return [customer.name for customer in response.context["page"].object_list]


def test_sort_by_name_both_ways(login, consultant):
    for name in ["Bo", "Al", "Cy"]:
        CustomerFactory(name=name, consultant=consultant)
    client = login(consultant)

    assert names_in_order(client.get(URL, {"sort": "name"})) == ["Al", "Bo", "Cy"]
    assert names_in_order(client.get(URL, {"sort": "-name"})) == ["Cy", "Bo", "Al"]


def test_sort_by_grade_puts_the_hottest_first(login, consultant):
    for grade in ["B", "N", "O", "H", "A"]:
        CustomerFactory(name=f"Grade {grade}", grade=grade, consultant=consultant)

    response = login(consultant).get(URL, {"sort": "grade"})

    assert names_in_order(response) == ["Grade O", "Grade H", "Grade A", "Grade B", "Grade N"]


def test_sort_by_dates_keeps_empty_dates_last(login, consultant):
    CustomerFactory(name="None", consultant=consultant, next_followup_on=None, last_contact_on=None)
    CustomerFactory(name="Early", consultant=consultant, next_followup_on=date(2030, 1, 1), last_contact_on=date(2024, 1, 1))
    CustomerFactory(name="Late", consultant=consultant, next_followup_on=date(2030, 6, 1), last_contact_on=date(2024, 6, 1))
    client = login(consultant)

    assert names_in_order(client.get(URL, {"sort": "next_followup"})) == ["Early", "Late", "None"]
    assert names_in_order(client.get(URL, {"sort": "-next_followup"})) == ["Late", "Early", "None"]
    assert names_in_order(client.get(URL, {"sort": "-last_contact"})) == ["Late", "Early", "None"]


def test_sort_by_created(login, consultant):
    first = CustomerFactory(name="First", consultant=consultant)
    second = CustomerFactory(name="Second", consultant=consultant)
    Customer.objects.filter(pk=first.pk).update(created_at=second.created_at.replace(year=2020))

    assert names_in_order(login(consultant).get(URL, {"sort": "created"})) == ["First", "Second"]
    assert names_in_order(login(consultant).get(URL, {"sort": "-created"})) == ["Second", "First"]


def test_manager_sorts_by_consultant(login, showroom_manager, consultant, teammate):
    consultant.last_name, teammate.last_name = "Zhao", "Li"
    consultant.save(update_fields=["last_name"])
    teammate.save(update_fields=["last_name"])
    CustomerFactory(name="Alice's", consultant=consultant)
    CustomerFactory(name="Amy's", consultant=teammate)
    client = login(showroom_manager)

    assert names_in_order(client.get(URL, {"sort": "consultant"})) == ["Amy's", "Alice's"]
    assert names_in_order(client.get(URL, {"sort": "-consultant"})) == ["Alice's", "Amy's"]


@pytest.mark.parametrize("sort", ["consultant", "password", "-consultant__password", "name;drop", "phone"])
def test_sort_outside_the_whitelist_keeps_the_default_order(login, consultant, sort):
    old = CustomerFactory(name="Old", consultant=consultant)
    CustomerFactory(name="New", consultant=consultant)
    Customer.objects.filter(pk=old.pk).update(created_at=old.created_at.replace(year=2020))

    response = login(consultant).get(URL, {"sort": sort})  # consultant: managers only

    assert response.status_code == 200
    assert names_in_order(response) == ["New", "Old"]
    assert 'data-testid="sort-consultant"' not in response.text


def test_header_links_keep_filters_and_show_the_current_order(login, consultant):
    CustomerFactory(name="Only", grade="H", consultant=consultant)

    response = login(consultant).get(URL, {"grade": "H", "sort": "name", "page": "1"})

    text = response.text
    assert 'href="?grade=H&amp;sort=-name"' in text  # the other direction, the filter kept, back to page 1
    assert 'href="?grade=H&amp;sort=grade"' in text
    assert "Name ▲" in text and 'aria-sort="ascending"' in text
    assert 'name="sort" value="name"' in text  # the filter form keeps the order when a filter changes
    descending = login(consultant).get(URL, {"sort": "-name"}).text
    assert "Name ▼" in descending and 'href="?sort=name"' in descending


def test_pagination_links_keep_the_sort(login, consultant, settings):
    settings.PAGE_SIZE = 2
    for name in ["A1", "A2", "A3"]:
        CustomerFactory(name=name, consultant=consultant)
    client = login(consultant)

    first = client.get(URL, {"sort": "-name"})
    assert names_in_order(first) == ["A3", "A2"]
    assert 'href="?sort=-name&amp;page=2"' in first.text
    assert names_in_order(client.get(URL, {"sort": "-name", "page": "2"})) == ["A1"]


@pytest.mark.parametrize("sort", ["grade", "-consultant", "next_followup"])
@pytest.mark.parametrize("count", [10, 200])
def test_sorted_list_runs_constant_queries(login, showroom_manager, consultant, teammate, count, sort, django_assert_num_queries):
    _bulk_customers(consultant, count // 2)
    _bulk_customers(teammate, count // 2)
    client = login(showroom_manager)
    with django_assert_num_queries(2 + 1 + 1 + 2 + 1 + 3):  # as unsorted
        response = client.get(URL, {"grade": "B", "sort": sort})
    assert len(names_on(response)) == min(count, 25)
