"""The staff pages: the people a manager sees, a consultant's book, handing it over and deactivating."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from crm_project.navigation import nav_links
from followups.models import Task
from leads.models import Customer
from tests.factories import CustomerFactory, UserFactory, prospect_create
from tests.owners.conftest import owner

pytestmark = pytest.mark.django_db


def book_url(user, **query):
    url = reverse("staff:holder_book", args=[user.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def handover_post(client, holder, *, query="", **data):
    data.setdefault("reason", "resignation")
    return client.post(book_url(holder) + query, data)


def overdue_task(customer, assignee, *, kind=Task.Kind.BIRTHDAY, days=3):
    return Task.objects.create(customer=customer, kind=kind, assignee=assignee, status=Task.Status.OVERDUE,
                               due_on=timezone.localdate() - timedelta(days=days))


# --- The staff list ------------------------------------------------------------------------------

def test_staff_list_shows_what_each_consultant_of_the_team_holds(login, consultant, teammate, showroom_manager,
                                                                 other_consultant):
    # given alice with two B prospects (each an open task), an owner with an overdue birthday task, and amy with nothing
    prospect_create(consultant=consultant)
    prospect_create(consultant=consultant)
    overdue_task(owner(consultant, phone="13900000001"), consultant)
    prospect_create(consultant=other_consultant)
    # when her showroom manager opens the staff list
    response = login(showroom_manager).get(reverse("staff:staff_list"))
    # then the team's people are listed (not charlie of the other team) with their holdings
    people = {person.pk: person for person in response.context["page"].object_list}
    assert set(people) == {consultant.pk, teammate.pk, showroom_manager.pk}
    alice = people[consultant.pk]
    statuses = dict(zip([status for status, _label in response.context["status_columns"]], alice.by_status))
    assert statuses[Customer.Status.ACTIVE] == 2 and statuses[Customer.Status.DELIVERED] == 1
    assert (alice.customer_count, alice.open_task_count, alice.overdue_task_count) == (3, 3, 1)
    assert (people[teammate.pk].customer_count, people[teammate.pk].open_task_count) == (0, 0)
    assert str(other_consultant) not in response.content.decode()


def test_sales_manager_sees_every_team_and_deactivated_users(login, consultant, other_consultant, sales_manager):
    other_consultant.is_active = False
    other_consultant.save(update_fields=["is_active"])
    response = login(sales_manager).get(reverse("staff:staff_list"))
    people = [person.pk for person in response.context["page"].object_list]
    assert consultant.pk in people and other_consultant.pk in people
    assert people.index(consultant.pk) < people.index(other_consultant.pk)  # the active ones first
    assert response.content.decode().count('data-testid="deactivated"') == 1


def test_staff_pages_are_404_for_consultants_and_reception(login, consultant, reception):
    for user in (consultant, reception):
        client = login(user)
        assert client.get(reverse("staff:staff_list")).status_code == 404
        assert client.get(book_url(consultant)).status_code == 404
        assert client.post(book_url(consultant), {"scope": "all"}).status_code == 404


def test_staff_menu_entry_shows_only_to_managers(consultant, showroom_manager, sales_manager):
    def has_entry(user):
        return "staff:staff_list" in {link["name"] for link in nav_links(user)}

    assert has_entry(showroom_manager) and has_entry(sales_manager) and not has_entry(consultant)


@pytest.mark.parametrize("people", [10, 200])
def test_staff_list_runs_constant_queries(login, sales_manager, team, people, django_assert_max_num_queries):
    consultants = UserFactory.create_batch(people, role=User.Role.CONSULTANT, team=team)
    for consultant in consultants:
        customer = CustomerFactory(consultant=consultant)
        Task.objects.create(customer=customer, kind=Task.Kind.CADENCE, assignee=consultant, due_on=timezone.localdate())
    client = login(sales_manager)
    # session, user, count, page, customers by status, tasks, the menu's badge …: not one per person
    with django_assert_max_num_queries(10):
        response = client.get(reverse("staff:staff_list"))
    assert len(response.context["page"].object_list) == min(people + 1, 25)


# --- A consultant's book -------------------------------------------------------------------------

def test_book_counts_customers_by_grade_and_status_and_tasks_by_kind(login, consultant, showroom_manager):
    # given alice with two H and one B prospects, an owner (with an overdue birthday task)
    prospect_create(consultant=consultant, grade=Customer.Grade.H)
    prospect_create(consultant=consultant, grade=Customer.Grade.H)
    prospect_create(consultant=consultant, grade=Customer.Grade.B)
    overdue_task(owner(consultant, phone="13900000001"), consultant)
    # when her manager opens her book
    response = login(showroom_manager).get(book_url(consultant))
    # then the groups and task kinds are counted
    book = response.context["book"]
    assert {group.key: group.count for group in book.groups} == {"H": 2, "B": 1, Customer.Status.DELIVERED: 1}
    assert book.total == 4
    kinds = {kind.kind: (kind.open, kind.overdue) for kind in book.task_kinds}
    assert kinds[Task.Kind.BIRTHDAY] == (1, 1)
    assert sum(open_ for open_, _overdue in kinds.values()) == book.open_tasks
    assert book.overdue_tasks == 1
    assert b"Overdue" in response.content or "逾期".encode() in response.content
    # and the list of a group shows only that group
    listed = login(showroom_manager).get(book_url(consultant, group="H")).context["customers"]
    assert {customer.grade for customer in listed} == {"H"} and listed.paginator.count == 2


def test_another_teams_book_is_404_for_a_showroom_manager(login, other_consultant, showroom_manager):
    prospect_create(consultant=other_consultant)
    client = login(showroom_manager)
    assert client.get(book_url(other_consultant)).status_code == 404
    assert client.post(book_url(other_consultant), {"scope": "all", "reason": "workload"}).status_code == 404
    assert client.get(reverse("staff:holder_book", args=[999_999])).status_code == 404


def test_hand_over_the_ticked_customers_keeps_the_others(login, consultant, teammate, showroom_manager):
    keep = prospect_create(consultant=consultant)
    move = prospect_create(consultant=consultant)
    response = handover_post(login(showroom_manager), consultant, scope="selected", selected=[move.pk],
                             to=[teammate.pk])
    assert response.status_code == 302
    assert Customer.objects.get(pk=keep.pk).consultant == consultant
    assert Customer.objects.get(pk=move.pk).consultant == teammate
    assert Task.objects.get(customer=move, status__in=Task.PENDING).assignee == teammate


def test_hand_over_a_whole_grade(login, consultant, teammate, showroom_manager):
    hot = [prospect_create(consultant=consultant, grade=Customer.Grade.H) for _n in range(3)]
    cold = prospect_create(consultant=consultant, grade=Customer.Grade.C)
    handover_post(login(showroom_manager), consultant, query="?group=H", scope="group", to=[teammate.pk])
    assert set(Customer.objects.filter(consultant=teammate).values_list("pk", flat=True)) == {c.pk for c in hot}
    assert Customer.objects.get(pk=cold.pk).consultant == consultant


def test_hand_over_all_round_robin_then_deactivate(login, consultant, teammate, showroom_manager, team):
    # given alice leaving with five customers (four prospects with their tasks, an owner)
    ann = UserFactory(username="ann", role=User.Role.CONSULTANT, team=team)
    for _n in range(4):
        prospect_create(consultant=consultant)
    owner(consultant, phone="13900000001")
    client = login(showroom_manager)
    # when the manager hands all of them to amy and ann for "resignation"
    response = handover_post(client, consultant, scope="all", to=[teammate.pk, ann.pk], note="离职")
    # then they are spread 3/2 with their tasks, and the manager is back on the (now empty) book
    assert response.status_code == 302 and response.url == book_url(consultant)
    spread = sorted(Customer.objects.filter(consultant__in=[teammate, ann]).values_list("consultant", flat=True))
    assert sorted([spread.count(teammate.pk), spread.count(ann.pk)]) == [2, 3]
    assert not Task.objects.filter(assignee=consultant, status__in=Task.PENDING).exists()
    page = client.get(response.url)
    assert page.context["book"].total == 0 and page.context["may_deactivate"]
    deactivate = reverse("staff:user_deactivate", args=[consultant.pk])
    assert deactivate in page.content.decode()
    # and the deactivation page now deactivates her
    client.post(deactivate)
    consultant.refresh_from_db()
    assert not consultant.is_active


def test_book_with_customers_offers_no_deactivation(login, consultant, showroom_manager):
    prospect_create(consultant=consultant)
    page = login(showroom_manager).get(book_url(consultant))
    assert not page.context["may_deactivate"]
    assert reverse("staff:user_deactivate", args=[consultant.pk]) not in page.content.decode()


def test_empty_selection_is_refused_and_the_form_comes_back(login, consultant, teammate, showroom_manager):
    prospect_create(consultant=consultant)
    response = handover_post(login(showroom_manager), consultant, scope="selected", to=[teammate.pk], note="交接")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors and form["note"].value() == "交接" and form["to"].value() == [str(teammate.pk)]
    assert not Customer.objects.filter(consultant=teammate).exists()


def test_a_refused_handover_keeps_the_ticked_customers(login, consultant, showroom_manager):
    # given two ticked customers but nobody chosen to take them
    first, second = prospect_create(consultant=consultant), prospect_create(consultant=consultant)
    response = handover_post(login(showroom_manager), consultant, scope="selected", selected=[first.pk, second.pk])
    # then the form comes back with the error and the same boxes ticked
    assert response.status_code == 200 and "to" in response.context["form"].errors
    assert response.context["selected"] == {str(first.pk), str(second.pk)}
    assert response.content.decode().count(" checked>") >= 2


def test_book_does_not_offer_the_holder_as_a_target(login, consultant, showroom_manager):
    prospect_create(consultant=consultant)
    response = handover_post(login(showroom_manager), consultant, scope="all", to=[consultant.pk])
    assert response.status_code == 200 and "to" in response.context["form"].errors
    assert Customer.objects.filter(consultant=consultant).count() == 1


def test_hand_over_from_the_book_returns_to_the_same_group_and_page(login, consultant, teammate, showroom_manager):
    prospect_create(consultant=consultant, grade=Customer.Grade.H)
    move = prospect_create(consultant=consultant, grade=Customer.Grade.H)
    response = handover_post(login(showroom_manager), consultant, query="?group=H&page=1", scope="selected",
                             selected=[move.pk], to=[teammate.pk])
    assert response.status_code == 302 and response.url == book_url(consultant, group="H", page=1)


@pytest.mark.parametrize("rows", [10, 200])
def test_book_runs_constant_queries(login, consultant, showroom_manager, rows, django_assert_max_num_queries):
    customers = CustomerFactory.create_batch(rows, consultant=consultant)
    Task.objects.bulk_create(Task(customer=customer, kind=Task.Kind.CADENCE, assignee=consultant,
                                  due_on=timezone.localdate()) for customer in customers)
    client = login(showroom_manager)
    # the holder, groups, task kinds, two lists (count and page each), the targets, the menu …: not one per row
    with django_assert_max_num_queries(14):
        response = client.get(book_url(consultant))
    assert len(response.context["customers"].object_list) == min(rows, 25)
    assert len(response.context["tasks"].object_list) == min(rows, 25)


# --- Refusals of the service, through the existing handover page ------------------------------------

def test_handover_to_the_current_consultant_is_refused(login, consultant, showroom_manager):
    customer = prospect_create(consultant=consultant)
    response = login(showroom_manager).post(reverse("staff:handover"), {
        "customer": customer.pk, "to": [consultant.pk], "reason": "workload"})
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1 and str(consultant) in errors[0]
    assert errors[0] in response.content.decode()
    assert not Customer.objects.get(pk=customer.pk).changes.filter(field="consultant").exists()


def test_handover_of_a_selection_with_nothing_ticked_is_refused(login, consultant, teammate, showroom_manager):
    prospect_create(consultant=consultant)
    response = login(showroom_manager).post(reverse("staff:handover"), {
        "from_user": consultant.pk, "scope": "selected", "to": [teammate.pk], "reason": "workload"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert 'id="scope_selected" value="selected" checked' in response.content.decode()
    assert Customer.objects.filter(consultant=consultant).count() == 1


def test_service_refuses_the_current_consultant_and_no_customers(consultant, teammate, showroom_manager):
    from leads.services import TransitionError
    from staff.services import customers_handover

    customer = prospect_create(consultant=consultant)
    with pytest.raises(TransitionError):
        customers_handover(customers=[customer], to=[teammate, consultant], reason="workload", by=showroom_manager)
    with pytest.raises(TransitionError):
        customers_handover(customers=[], to=[teammate], reason="workload", by=showroom_manager)
    assert Customer.objects.get(pk=customer.pk).consultant == consultant


def test_handover_started_on_a_prospect_card_lands_back_on_it(login, consultant, teammate, showroom_manager):
    customer = prospect_create(consultant=consultant)
    card = reverse("leads:customer_detail", args=[customer.pk])
    response = login(showroom_manager).post(reverse("staff:handover"), {
        "customer": customer.pk, "to": [teammate.pk], "reason": "workload", "next": card})
    assert response.status_code == 302 and response.url == card
