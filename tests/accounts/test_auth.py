from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_every_page_is_private_by_default(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_login_page_is_in_chinese_by_default(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.text
    assert "登录" in response.text


def test_english_is_selectable(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get(reverse("accounts:login"))

    assert 'lang="en"' in response.text
    assert "Log in" in response.text


def test_login_rotates_the_session_and_logout_ends_it(client, consultant, password):
    client.get(reverse("accounts:login"))
    client.session.save()
    anonymous_key = client.session.session_key

    response = client.post(reverse("accounts:login"), {"username": "alice", "password": password})

    assert response.status_code == 302
    assert client.session.session_key != anonymous_key
    assert client.get(reverse("followups:today")).status_code == 200

    client.post(reverse("accounts:logout"))

    assert client.get(reverse("followups:today")).url.startswith(reverse("accounts:login"))


def test_login_is_locked_after_five_failures_even_with_the_right_password(client, consultant, password):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "alice", "password": "wrong"})

    response = client.post(reverse("accounts:login"), {"username": "alice", "password": password})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username(client, consultant, teammate, password):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "alice", "password": "wrong"})

    response = client.post(reverse("accounts:login"), {"username": "amy", "password": password})

    assert response.status_code == 302


def test_sessions_end_after_two_idle_hours_but_not_while_in_use(client, consultant, password):
    client.post(reverse("accounts:login"), {"username": "alice", "password": password})
    today = reverse("followups:today")
    with time_machine.travel(timezone.now() + timedelta(minutes=100)):
        assert client.get(today).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=190)):
        assert client.get(today).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=190 + 121)):
        assert client.get(today).url.startswith(reverse("accounts:login"))


def test_logout_refuses_get(login, consultant):
    client = login(consultant)

    assert client.get(reverse("accounts:logout")).status_code == 405


def test_forms_are_csrf_protected(consultant, password):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = strict.post(reverse("accounts:login"), {"username": "alice", "password": password})

    assert response.status_code == 403


def test_user_cannot_be_deleted_while_they_own_a_team(showroom_manager):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        showroom_manager.delete()

    assert User.objects.filter(pk=showroom_manager.pk).exists()


def test_admin_deactivation_refuses_a_user_who_still_has_customers(login, administrator, consultant):
    from tests.factories import prospect_create

    prospect_create(consultant=consultant)

    response = login(administrator).post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [consultant.pk]},
        follow=True,
    )

    consultant.refresh_from_db()
    assert consultant.is_active
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_admin_deactivates_a_user_with_nothing_assigned(login, administrator, teammate):
    login(administrator).post(
        reverse("admin:accounts_user_changelist"), {"action": "deactivate", "_selected_action": [teammate.pk]}
    )

    teammate.refresh_from_db()
    assert not teammate.is_active


def test_an_overlong_username_or_password_gets_a_form_error_not_a_500(client, consultant):
    from axes.models import AccessAttempt

    response = client.post(reverse("accounts:login"), {"username": "x" * 10_000, "password": "wrong"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["username"]
    assert 'maxlength="150"' in response.text

    response = client.post(reverse("accounts:login"), {"username": "alice", "password": "p" * 5_000})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["password"]
    assert not AccessAttempt.objects.exists()


def test_a_username_of_150_characters_is_an_ordinary_failed_login(client, consultant):
    response = client.post(reverse("accounts:login"), {"username": "x" * 150, "password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["__all__"][0].code == "invalid_login"


def test_password_change_page_is_linked_from_the_navbar_and_open_to_every_signed_in_user(login, consultant, reception):
    from django.urls import resolve

    from accounts import permissions

    for name in ("accounts:password_change", "accounts:password_change_done"):
        assert resolve(reverse(name)).func.permission is permissions.is_signed_in

    for user in (consultant, reception):
        client = login(user)
        assert f'href="{reverse("accounts:password_change")}"' in client.get(reverse("home"), follow=True).text
        page = client.get(reverse("accounts:password_change"))
        assert page.status_code == 200
        assert "修改密码" in page.text


def test_password_change_needs_a_signed_in_user(client):
    response = client.get(reverse("accounts:password_change"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_user_changes_their_password_and_stays_signed_in(client, consultant, password):
    client.post(reverse("accounts:login"), {"username": "alice", "password": password})

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": "Showroom-2026-new", "new_password2": "Showroom-2026-new"},
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change_done")
    assert "密码已修改" in client.get(response.url).text
    assert client.get(reverse("followups:today")).status_code == 200
    consultant.refresh_from_db()
    assert consultant.check_password("Showroom-2026-new")

    client.post(reverse("accounts:logout"))
    assert client.post(reverse("accounts:login"), {"username": "alice", "password": password}).status_code == 200
    assert client.post(reverse("accounts:login"), {"username": "alice", "password": "Showroom-2026-new"}).status_code == 302


def test_password_change_refuses_a_wrong_old_password_or_an_overlong_new_one(login, consultant, password):
    client = login(consultant)

    wrong = client.post(
        reverse("accounts:password_change"),
        {"old_password": "not-it", "new_password1": "Showroom-2026-new", "new_password2": "Showroom-2026-new"},
    )
    overlong = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": "N" * 5_000, "new_password2": "N" * 5_000},
    )

    assert wrong.status_code == 200 and list(wrong.context["form"].errors) == ["old_password"]
    assert overlong.status_code == 200 and set(overlong.context["form"].errors) == {"new_password1", "new_password2"}
    consultant.refresh_from_db()
    assert consultant.check_password(password)
