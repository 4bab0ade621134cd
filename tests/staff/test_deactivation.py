"""Who may deactivate whom: only the administrator deactivates managers, and never the last administrator."""

import pytest
from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _deactivate(client, user):
    return client.post(reverse("staff:user_deactivate", args=[user.pk]), follow=True)


def test_administrator_deactivates_managers_but_not_themselves(login, administrator, showroom_manager, sales_manager):
    client = login(administrator)
    for manager in (showroom_manager, sales_manager):
        _deactivate(client, manager)
        manager.refresh_from_db()
        assert not manager.is_active
    assert client.get(reverse("staff:user_deactivate", args=[administrator.pk])).status_code == 404


def test_deactivation_is_written_in_the_users_history(login, administrator, reception):
    _deactivate(login(administrator), reception)
    entry = LogEntry.objects.get(object_id=str(reception.pk))
    assert entry.user == administrator and entry.get_change_message()


def test_showroom_manager_cannot_deactivate_another_manager(login, showroom_manager, other_manager):
    assert login(showroom_manager).post(reverse("staff:user_deactivate", args=[other_manager.pk])).status_code == 404


def test_the_last_active_administrator_is_never_deactivated(login, administrator):
    # given a superuser who runs the sales side, and the dealership's only administrator
    superuser = UserFactory(username="owner", role=User.Role.SALES_MANAGER, is_superuser=True)
    client = login(superuser)
    url = reverse("staff:user_deactivate", args=[administrator.pk])
    # when the superuser opens the administrator's deactivation page and posts it anyway
    page = client.get(url)
    response = _deactivate(client, administrator)
    # then the page says why, the post is refused with the reason, and the administrator stays
    assert b'data-testid="last-administrator"' in page.content
    assert [m.level for m in response.context["messages"] if str(administrator) in m.message] == [messages.ERROR]
    administrator.refresh_from_db()
    assert administrator.is_active


def test_an_administrator_with_a_colleague_may_be_deactivated(login, administrator):
    colleague = UserFactory(username="root2", role=User.Role.ADMINISTRATOR)
    _deactivate(login(colleague), administrator)
    administrator.refresh_from_db()
    assert not administrator.is_active
