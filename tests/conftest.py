"""The fixture trio of the house style, plus the other roles: each test says who is looking."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import User
from tests.factories import PASSWORD, TeamFactory, UserFactory, forget_customer_names


def pytest_sessionstart(session):
    """Remove the SQLite test databases (crm_project/test_settings.py) left by runs that were killed."""
    for path in Path(settings.VAR_DIR).glob("test-*.sqlite3*"):
        match = re.fullmatch(r"test-(\d+)\.sqlite3(-wal|-shm|-journal)?", path.name)
        if match and not _process_exists(int(match[1])):
            path.unlink(missing_ok=True)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


@pytest.fixture(autouse=True)
def _unique_customer_names():
    yield
    forget_customer_names()


@pytest.fixture
def team():
    return TeamFactory(name="Team A")


@pytest.fixture
def other_team():
    return TeamFactory(name="Team B")


@pytest.fixture
def showroom_manager(team):
    manager = UserFactory(username="manager", role=User.Role.SHOWROOM_MANAGER, team=team)
    team.manager = manager
    team.save(update_fields=["manager"])
    return manager


@pytest.fixture
def consultant(team):
    return UserFactory(username="alice", role=User.Role.CONSULTANT, team=team)


@pytest.fixture
def teammate(team):
    return UserFactory(username="amy", role=User.Role.CONSULTANT, team=team)


@pytest.fixture
def other_consultant(other_team):
    """A consultant of another team: must see nothing of `consultant`'s customers."""
    return UserFactory(username="charlie", role=User.Role.CONSULTANT, team=other_team)


@pytest.fixture
def other_manager(other_team):
    manager = UserFactory(username="othermanager", role=User.Role.SHOWROOM_MANAGER, team=other_team)
    other_team.manager = manager
    other_team.save(update_fields=["manager"])
    return manager


@pytest.fixture
def sales_manager():
    return UserFactory(username="boss", role=User.Role.SALES_MANAGER)


@pytest.fixture
def reception():
    return UserFactory(username="frontdesk", role=User.Role.RECEPTION)


@pytest.fixture
def administrator():
    return UserFactory(username="root", role=User.Role.ADMINISTRATOR)


@pytest.fixture
def login(client):
    """login(user) -> the test client, logged in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def password():
    return PASSWORD


# The data migrations that ship reference data; each forward function is idempotent (get_or_create).
REFERENCE_DATA = [
    ("leads.migrations.0002_code_lists", "create"),
    ("followups.migrations.0002_presets_and_schedule", "create_presets"),
    ("followups.migrations.0002_presets_and_schedule", "create_schedule"),
    ("followups.migrations.0009_grading_help", "fill_presets"),
    ("owners.migrations.0002_care_milestones", "create"),
    ("owners.migrations.0006_caremilestone_offers_trade_in", "mark"),
]


@pytest.fixture
def reference_data():
    """Transactional tests start from an emptied database: put back what the data migrations ship."""
    import importlib

    from django.apps import apps

    for module, function in REFERENCE_DATA:
        getattr(importlib.import_module(module), function)(apps, None)
