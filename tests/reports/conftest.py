"""A known month of activity (March 2026, report day 10 March) for the report tests.

alice and amy are in Team A (managed by `showroom_manager`), charlie in Team B. Every row is made the
way the product makes it: through the services, each at its own moment (time travels there), so the
history rows, follow-up tasks, vehicles and test drives are the ones the services write (two test
drives are by appointment: `appointment_test_drive`). The follow-up rules
are the fixture's own (`CADENCES`). The expected figures are written out in the tests; the comments
here say which event feeds which figure.
"""

import itertools
from contextlib import contextmanager
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from followups.models import GradeRule, RuleSet
from leads.models import CarModel, Channel, Contact, Customer, Defeat, DefeatReason, Order, PhoneCall, TestDrive, Visit
from leads.register_services import phone_call_log, visit_add, visit_complete
from leads.services import (
    contact_log, customer_create, customer_regrade, defeat_approve, defeat_file, defeat_reject, order_record,
    test_drive_record,
)
from owners.models import Vehicle
from owners.services import defeated_reactivate, delivery_record
from owners.vin import with_check_digit

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=SHANGHAI)

# The follow-up rules of these tests: grade -> (first follow-up within days, times, per days). B and O
# have none, so the customers who are B before the month (or O once ordered) carry no follow-up task
# and the follow-up figures come only from the tasks the comments below name.
CADENCES = {"H": (4, 1, 7), "A": (1, 1, 7), "C": (3, 1, 8), "N": (1, 1, 7)}

_phones = itertools.count(1)
_vins = itertools.count(1)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def d(month: int, day: int) -> date:
    return date(2026, month, day)


@contextmanager
def moment(when: datetime):
    """Run the services as at `when` (their `now`, `today` and `auto_now` fields)."""
    with time_machine.travel(when, tick=False):
        yield


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


@pytest.fixture
def cadences(db):
    """The active follow-up rules are `CADENCES` (the shipped presets are set aside)."""
    RuleSet.objects.update(is_active=False)
    rule_set = RuleSet.objects.create(name="Report tests", is_active=True)
    GradeRule.objects.bulk_create(
        GradeRule(rule_set=rule_set, grade=grade, first_within_days=first, times=times, per_days=per_days)
        for grade, (first, times, per_days) in CADENCES.items()
    )
    return rule_set


# --- The services, each run at its moment ------------------------------------------------------------


def customer(consultant, first_contact_on: date, *, grade="B", hour=10, **fields) -> Customer:
    """A card the consultant types in (`customer_create`), on its first contact day."""
    with moment(at(first_contact_on, hour)):
        return customer_create(
            fields={"name": f"客户{next(_phones)}", "phone": f"137{next(_phones):08d}", "grade": grade, **fields},
            consultant=consultant, by=consultant, first_contact_on=first_contact_on,
        )


def visit(consultant, day: date, *, hour=10, phone="") -> Visit:
    """Reception registers a party (`visit_add`): a first visit (F), or a repeat (S) when the phone is
    a known customer's. Not completed: the row has no customer card."""
    with moment(at(day, hour)):
        return visit_add(by=consultant, visit_date=day, arrived_at=time(hour), consultant=consultant, phone=phone)


def walk_in(consultant, day: date, *, grade, channel=None, test_drive=False, hour=10) -> Customer:
    """A first visit completed by the consultant with a new phone: a walk-in card is made."""
    registered = visit(consultant, day, hour=hour)
    with moment(at(day, hour, 45)):
        completed = visit_complete(
            visit=registered, by=consultant, left_at=time(hour, 40), name=f"来店{next(_phones)}",
            phone=f"136{next(_phones):08d}", grade=grade, channel=channel, test_drive=test_drive,
        )
    return completed.customer


def been_in_before(customer: Customer, day: date) -> None:
    """The customer's earlier showroom visit, so that their March visits are S (return visits). Written
    as a plain row: through the register it would also be a January follow-up, which would move the
    tasks the March figures count."""
    Visit.objects.create(
        visit_date=day, arrived_at=time(10), left_at=time(10, 30), consultant=customer.consultant, customer=customer,
        completed_at=at(day, 10), created_by=customer.consultant,
    )


def appointment_test_drive(consultant, day: date, customer: Customer, *, hour=15) -> None:
    """A test drive by appointment (not ticked on a register row), recorded on the customer's card."""
    with moment(at(day, hour)):
        test_drive_record(
            customer=customer, by=consultant, driven_at=at(day, hour), source=TestDrive.Source.APPOINTMENT,
        )


def call(consultant, day: date, caller: Customer) -> PhoneCall:
    """A phone-in from a known customer (`phone_call_log` attaches it; no new card)."""
    with moment(at(day, 9)):
        return phone_call_log(
            by=consultant, call_date=day, called_at=time(9), consultant=consultant, name=caller.name,
            phone=caller.phone, grade=caller.grade,
        )


def contact(customer: Customer, when: datetime, *, next_followup_on=None, appointment_at=None) -> Contact:
    """A follow-up logged at `when` (`contact_log`): it closes the open task and opens the next."""
    customer.refresh_from_db()
    with moment(when):
        return contact_log(
            customer=customer, by=customer.consultant, contacted_at=when, method=Contact.Method.PHONE,
            content="电话回访", grade_after=customer.grade, next_followup_on=next_followup_on,
            appointment_at=appointment_at,
        )


def regrade(customer: Customer, grade: str, day: date) -> Customer:
    with moment(at(day)):
        return customer_regrade(customer=customer, grade=grade, by=customer.consultant)


def order(customer: Customer, day: date, model: CarModel) -> Order:
    with moment(at(day, 12)):
        return order_record(customer=customer, by=customer.consultant, fields={"ordered_on": day, "car_model": model})


def deliver(customer: Customer, day: date, model: CarModel) -> Vehicle:
    """The ordered car handed over (`delivery_record`): a delivery of `day`."""
    with moment(at(day, 18)):
        return delivery_record(
            customer=customer, by=customer.consultant,
            vehicle={"vin": next_vin(), "car_model": model, "delivered_on": day},
        )


def next_vin() -> str:
    return with_check_digit(f"LSVAB4180R{next(_vins):07d}")


def defeat(customer: Customer, reason, *, filed: datetime, decided: datetime | None = None, by=None,
           approve=True, brand="") -> Defeat:
    """A defeat request filed at `filed`; approved (or rejected) by `by` at `decided`, if given."""
    with moment(filed):
        request = defeat_file(
            customer=customer, by=customer.consultant,
            fields={"reason": reason, "brand_bought": brand, "analysis": "价格差距大"},
        )
    if decided is None:
        return request
    with moment(decided):
        if approve:
            return defeat_approve(defeat=request, by=by)
        return defeat_reject(defeat=request, by=by, comment="再跟进一次")


def reactivate(customer: Customer, when: datetime) -> Customer:
    with moment(when):
        return defeated_reactivate(customer=customer, by=customer.consultant)


# --- The month ----------------------------------------------------------------------------------------


@pytest.fixture
def activity(frozen, codes, cadences, consultant, teammate, other_consultant, sales_manager):
    """Follow-up tasks of alice (`T…`, `L…`) that the daily report counts on 10 March:
    Tf due 3/3 open; Ta due 3/5 done 3/2; Ta2 due 3/10 done 3/10; Ta3 due 3/10 open; Tn due 3/5 done
    3/10; L4 due 1/8 open → done (2, 3), due (2, 5), overdue at the start of the day 3 (Tf, Tn, L4).
    Tasks closed before the month or cancelled (L1, L2) and those of amy and charlie count nowhere.
    """
    people = {"alice": consultant, "amy": teammate, "charlie": other_consultant, "boss": sales_manager}
    c = _before_the_month(people, codes)
    _march_before_the_day(c, people, codes)
    _the_day(c, people, codes)
    _after_the_day(c, codes)
    return c


def _before_the_month(p, codes) -> dict[str, Customer]:
    """Customers of January (not new prospects of March; B has no rule: no task, C has), and February."""
    alice, jan = p["alice"], d(1, 5)
    c = {
        "old1": customer(alice, jan, channel=codes["A"]),
        "old2": customer(alice, jan),
        "old3": customer(alice, jan),
        "old4": customer(alice, jan),
        "lost1": customer(alice, jan, grade="C"),  # L1: task due 1/8
        "lost2": customer(alice, jan, grade="C"),  # L2: task due 1/8
        "lost3": customer(alice, jan),
        "lost4": customer(alice, jan, grade="C"),  # L4: task due 1/8, never contacted: overdue
        "amy_old": customer(p["amy"], jan),
        "amy_lost": customer(p["amy"], jan),
        "charlie_old": customer(p["charlie"], jan),
        "charlie_lost": customer(p["charlie"], jan),
    }
    for regular in ("old1", "old2", "amy_old"):  # in the showroom in January: their March visits are repeats
        been_in_before(c[regular], jan)
    # February: orders of old3 and old4 (delivered in March), amy's defeat, a February prospect.
    order(c["old3"], d(2, 10), codes["model"])
    order(c["old4"], d(2, 12), codes["model"])
    defeat(c["amy_lost"], codes["price"], filed=at(d(2, 15), 9), decided=at(d(2, 15)), by=p["boss"], brand="丰田")
    # lost1: L1 done on 2/20; the appointment for 10 March opens a task due that day (cancelled below).
    contact(c["lost1"], at(d(2, 20)), appointment_at=at(DAY, 10))
    customer(alice, d(2, 27), grade="H")  # February: not in March; Tf due 3/3, open
    visit(alice, d(2, 28))  # February
    return c


def _march_before_the_day(c, p, codes) -> None:
    alice, amy = p["alice"], p["amy"]
    # 2 March: a prospecting call makes a card; Ta (due 3/5) done at once, Ta2 due 3/10.
    c["prospected"] = customer(alice, d(3, 2), grade="C", intake=Customer.Intake.PROSPECTING)
    contact(c["prospected"], at(d(3, 2), 11))
    defeat(c["lost2"], codes["financing"], filed=at(d(3, 2), 9), decided=at(d(3, 2)), by=p["boss"])  # L2 cancelled
    visit(amy, d(3, 2), phone=c["amy_old"].phone)  # repeat
    appointment_test_drive(amy, d(3, 2), c["amy_old"])
    # Phone-ins: alice 2 on 3 March (and 1 on the day).
    call(alice, d(3, 3), c["old2"])
    call(alice, d(3, 3), c["old3"])
    # 4 March: an OEM lead; Tn due 3/5.
    c["imported"] = customer(alice, d(3, 4), grade="N", intake=Customer.Intake.OEM)
    # Walk-ins of 5 March: 1 first + 1 repeat; a test drive by appointment.
    visit(alice, d(3, 5))
    appointment_test_drive(alice, d(3, 5), c["old1"])
    visit(alice, d(3, 5), phone=c["old2"].phone)
    order(c["old2"], d(3, 6), codes["model"])
    # lost4: a defeat request rejected on 3/9 (not a defeat); L4 stays overdue.
    defeat(c["lost4"], codes["product"], filed=at(d(3, 8)), decided=at(d(3, 9)), by=p["boss"], approve=False, brand="本田")
    order(c["amy_old"], d(3, 9), codes["model"])


def _the_day(c, p, codes) -> None:
    """Walk-ins: alice 2 first (1 completed: the H card, test drive, channel A) + 1 repeat; amy 1
    first, charlie 3 first. New prospects: hot H, regraded B (A since 12 March), amy H, charlie A."""
    alice, amy, charlie, boss = p["alice"], p["amy"], p["charlie"], p["boss"]
    defeat(c["lost3"], codes["price"], filed=at(DAY, 9))  # pending: not a defeat
    call(alice, DAY, c["old1"])
    contact(c["imported"], at(DAY, 9))  # Tn done (late); Tn2 due 3/17
    c["hot"] = walk_in(alice, DAY, grade="H", channel=codes["A"], test_drive=True)  # Th due 3/14
    visit(alice, DAY, hour=11)
    visit(alice, DAY, hour=11, phone=c["old1"].phone)
    c["regraded"] = customer(alice, DAY, grade="B", channel=codes["H"])
    contact(c["prospected"], at(DAY, 11), next_followup_on=DAY)  # Ta2 done; Ta3 due the same day
    visit(amy, DAY)
    c["amy_new"] = customer(amy, DAY, grade="H")
    for _ in range(3):
        visit(charlie, DAY)
    c["charlie_new"] = customer(charlie, DAY, grade="A")
    # Orders (old1 active → ordered at 12:00: a status row that is no delivery).
    order(c["old1"], DAY, codes["model"])
    order(c["charlie_old"], DAY, codes["model"])
    # Defeats approved: charlie's, and alice's lost1 (L1's appointment task cancelled).
    defeat(c["charlie_lost"], codes["product"], filed=at(DAY, 14), decided=at(DAY, 15), by=boss, brand="比亚迪")
    defeat(c["lost1"], codes["price"], filed=at(DAY, 15, 30), decided=at(DAY, 16), by=boss, brand="丰田")
    deliver(c["old3"], DAY, codes["model"])


def _after_the_day(c, codes) -> None:
    """Not in the day's figures, but in the month's (board, channels)."""
    deliver(c["old4"], d(3, 11), codes["model"])
    contact(c["charlie_new"], at(d(3, 11)))
    regrade(c["regraded"], "A", d(3, 12))
    contact(c["amy_new"], at(d(3, 12)))
    contact(c["charlie_new"], at(d(3, 12)))


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


@pytest.fixture
def targets(activity, consultant, teammate, sales_manager):
    """March's targets of alice and amy (and a February one of alice's the March board must not read)."""
    from reports.services import monthly_targets_save

    monthly_targets_save(month=d(3, 1), by=sales_manager, targets={
        consultant.pk: {"contacts": 10, "prospecting": 2, "return_visits": 4, "test_drives": 4, "sales": 4},
        teammate.pk: {"contacts": 5, "sales": 2},
    })
    monthly_targets_save(month=d(2, 1), by=sales_manager, targets={consultant.pk: {"contacts": 99, "sales": 99}})
