from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from followups.models import RuleSet, Task
from leads.models import Customer, CustomerChange, Defeat, DefeatReason
from owners.services import care_tasks_create
from tests.owners.conftest import defeated

pytestmark = pytest.mark.django_db


def test_defeated_list_filters_by_reason_brand_and_consultant(login, consultant, teammate, showroom_manager):
    price, product = DefeatReason.objects.all()[:2]
    defeated(consultant, showroom_manager, brand="丰田", reason=price, name="甲")
    defeated(consultant, showroom_manager, brand="本田", reason=product, name="乙")
    defeated(teammate, showroom_manager, brand="丰田", reason=price, name="丙")
    client = login(showroom_manager)

    def names(**params):
        return {c.name for c in client.get(reverse("owners:defeated_list"), params).context["page"].object_list}

    assert names() == {"甲", "乙", "丙"}
    assert names(reason=price.pk) == {"甲", "丙"}
    assert names(brand="本田") == {"乙"}
    assert names(consultant=teammate.pk) == {"丙"}
    month = timezone.localdate()
    assert names(month=month.strftime("%Y-%m")) == {"甲", "乙", "丙"}
    assert names(month="2001-01") == set()


def test_defeated_list_never_shows_other_teams(login, consultant, showroom_manager, other_consultant, other_manager):
    defeated(consultant, showroom_manager, name="我的")
    defeated(other_consultant, other_manager, name="别人的")
    names = [c.name for c in login(consultant).get(reverse("owners:defeated_list")).context["page"].object_list]
    assert names == ["我的"]


def test_reactivate_makes_prospect_again_with_history_and_open_task(login, consultant, showroom_manager):
    customer = defeated(consultant, showroom_manager)
    response = login(consultant).post(reverse("owners:defeated_reactivate", args=[customer.pk]))
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE
    statuses = list(customer.changes.filter(field=CustomerChange.Field.STATUS).values_list("new_value", flat=True))
    assert statuses[:2] == [Customer.Status.ACTIVE, Customer.Status.DEFEATED]
    assert Defeat.objects.filter(customer=customer).exists()
    assert Task.objects.filter(customer=customer, kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING).count() == 1


def test_reactivate_is_404_for_another_team(login, consultant, showroom_manager, other_consultant):
    customer = defeated(consultant, showroom_manager)
    assert login(other_consultant).post(reverse("owners:defeated_reactivate", args=[customer.pk])).status_code == 404
    customer.refresh_from_db()
    assert customer.status == Customer.Status.DEFEATED


def test_defeat_revisit_follows_rule_set_cadence(consultant, showroom_manager):
    RuleSet.objects.filter(is_active=True).update(defeat_revisit_days=30)
    customer = defeated(consultant, showroom_manager)
    day = timezone.localdate() + timedelta(days=30)
    assert care_tasks_create(day) == 1
    task = Task.objects.get(customer=customer, kind=Task.Kind.DEFEAT_REVISIT)
    assert task.due_on == day and task.assignee == consultant
    assert care_tasks_create(day - timedelta(days=10)) == 0


@pytest.mark.parametrize("rows", [10, 200])
def test_defeated_list_runs_constant_queries(login, consultant, showroom_manager, rows, django_assert_max_num_queries):
    from leads.models import Defeat as D
    from tests.factories import CustomerFactory

    reason = DefeatReason.objects.first()
    customers = CustomerFactory.create_batch(rows, consultant=consultant, status=Customer.Status.DEFEATED)
    D.objects.bulk_create([
        D(customer=c, reason=reason, brand_bought="丰田", analysis="x", filed_by=consultant,
          status=D.Status.APPROVED, decided_by=showroom_manager, decided_at=timezone.now())
        for c in customers
    ])
    client = login(showroom_manager)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("owners:defeated_list"), {"reason": reason.pk})
    assert len(response.context["page"].object_list) == min(rows, 25)


def test_reactivate_never_redirects_to_another_site(login, consultant, showroom_manager):
    customer = defeated(consultant, showroom_manager)
    response = login(consultant).post(
        reverse("owners:defeated_reactivate", args=[customer.pk]), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response.url == reverse("owners:defeated_list")
