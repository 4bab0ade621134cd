"""The user admin: no way up to superuser, no deactivating the last administrator, no role or team change
that would orphan customers (it points to the handover page instead)."""

import pytest
from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from followups.models import Task
from leads.models import Customer
from tests.factories import UserFactory, prospect_create

pytestmark = pytest.mark.django_db


def _change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def _form_data(user, **changes):
    """The change form as the admin shows it to a non-superuser, with `changes` typed in."""
    data = {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "role": user.role, "team": user.team_id or ""}
    data.update(changes)
    return data


def _messages(response):
    return [(m.level, m.message) for m in response.context["messages"]]


@pytest.fixture
def superuser():
    """What `createsuperuser` makes, given a role: the one who may hand out privileges."""
    return UserFactory(username="owner", role=User.Role.SALES_MANAGER, is_superuser=True)


def test_administrator_cannot_make_itself_superuser(login, administrator):
    # given the administrator on its own account
    client = login(administrator)
    page = client.get(_change_url(administrator)).content.decode()
    assert 'name="is_superuser"' not in page and 'name="is_staff"' not in page
    assert 'name="groups"' not in page and 'name="user_permissions"' not in page
    # when it posts the privileges anyway
    response = client.post(_change_url(administrator), _form_data(
        administrator, is_superuser="on", is_staff="on", groups=[Group.objects.get(name="sales_manager").pk],
        user_permissions=[Permission.objects.get(codename="delete_user").pk],
    ))
    # then the form saved without them
    assert response.status_code == 302
    administrator.refresh_from_db()
    assert not administrator.is_superuser
    assert not administrator.user_permissions.exists()
    assert list(administrator.groups.values_list("name", flat=True)) == ["administrator"]


def test_superuser_may_make_the_administrator_superuser(login, superuser, administrator):
    client = login(superuser)
    assert 'name="is_superuser"' in client.get(_change_url(administrator)).content.decode()
    response = client.post(_change_url(administrator), _form_data(administrator, is_superuser="on", is_staff="on"))
    assert response.status_code == 302
    administrator.refresh_from_db()
    assert administrator.is_superuser and administrator.is_staff


def test_superuser_keeps_the_admin_whatever_its_role(login, superuser):
    login(superuser).post(_change_url(superuser), _form_data(superuser, role=User.Role.CONSULTANT, is_superuser="on"))
    superuser.refresh_from_db()
    assert superuser.role == User.Role.CONSULTANT and superuser.is_staff


def test_administrator_cannot_change_a_superusers_account(login, administrator, superuser):
    client = login(administrator)
    assert 'name="username"' not in client.get(_change_url(superuser)).content.decode()  # view only
    assert client.post(_change_url(superuser), _form_data(superuser, first_name="改名")).status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[superuser.pk])
    assert client.post(password_url, {"password1": "taken-over-123", "password2": "taken-over-123"}).status_code == 403
    superuser.refresh_from_db()
    assert superuser.first_name != "改名" and not superuser.check_password("taken-over-123")


def test_role_change_of_a_consultant_with_customers_is_refused_with_the_way_to_the_handover(
    login, administrator, consultant, teammate
):
    # given alice holds a prospect (and its open task)
    prospect_create(consultant=consultant, phone="13700000001")
    client = login(administrator)
    # when the administrator makes her a showroom manager
    response = client.post(_change_url(consultant), _form_data(consultant, role=User.Role.SHOWROOM_MANAGER))
    # then the form is refused, pointing to the handover of her customers, and nothing changed
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert f'href="{reverse("staff:handover")}?from_user={consultant.pk}"' in response.content.decode()
    consultant.refresh_from_db()
    assert consultant.role == User.Role.CONSULTANT
    # when her customers are handed over first, the same change goes through and is in her history
    client.post(reverse("staff:handover"), {"from_user": consultant.pk, "scope": "all", "to": [teammate.pk], "reason": "promotion"})
    response = client.post(_change_url(consultant), _form_data(consultant, role=User.Role.SHOWROOM_MANAGER))
    assert response.status_code == 302
    consultant.refresh_from_db()
    assert consultant.role == User.Role.SHOWROOM_MANAGER
    assert list(consultant.groups.values_list("name", flat=True)) == ["showroom_manager"]
    assert LogEntry.objects.filter(object_id=str(consultant.pk), user=administrator).exists()


def test_team_change_takes_the_consultants_customers_and_escalations_along(
    login, administrator, consultant, showroom_manager, other_team, other_manager
):
    # given alice's H prospect, escalated to team A's manager
    customer = prospect_create(consultant=consultant, grade=Customer.Grade.H, phone="13700000001")
    escalation = Task.objects.create(customer=customer, kind=Task.Kind.ESCALATION, due_on=timezone.localdate(),
                                     assignee=showroom_manager)
    # when the administrator moves alice to team B
    response = login(administrator).post(_change_url(consultant), _form_data(consultant, team=other_team.pk))
    # then she keeps the customer, and team B's manager gets the escalation
    assert response.status_code == 302
    consultant.refresh_from_db()
    escalation.refresh_from_db()
    assert consultant.team == other_team
    assert Customer.objects.get(pk=customer.pk).consultant == consultant
    assert escalation.assignee == other_manager


def test_showroom_manager_with_open_escalations_cannot_move_team(login, administrator, consultant, showroom_manager, other_team):
    customer = prospect_create(consultant=consultant, grade=Customer.Grade.H, phone="13700000001")
    Task.objects.create(customer=customer, kind=Task.Kind.ESCALATION, due_on=timezone.localdate(), assignee=showroom_manager)
    response = login(administrator).post(_change_url(showroom_manager), _form_data(showroom_manager, team=other_team.pk))
    assert response.status_code == 200 and response.context["adminform"].form.non_field_errors()
    showroom_manager.refresh_from_db()
    assert showroom_manager.team_id != other_team.pk


def test_the_last_administrator_keeps_the_role(login, administrator):
    client = login(administrator)
    response = client.post(_change_url(administrator), _form_data(administrator, role=User.Role.SALES_MANAGER))
    assert response.status_code == 200 and response.context["adminform"].form.non_field_errors()
    administrator.refresh_from_db()
    assert administrator.role == User.Role.ADMINISTRATOR
    # with a colleague, it may step down
    UserFactory(username="root2", role=User.Role.ADMINISTRATOR)
    client.post(_change_url(administrator), _form_data(administrator, role=User.Role.SALES_MANAGER))
    administrator.refresh_from_db()
    assert administrator.role == User.Role.SALES_MANAGER


def _deactivate(client, *users):
    return client.post(reverse("admin:accounts_user_changelist"),
                       {"action": "deactivate", "_selected_action": [user.pk for user in users]}, follow=True)


def test_deactivate_action_refuses_the_last_administrator(login, superuser, administrator):
    response = _deactivate(login(superuser), administrator)
    assert [level for level, _text in _messages(response)] == [messages.ERROR]
    administrator.refresh_from_db()
    assert administrator.is_active


def test_deactivate_action_refuses_oneself_and_users_still_holding_customers(login, administrator, consultant, reception):
    prospect_create(consultant=consultant, phone="13700000001")
    response = _deactivate(login(administrator), administrator, consultant, reception)
    assert sorted(level for level, _text in _messages(response)) == [messages.SUCCESS, messages.ERROR, messages.ERROR]
    assert set(User.objects.filter(is_active=False)) == {reception}
