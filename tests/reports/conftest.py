"""A known month of activity (March 2026, report day 10 March) for the report tests.

alice and amy are in Team A (managed by `showroom_manager`), charlie in Team B. The expected figures
are written out in the tests; the comments here say which row feeds which figure.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from followups.models import Task
from leads.models import CarModel, Channel, Contact, Customer, CustomerChange, Defeat, DefeatReason, Order, PhoneCall, Visit
from tests.factories import CustomerFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=SHANGHAI)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def d(month: int, day: int) -> date:
    return date(2026, month, day)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def codes(db):
    return {
        "model": CarModel.objects.get_or_create(name="朗逸")[0],
        "A": Channel.objects.get_or_create(code="A", defaults={"name": "报纸", "sort_order": 1})[0],
        "H": Channel.objects.get_or_create(code="H", defaults={"name": "熟人介绍", "sort_order": 8})[0],
        "price": DefeatReason.objects.get_or_create(name="价格")[0],
        "product": DefeatReason.objects.get_or_create(name="产品")[0],
        "financing": DefeatReason.objects.get_or_create(name="贷款/金融")[0],
    }


def visit(consultant, day, *, first=True, test_drive=False, channel=None, customer=None):
    return Visit.objects.create(
        visit_date=day, arrived_at=time(10), consultant=consultant, is_first_visit=first, test_drive=test_drive,
        channel=channel, customer=customer, created_by=consultant,
    )


def call(consultant, day):
    return PhoneCall.objects.create(call_date=day, called_at=time(9), consultant=consultant, created_by=consultant)


def customer(consultant, first_contact_on, *, grade="B", history=True, **fields):
    made = CustomerFactory(consultant=consultant, first_contact_on=first_contact_on, graded_on=first_contact_on, grade=grade, **fields)
    if history:
        change(made, CustomerChange.Field.GRADE, "", grade, at(first_contact_on, 9))
    return made


def change(customer, field, old, new, when):
    row = CustomerChange.objects.create(customer=customer, field=field, old_value=old, new_value=new, changed_by=customer.consultant)
    CustomerChange.objects.filter(pk=row.pk).update(changed_at=when)
    return row


def task(customer, due_on, status=Task.Status.OPEN, closed_at=None, kind=Task.Kind.CADENCE, assignee=None):
    return Task.objects.create(
        customer=customer, kind=kind, due_on=due_on, status=status, closed_at=closed_at,
        assignee=assignee or customer.consultant,
    )


def order(customer, day, model):
    return Order.objects.create(customer=customer, ordered_on=day, car_model=model, consultant=customer.consultant)


def defeat(customer, reason, *, status=Defeat.Status.APPROVED, decided=None, brand=""):
    return Defeat.objects.create(
        customer=customer, reason=reason, brand_bought=brand, analysis="价格差距大", filed_by=customer.consultant,
        status=status, decided_at=decided, decided_by=customer.consultant if decided else None,
    )


def contact(customer, when):
    return Contact.objects.create(
        customer=customer, contacted_at=when, method=Contact.Method.PHONE, content="电话回访",
        grade_after=customer.grade, consultant=customer.consultant,
    )


@pytest.fixture
def activity(frozen, codes, consultant, teammate, other_consultant):
    alice, amy, charlie = consultant, teammate, other_consultant
    c = {}
    jan = d(1, 5)
    # Customers from before the month (not new prospects of March).
    c["old1"] = customer(alice, jan, grade="O", status=Customer.Status.ORDERED, channel=codes["A"])
    c["old2"] = customer(alice, jan, grade="O", status=Customer.Status.ORDERED)
    c["old3"] = customer(alice, jan, grade="O", status=Customer.Status.DELIVERED)
    c["old4"] = customer(alice, jan, grade="O", status=Customer.Status.DELIVERED)
    c["lost1"] = customer(alice, jan, status=Customer.Status.DEFEATED)
    c["lost2"] = customer(alice, jan, status=Customer.Status.DEFEATED)
    c["lost3"] = customer(alice, jan, status=Customer.Status.DEFEAT_PENDING)
    c["lost4"] = customer(alice, jan)
    c["amy_old"] = customer(amy, jan, grade="O", status=Customer.Status.ORDERED)
    c["amy_lost"] = customer(amy, jan, status=Customer.Status.DEFEATED)
    c["charlie_old"] = customer(charlie, jan, grade="O", status=Customer.Status.ORDERED)
    c["charlie_lost"] = customer(charlie, jan, status=Customer.Status.DEFEATED)

    # New prospects of March.
    c["hot"] = customer(alice, DAY, grade="H", channel=codes["A"])  # H on the day
    c["regraded"] = customer(alice, DAY, grade="B", channel=codes["H"])  # B on the day, A since 12 March
    change(c["regraded"], CustomerChange.Field.GRADE, "B", "A", at(d(3, 12)))
    Customer.objects.filter(pk=c["regraded"].pk).update(grade="A")
    c["prospected"] = customer(alice, d(3, 2), grade="C", intake=Customer.Intake.PROSPECTING)
    c["imported"] = customer(alice, d(3, 4), grade="N", intake=Customer.Intake.OEM, history=False)
    c["amy_new"] = customer(amy, DAY, grade="H")
    c["charlie_new"] = customer(charlie, DAY, grade="A")
    customer(alice, d(2, 27), grade="H")  # February: not in March

    # Walk-ins: alice 2 first (1 test drive, 1 channel A) + 1 repeat on the day; 1 first (test drive) + 1 repeat on 5 March.
    visit(alice, DAY, test_drive=True, channel=codes["A"], customer=c["hot"])
    visit(alice, DAY)
    visit(alice, DAY, first=False)
    visit(alice, d(3, 5), test_drive=True)
    visit(alice, d(3, 5), first=False)
    visit(alice, d(2, 28))  # February
    visit(amy, DAY)
    visit(amy, d(3, 2), first=False, test_drive=True)
    for _ in range(3):
        visit(charlie, DAY)

    # Phone-ins: alice 1 on the day, 2 on 3 March.
    call(alice, DAY)
    call(alice, d(3, 3))
    call(alice, d(3, 3))

    # Follow-up tasks of alice.
    done = Task.Status.DONE
    task(c["old1"], DAY, done, at(DAY, 11), kind=Task.Kind.FIRST_CONTACT)  # done + due on the day
    task(c["old1"], DAY)  # due on the day, still open (not overdue on the day)
    task(c["old2"], d(3, 8), Task.Status.OVERDUE)  # overdue at the day, due this month
    task(c["old2"], d(3, 5), done, at(DAY, 9), kind=Task.Kind.FIRST_CONTACT)  # done on the day, late: overdue at its start
    task(c["old3"], d(3, 3), done, at(d(3, 3)), kind=Task.Kind.FIRST_CONTACT)  # done and due this month
    task(c["old3"], d(2, 25), Task.Status.CANCELLED, at(d(3, 1)), kind=Task.Kind.APPOINTMENT)  # closed before the day
    task(c["old4"], d(3, 9), Task.Status.CANCELLED, at(d(3, 9)), kind=Task.Kind.APPOINTMENT)  # cancelled: not due
    task(c["lost4"], d(2, 20), Task.Status.OVERDUE)  # overdue since February

    # Orders.
    order(c["old1"], DAY, codes["model"])
    order(c["old2"], d(3, 6), codes["model"])
    order(c["old3"], d(2, 10), codes["model"])
    order(c["amy_old"], d(3, 9), codes["model"])
    order(c["charlie_old"], DAY, codes["model"])

    # Deliveries: the status history row; 00:30 on 11 March (Shanghai) is not the 10th.
    change(c["old3"], CustomerChange.Field.STATUS, "ordered", "delivered", at(DAY, 23, 30))
    change(c["old4"], CustomerChange.Field.STATUS, "ordered", "delivered", at(d(3, 11), 0, 30))
    change(c["old1"], CustomerChange.Field.STATUS, "active", "ordered", at(DAY, 12))

    # Defeats: approved on the day and on 2 March (alice), in February (amy), on the day (charlie);
    # a pending and a rejected one do not count.
    defeat(c["lost1"], codes["price"], decided=at(DAY, 16), brand="丰田")
    defeat(c["lost2"], codes["financing"], decided=at(d(3, 2)))
    defeat(c["lost3"], codes["price"], status=Defeat.Status.PENDING)
    defeat(c["lost4"], codes["product"], status=Defeat.Status.REJECTED, decided=at(DAY, 17), brand="本田")
    defeat(c["amy_lost"], codes["price"], decided=at(d(2, 15)), brand="丰田")
    defeat(c["charlie_lost"], codes["product"], decided=at(DAY, 15), brand="比亚迪")

    # Contacts (performance board): alice 3 in March + 1 in February, amy 1, charlie 2.
    contact(c["hot"], at(d(3, 2)))
    contact(c["hot"], at(DAY))
    contact(c["regraded"], at(d(3, 15)))
    contact(c["old1"], at(d(2, 20)))
    contact(c["amy_new"], at(d(3, 12)))
    contact(c["charlie_new"], at(DAY))
    contact(c["charlie_new"], at(d(3, 11)))
    return c


@pytest.fixture
def rows_of():
    """rows_of(html, testid) -> {data-consultant: [cell texts]} of the table with that data-testid."""
    import re

    def _rows(html: str, testid: str) -> dict[str, list[str]]:
        table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
        rows = {}
        for key, body in re.findall(r'<tr data-\w+="([^"]+)">(.*?)</tr>', table, re.S):
            rows[key] = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", body, re.S)]
        return rows

    return _rows


@pytest.fixture(autouse=True)
def english(client, settings):
    """Pages in English, so labels can be compared (the Chinese catalogue is tested once, below)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
