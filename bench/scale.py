"""The benchmark data set: `python -m bench.scale --scale N [--seed S]` builds it in bulk (PostgreSQL COPY;
plain inserts elsewhere). `manage.py seed_demo --scale N` runs the same command.

`--scale 1` is one large dealership: 60 staff, 200,000 prospects of every grade and status over two
years, 50,000 owners with vehicles, 150,000 visits (a busy register today), 2,000,000 contacts,
about 1,000,000 follow-up tasks (exactly one open prospect task per open prospect, some due today,
some overdue), 10,000 defeats. Deterministic for a seed and a day. It respects the model
constraints (unique phones and VINs, one open prospect task per customer, one calendar task per
customer, kind and day, one pending defeat per customer).

Rows go in with explicit ids, in chunks that each commit on their own (no transaction-long queue of
foreign-key checks); the bench sales manager is created last and marks a complete build.
"""

import argparse
import io
import os
import random
import time
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta, timezone as dt_timezone
from zoneinfo import ZoneInfo

import django
from dateutil.relativedelta import relativedelta

if __name__ == "__main__":  # run as a script: the imports below need the app registry
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_project.settings")
    django.setup()

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Team, User
from accounts.roles import sync_role_groups
from demo.staff import DEMO_PASSWORD
from followups.models import GradeRule, HListEntry, RuleSet, Task
from followups.rules import week_start_of
from leads.models import (
    CarModel, Channel, Colour, Contact, Customer, CustomerChange, Defeat, DefeatReason, NewProspect, Order, PhoneCall, TestDrive,
    Visit,
)
from owners import care
from owners.models import CareMilestone, Vehicle
from reports.models import ImprovementAction, OneToOneNote, ReportExport, SuccessPlan

PREFIX = "bench_"
MARKER_USERNAME = f"{PREFIX}salesmgr"
CONSULTANT_USERNAME = f"{PREFIX}consultant01"
SHOWROOM_USERNAME = f"{PREFIX}showroom1"
PASSWORD = DEMO_PASSWORD
SPAN_DAYS = 730
CHUNK = 50_000

# Volumes at --scale 1.
VOLUMES = {
    "prospects": 200_000,
    "owners": 50_000,
    "visits": 150_000,
    "contacts": 2_000_000,
    "tasks": 1_000_000,
    "defeats": 10_000,
    "phone_calls": 30_000,
    "ordered": 3_000,
    "busy_day_extra_visits": 400,
    "report_exports": 20_000,
    "improvement_actions": 5_000,
    "success_plans": 1_200,  # at most one per consultant and month: 50 consultants over the 24 months
    "one_to_one_notes": 3_000,
    "h_list_entries_per_week": 600,  # about 12 per consultant and week, beside that week's orders
}
H_LIST_WEEKS = 8  # the hit rate looks back 8 weeks: the lists of those and of the current week

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏建华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣佳怡梓涵子轩晨阳雪婷倩琳晶颖"
REGIONS = ["浦东新区", "闵行区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区", "宝山区", "嘉定区", "松江区", "青浦区", "奉贤区", "金山区"]
OCCUPATIONS = ["教师", "医生", "工程师", "公务员", "个体经营", "销售", "会计", "程序员", "律师", "司机", "设计师", "企业主"]
CONTACT_TEXTS = [
    "电话回访，客户对车型感兴趣，约周末再来店", "微信发送报价单，客户在比较竞品", "到店看车，试驾后满意",
    "客户询问贷款方案和月供", "客户家人意见未统一，下周再联系", "邀请参加周末团购会", "客户关注置换补贴",
    "发送新款车型资料", "客户在等年终优惠", "客户对颜色有顾虑，介绍现车库存",
]
RESULTS = ["", "有意向", "需再跟进", "约定到店", "比较竞品中"]
DISCUSSIONS = ["看车、问价格", "试驾，询问配置", "了解贷款方案", "比较竞品", "陪家人看车", "询问置换"]
PHONE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "158", "159", "177", "180", "185", "186", "187", "188", "189", "199"]
BRANDS = [("丰田", "凯美瑞"), ("本田", "雅阁"), ("日产", "天籁"), ("别克", "君威"), ("比亚迪", "汉"), ("特斯拉", "Model 3")]
INTAKES = [
    (Customer.Intake.WALK_IN, 55), (Customer.Intake.PHONE_IN, 20), (Customer.Intake.OEM, 10),
    (Customer.Intake.OWNER_REFERRAL, 5), (Customer.Intake.PROSPECTING, 5), (Customer.Intake.ALLIANCE, 5),
]
ACTIVE_GRADES = [("H", 5), ("A", 12), ("B", 25), ("C", 30), ("N", 28)]
# Days between follow-ups per grade (the SVW preset, rounded), used when the active rule set is missing.
PER_DAYS = {"O": 7, "H": 2, "A": 2, "B": 4, "C": 7, "N": 15}
METHODS = [Contact.Method.PHONE] * 5 + [Contact.Method.MESSAGE] * 3 + [Contact.Method.SHOWROOM] * 2 + [Contact.Method.HOME_VISIT]


def count(name: str, scale: float) -> int:
    return max(1, round(VOLUMES[name] * scale))


def bench_data_present() -> bool:
    return User.objects.filter(username=MARKER_USERNAME).exists()


# --- Bulk writer ---------------------------------------------------------------------------------

_REQUIRED = object()


def _fmt(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


class Loader:
    """Writes dict rows into a model's table: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self):
        self.is_postgres = connection.vendor == "postgresql"
        self.counts: dict[str, int] = {}

    @staticmethod
    def next_id(model) -> int:
        return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def load(self, model, rows: Iterable[dict], *, explicit_ids: bool = False) -> int:
        """Without explicit_ids the database numbers the rows (the rows carry no "id")."""
        fields = [f for f in model._meta.concrete_fields if explicit_ids or not f.primary_key]
        defaults = []
        for field in fields:
            if field.has_default():
                defaults.append(field.get_default())
            elif field.null:
                defaults.append(None)
            elif field.blank and field.get_internal_type() in ("CharField", "TextField"):
                defaults.append("")
            else:
                defaults.append(_REQUIRED)
        columns = [field.column for field in fields]
        names = [field.attname for field in fields]
        spec = list(zip(names, defaults))
        total = 0
        batch: list[tuple] = []
        for row in rows:
            values = []
            for name, default in spec:
                value = row.get(name, default)
                if value is _REQUIRED:
                    raise ValueError(f"{model.__name__}.{name} is required")
                values.append(value)
            batch.append(tuple(values))
            if len(batch) >= CHUNK:
                self._write(model, fields, columns, batch)
                total += len(batch)
                batch = []
        if batch:
            self._write(model, fields, columns, batch)
            total += len(batch)
        self.counts[model._meta.db_table] = self.counts.get(model._meta.db_table, 0) + total
        return total

    def _write(self, model, fields, columns, batch) -> None:
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.is_postgres:
                buffer = io.StringIO()
                buffer.writelines("\t".join(map(_fmt, values)) + "\n" for values in batch)
                buffer.seek(0)
                cursor.cursor.copy_expert(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN', buffer)
            else:
                prepared = [
                    [field.get_db_prep_value(value, connection) for field, value in zip(fields, values)]
                    for values in batch
                ]
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({placeholders})', prepared)

    def finish(self, models) -> None:
        """Move the id sequences past the ids written, and refresh the planner's statistics."""
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
            if self.is_postgres and not connection.in_atomic_block:
                # Statistics for the planner, and the visibility map for index-only scans.
                for model in models:
                    cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
            elif self.is_postgres:
                for model in models:
                    cursor.execute(f'ANALYZE "{model._meta.db_table}"')


# --- The data ------------------------------------------------------------------------------------


class Builder:
    def __init__(self, *, scale: float, seed: int, today: date, log=print):
        self.scale = scale
        self.rng = random.Random(seed)
        self.today = today
        self.log = log
        self.loader = Loader()
        self.offset = ZoneInfo(settings.TIME_ZONE).utcoffset(datetime(today.year, today.month, today.day))
        self.car_models = list(CarModel.objects.values_list("pk", flat=True)) or [None]
        self.colours = list(Colour.objects.values_list("pk", flat=True)) or [None]
        self.channels = list(Channel.objects.values_list("pk", flat=True)) or [None]
        self.reasons = list(DefeatReason.objects.values_list("pk", flat=True))
        self.per_days = dict(PER_DAYS)
        for rule in GradeRule.objects.filter(rule_set__is_active=True):
            self.per_days[rule.grade] = max(1, round(rule.per_days / max(1, rule.times)))
        active = RuleSet.objects.filter(is_active=True).first()
        self.revisit_days = active.defeat_revisit_days if active else 90
        self.milestones = list(CareMilestone.objects.filter(is_active=True).values_list("months", "days", "kind", "purpose"))

    # helpers
    def at(self, day: date, seconds: int) -> datetime:
        """An aware UTC datetime for a local day and a number of seconds after local midnight."""
        return datetime(day.year, day.month, day.day, tzinfo=dt_timezone.utc) + timedelta(seconds=seconds) - self.offset

    def office_seconds(self, start_hour=9, end_hour=19) -> int:
        return self.rng.randrange(start_hour * 3600, end_hour * 3600)

    def weighted(self, pairs):
        return self.rng.choices([value for value, _ in pairs], weights=[weight for _, weight in pairs])[0]

    def name(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))

    def phones(self, n: int) -> list[str]:
        taken = set(Customer.objects.values_list("phone", flat=True))
        numbers = self.rng.sample(range(len(PHONE_PREFIXES) * 10**8), n + len(taken))
        phones = []
        for number in numbers:
            phone = PHONE_PREFIXES[number // 10**8] + f"{number % 10**8:08d}"
            if phone not in taken:
                phones.append(phone)
                if len(phones) == n:
                    break
        return phones

    # staff
    def staff(self) -> None:
        n_teams = max(2, round(6 * self.scale))
        n_consultants = max(2 * n_teams, round(50 * self.scale))
        n_reception = max(1, round(2 * self.scale))
        sync_role_groups()
        groups = dict(Group.objects.values_list("name", "pk"))
        password = make_password(PASSWORD)
        offset = Team.objects.count()
        teams = [Team.objects.create(name=f"基准{offset + i + 1}组") for i in range(n_teams)]
        rows = [(f"{PREFIX}admin", User.Role.ADMINISTRATOR, None)]
        rows += [(f"{PREFIX}reception{i + 1}", User.Role.RECEPTION, None) for i in range(n_reception)]
        rows += [(f"{PREFIX}showroom{i + 1}", User.Role.SHOWROOM_MANAGER, teams[i]) for i in range(n_teams)]
        rows += [(f"{PREFIX}consultant{i + 1:02d}", User.Role.CONSULTANT, teams[i % n_teams]) for i in range(n_consultants)]
        users = []
        for username, role, team in rows:
            name = self.name()
            users.append(User(username=username, password=password, last_name=name[0], first_name=name[1:],
                              role=role, team=team, is_staff=role == User.Role.ADMINISTRATOR))
        users = User.objects.bulk_create(users)
        users = list(User.objects.filter(username__in=[u.username for u in users]).order_by("pk"))
        for team in teams:
            team.manager = next(u for u in users if u.role == User.Role.SHOWROOM_MANAGER and u.team_id == team.pk)
            team.save(update_fields=["manager"])
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=groups[u.role]) for u in users if u.role in groups]
        )
        self.managers = {team.pk: team.manager_id for team in teams}
        self.consultants = [(u.pk, self.managers[u.team_id]) for u in users if u.role == User.Role.CONSULTANT]
        self.reception = [u.pk for u in users if u.role == User.Role.RECEPTION]
        self.admin_id = next(u.pk for u in users if u.role == User.Role.ADMINISTRATOR)

    def marker(self) -> None:
        name = self.name()
        user = User.objects.create_user(username=MARKER_USERNAME, password=PASSWORD, last_name=name[0], first_name=name[1:])
        user.role = User.Role.SALES_MANAGER
        user.save(update_fields=["role"])
        user.groups.set(Group.objects.filter(name=User.Role.SALES_MANAGER))

    # customers
    def customers(self) -> None:
        rng, today, scale = self.rng, self.today, self.scale
        n_defeats = count("defeats", scale)
        n_pending = max(1, round(n_defeats * 0.06))
        n_rejected = max(1, round(n_defeats * 0.04))
        n_approved = max(1, n_defeats - n_pending - n_rejected)
        n_owners = count("owners", scale)
        n_ordered = count("ordered", scale)
        n_prospects = count("prospects", scale)
        kinds = (["owner"] * n_owners + ["defeated"] * n_approved + ["defeat_pending"] * n_pending
                 + ["rejected"] * n_rejected + ["ordered"] * n_ordered)
        kinds += ["prospect"] * max(0, n_prospects + n_owners - len(kinds))
        rng.shuffle(kinds)
        phones = self.phones(len(kinds))
        first_id = self.loader.next_id(Customer)
        self.info = []  # per customer: a small dict of what the other tables need

        def rows() -> Iterator[dict]:
            for i, kind in enumerate(kinds):
                cid = first_id + i
                consultant_id, manager_id = rng.choice(self.consultants)
                info = {"id": cid, "consultant": consultant_id, "manager": manager_id, "kind": kind}
                if kind == "owner":
                    age = rng.randint(45, SPAN_DAYS - 1)
                elif kind in ("defeated", "rejected"):
                    age = rng.randint(20, SPAN_DAYS - 1)
                elif kind == "defeat_pending":
                    age = rng.randint(10, 120)
                elif kind == "ordered":
                    age = rng.randint(3, 60)
                else:
                    age = rng.randint(0, SPAN_DAYS - 1)
                first = today - timedelta(days=age)
                status, grade, due, appointment = Customer.Status.ACTIVE, "N", None, None
                if kind == "prospect" and age > 120 and rng.random() < 0.6:
                    kind = info["kind"] = "dormant"
                if kind in ("prospect", "rejected", "ordered"):
                    grade = "O" if kind == "ordered" else self.weighted(ACTIVE_GRADES)
                    status = Customer.Status.ORDERED if kind == "ordered" else Customer.Status.ACTIVE
                    per = self.per_days.get(grade, 7)
                    draw = rng.random()
                    if age == 0:
                        due = today + timedelta(days=rng.randint(1, per))
                    elif draw < 0.05:
                        due = today - timedelta(days=min(age, rng.randint(1, 45)))
                    elif draw < 0.10:
                        due = today
                    else:
                        due = today + timedelta(days=rng.randint(1, per))
                    last = min(max(first, due - timedelta(days=per)), today)
                    if rng.random() < 0.05 and due >= today:
                        appointment = self.at(due, rng.randrange(10, 17) * 3600)
                elif kind == "dormant":
                    grade = rng.choice("CCNNB")
                    status = Customer.Status.DORMANT
                    last = first + timedelta(days=rng.randint(0, max(0, min(90, age - 60))))
                elif kind in ("defeated", "defeat_pending"):
                    grade = rng.choice("ABCCN")
                    status = Customer.Status.DEFEATED if kind == "defeated" else Customer.Status.DEFEAT_PENDING
                    last = first + timedelta(days=rng.randint(1, max(1, min(60, age - 5))))
                    if kind == "defeat_pending":
                        last = today - timedelta(days=rng.randint(0, min(5, age)))
                else:  # owner
                    grade = "O"
                    status = Customer.Status.DELIVERED
                    ordered_on = first + timedelta(days=rng.randint(0, min(60, age - 30)))
                    info["ordered_on"] = ordered_on
                    info["delivered_on"] = ordered_on + timedelta(days=rng.randint(3, 20))
                    last = info["delivered_on"]
                info.update(first=first, last=last, due=due, grade=grade, appointment=appointment)
                intake = self.weighted(INTAKES)
                created_at = self.at(first, self.office_seconds())
                if age <= 1 and rng.random() < 0.8:
                    card = {"card_status": Customer.CardStatus.PENDING}
                elif age <= 10 and rng.random() < 0.05:  # sent back lately, not fixed yet
                    card = {"card_status": Customer.CardStatus.RETURNED, "card_return_comment": "电话号码和意向车型请核实"}
                else:
                    card = {"card_status": Customer.CardStatus.SIGNED, "card_signed_by_id": manager_id,
                            "card_signed_at": created_at + timedelta(hours=3)}
                info["card"] = card["card_status"]
                name = self.name()
                info.update(name=name, phone=phones[i], intake=intake, car_model=rng.choice(self.car_models),
                            colour=rng.choice(self.colours), channel=rng.choice(self.channels), created_at=created_at)
                birthday = (date(rng.randint(1960, 2002), rng.randint(1, 12), rng.randint(1, 28))
                            if rng.random() < 0.4 else None)
                info["birthday"] = birthday
                self.info.append(info)
                yield {
                    "id": cid, "name": name, "phone": phones[i], "gender": rng.choice("MF"),
                    "region": rng.choice(REGIONS), "occupation": rng.choice(OCCUPATIONS), "birthday": birthday,
                    "car_model_id": info["car_model"], "colour_id": info["colour"], "budget": f"{rng.randint(12, 35)}万",
                    "payment": rng.choice(("cash", "loan", "")), "channel_id": info["channel"], "intake": intake,
                    "consultant_id": consultant_id, "grade": grade, "graded_on": last, "status": status,
                    "first_contact_on": first, "last_contact_on": last, "next_followup_on": due,
                    "next_followup_reason": "按级别跟进" if due else "", "appointment_at": appointment,
                    "created_by_id": consultant_id, "created_at": created_at, "updated_by_id": consultant_id,
                    "updated_at": max(created_at, self.at(last, 18 * 3600)), "version": 1, **card,
                }

        self.loader.load(Customer, rows(), explicit_ids=True)

    # contacts and tasks
    def calendar_tasks(self) -> list[dict]:
        """Owners' care plan, birthdays and insurance, and defeat revisits: done in the past, open this week."""
        today, rng = self.today, self.rng
        window_start = today - timedelta(days=6)
        tasks = []

        def add(seen, info, kind, due, reason):
            if due > today or (info["id"], kind, due) in seen:
                return
            seen.add((info["id"], kind, due))
            if due >= window_start:
                status, closed = (Task.Status.OVERDUE if due < today else Task.Status.OPEN), None
            else:
                status = Task.Status.DONE if rng.random() < 0.85 else Task.Status.CANCELLED
                closed = self.at(due, self.office_seconds())
            tasks.append({"customer_id": info["id"], "kind": kind, "due_on": due, "assignee_id": info["consultant"],
                          "status": status, "reason": reason[:200], "created_at": self.at(due, 6 * 3600), "closed_at": closed})

        for info in self.info:
            seen = set()
            if info["kind"] == "owner":
                delivered = info["delivered_on"]
                for months, days, kind, purpose in self.milestones:
                    add(seen, info, kind, care.milestone_due(delivered, months=months, days=days), purpose)
                for due in care.yearly_in_window(delivered, start=delivered, end=today + timedelta(days=40), offset=relativedelta(months=-1)):
                    add(seen, info, Task.Kind.INSURANCE, due, "续保提醒")
                if info["birthday"]:
                    for year in range(delivered.year, today.year + 1):
                        due = care.birthday_in(info["birthday"], year)
                        if due >= delivered:
                            add(seen, info, Task.Kind.BIRTHDAY, due, "生日祝福")
            elif info["kind"] == "defeated":
                defeated_on = info["last"] + timedelta(days=1)
                for due in care.revisits_in_window(defeated_on, every_days=self.revisit_days, start=defeated_on, end=today):
                    add(seen, info, Task.Kind.DEFEAT_REVISIT, due, "战败客户回访")
        return tasks

    def contacts_and_tasks(self) -> None:
        rng, today, scale = self.rng, self.today, self.scale
        calendar = self.calendar_tasks()
        open_kinds = ("prospect", "rejected", "ordered")
        closed_kinds = ("dormant", "defeated", "defeat_pending", "owner")
        n_open = sum(1 for info in self.info if info["kind"] in open_kinds)
        n_cancelled = sum(1 for info in self.info if info["kind"] in closed_kinds)
        target_contacts = count("contacts", scale)
        weights = [1 + (info["last"] - info["first"]).days / 20 for info in self.info]
        factor = target_contacts / sum(weights)
        per_customer = [max(1, int(w * factor + rng.random())) for w in weights]
        n_done = max(0, count("tasks", scale) - len(calendar) - n_open - n_cancelled)
        done_probability = min(1.0, n_done / max(1, sum(per_customer) - len(per_customer)))
        first_contact_id = self.loader.next_id(Contact)
        prospect_tasks: list[dict] = []

        def rows() -> Iterator[dict]:
            contact_id = first_contact_id
            for info, k in zip(self.info, per_customer):
                first, last = info["first"], info["last"]
                span = (last - first).days
                days = sorted([0, span] + [rng.randint(0, span) for _ in range(k - 2)])[:k] if k > 1 else [0]
                dates = [first + timedelta(days=d) for d in days]
                for n, day in enumerate(dates):
                    at = self.at(day, self.office_seconds())
                    following = dates[n + 1] if n + 1 < len(dates) else info["due"]
                    if n == 0 and info["intake"] == Customer.Intake.WALK_IN:
                        method = Contact.Method.SHOWROOM
                    else:
                        method = rng.choice(METHODS)
                    yield {
                        "id": contact_id, "customer_id": info["id"], "contacted_at": at, "method": method,
                        "content": rng.choice(CONTACT_TEXTS), "result": rng.choice(RESULTS), "grade_after": info["grade"],
                        "next_followup_on": following, "next_followup_reason": "按级别跟进" if following else "",
                        "consultant_id": info["consultant"], "created_at": at,
                    }
                    if n > 0 and rng.random() < done_probability:
                        prospect_tasks.append({
                            "customer_id": info["id"], "kind": Task.Kind.FIRST_CONTACT if n == 1 else Task.Kind.CADENCE,
                            "due_on": day, "assignee_id": info["consultant"], "status": Task.Status.DONE,
                            "contact_id": contact_id, "created_at": at - timedelta(days=1), "closed_at": at,
                        })
                    contact_id += 1
                if info["kind"] in open_kinds:
                    due = info["due"]
                    prospect_tasks.append({
                        "customer_id": info["id"], "kind": Task.Kind.APPOINTMENT if info["appointment"] else Task.Kind.CADENCE,
                        "due_on": due, "assignee_id": info["consultant"],
                        "status": Task.Status.OVERDUE if due < today else Task.Status.OPEN, "reason": "按级别跟进",
                        "created_at": self.at(last, 18 * 3600),
                    })
                else:
                    closed_at = self.at(last, 18 * 3600)
                    prospect_tasks.append({
                        "customer_id": info["id"], "kind": Task.Kind.CADENCE, "due_on": last + timedelta(days=7),
                        "assignee_id": info["consultant"], "status": Task.Status.CANCELLED, "created_at": closed_at,
                        "closed_at": closed_at,
                    })

        self.loader.load(Contact, rows(), explicit_ids=True)
        self.log(f"  contacts: {self.loader.counts[Contact._meta.db_table]:,}")
        self.loader.load(Task, prospect_tasks + calendar)

    # registers
    def visits_and_calls(self) -> None:
        rng, today, scale = self.rng, self.today, self.scale
        reception = self.reception
        walk_ins = [info for info in self.info if info["intake"] == Customer.Intake.WALK_IN]
        n_visits = count("visits", scale)
        busy_extra = min(count("busy_day_extra_visits", scale), n_visits // 4)
        first_visits = walk_ins[: max(0, n_visits - busy_extra)]
        repeat_pool = [info for info in walk_ins if info["last"] > info["first"]]
        n_repeats = max(0, n_visits - len(first_visits) - busy_extra)
        today_pool = [info for info in self.info if info["kind"] in ("prospect", "rejected", "ordered") and info["first"] < today]

        def visit(info, day, first_visit, complete=True):
            arrived = rng.randrange(9 * 3600, 19 * 3600)
            stay = rng.randrange(600, 5400)
            row = {
                "visit_date": day, "arrived_at": _clock(arrived), "party_size": rng.choice((1, 1, 2, 2, 3, 4)),
                "is_first_visit": first_visit, "consultant_id": info["consultant"],
                "created_by_id": rng.choice(reception), "created_at": self.at(day, arrived),
            }
            if complete:
                row.update({
                    "left_at": _clock(min(arrived + stay, 86399)), "customer_id": info["id"], "name": info["name"],
                    "phone": info["phone"], "car_model_id": info["car_model"], "colour_id": info["colour"],
                    "discussion": rng.choice(DISCUSSIONS), "grade": info["grade"], "channel_id": info["channel"],
                    "test_drive": rng.random() < 0.3, "completed_at": self.at(day, min(arrived + stay + 600, 86399)),
                })
            return row

        def rows() -> Iterator[dict]:
            for info in first_visits:
                # Today's walk-ins are partly still in the showroom: reception's half only.
                complete = info["first"] < today or rng.random() < 0.7
                yield visit(info, info["first"], True, complete)
            for _ in range(n_repeats if repeat_pool else 0):
                info = rng.choice(repeat_pool)
                day = info["first"] + timedelta(days=rng.randint(1, (info["last"] - info["first"]).days))
                yield visit(info, day, False)
            for _ in range(busy_extra if today_pool else 0):
                yield visit(rng.choice(today_pool), today, False, rng.random() < 0.8)

        self.loader.load(Visit, rows())
        phone_ins = [info for info in self.info if info["intake"] == Customer.Intake.PHONE_IN][: count("phone_calls", scale)]

        def calls() -> Iterator[dict]:
            for info in phone_ins:
                seconds = rng.randrange(9 * 3600, 19 * 3600)
                yield {
                    "call_date": info["first"], "called_at": _clock(seconds), "consultant_id": info["consultant"],
                    "is_new_caller": True,  # each phone-in customer's first call
                    "customer_id": info["id"], "name": info["name"], "phone": info["phone"],
                    "car_model_id": info["car_model"], "content": rng.choice(DISCUSSIONS), "grade": info["grade"],
                    "channel_id": info["channel"], "created_by_id": rng.choice(reception),
                    "created_at": self.at(info["first"], seconds),
                }

        self.loader.load(PhoneCall, calls())

    # history
    def changes(self) -> None:
        """The customer history the services would have written: grades, card sign-off, status moves."""
        rng = self.rng
        G, C, S = CustomerChange.Field.GRADE, CustomerChange.Field.CARD, CustomerChange.Field.STATUS

        def row(info, field, old, new, at, by=None):
            return {"customer_id": info["id"], "field": field, "old_value": old, "new_value": new,
                    "changed_by_id": by or info["consultant"], "changed_at": at}

        def rows() -> Iterator[dict]:
            for info in self.info:
                created, grade, kind = info["created_at"], info["grade"], info["kind"]
                initial = grade if grade != "O" and rng.random() < 0.6 else self.weighted(ACTIVE_GRADES)
                yield row(info, G, "", initial, created)
                if initial != grade:
                    yield row(info, G, initial, grade, self.at(info["last"], 17 * 3600))
                if info["card"] == Customer.CardStatus.SIGNED:
                    yield row(info, C, Customer.CardStatus.PENDING, Customer.CardStatus.SIGNED,
                              created + timedelta(hours=3), info["manager"])
                elif info["card"] == Customer.CardStatus.RETURNED:
                    yield row(info, C, Customer.CardStatus.PENDING, Customer.CardStatus.RETURNED,
                              created + timedelta(hours=3), info["manager"])
                active = Customer.Status.ACTIVE
                if kind in ("ordered", "owner"):
                    yield row(info, S, active, Customer.Status.ORDERED, self.at(info["ordered_on"], 15 * 3600))
                if kind == "owner":
                    yield row(info, S, Customer.Status.ORDERED, Customer.Status.DELIVERED,
                              self.at(info["delivered_on"], 15 * 3600))
                elif kind == "dormant":
                    yield row(info, S, active, Customer.Status.DORMANT, self.at(info["last"] + timedelta(days=60), 6 * 3600))
                elif kind in ("defeated", "defeat_pending", "rejected"):
                    filed = self.at(info["defeat_filed_on"], 17 * 3600)
                    yield row(info, S, active, Customer.Status.DEFEAT_PENDING, filed)
                    if kind != "defeat_pending":
                        decided = filed + timedelta(hours=16)
                        yield row(info, S, Customer.Status.DEFEAT_PENDING,
                                  Customer.Status.DEFEATED if kind == "defeated" else active, decided, info["manager"])

        self.loader.load(CustomerChange, rows())

    # orders, vehicles, defeats
    def sales(self) -> None:
        rng, today = self.rng, self.today
        vin_start = Vehicle.objects.count() + 1

        def orders() -> Iterator[dict]:
            for info in self.info:
                if info["kind"] in ("owner", "ordered"):
                    day = info.get("ordered_on") or info["last"]
                    if info["kind"] == "ordered":
                        day = min(today, info["first"] + timedelta(days=rng.randint(0, max(0, (today - info["first"]).days))))
                    info["ordered_on"] = day
                    yield {
                        "customer_id": info["id"], "ordered_on": day, "car_model_id": info["car_model"] or self.car_models[0],
                        "colour_id": info["colour"], "price": f"{rng.randint(150, 320) * 1000}.00", "deposit": "5000.00",
                        "consultant_id": info["consultant"], "created_at": self.at(day, self.office_seconds()),
                    }

        self.loader.load(Order, orders())

        def vehicles() -> Iterator[dict]:
            n = vin_start
            for info in self.info:
                if info["kind"] != "owner":
                    continue
                source = rng.choices(list(Vehicle.Source), weights=[90, 7, 3])[0]
                other = source == Vehicle.Source.OTHER_BRAND
                brand, model_name = rng.choice(BRANDS) if other else ("", "")
                delivered = info["delivered_on"]
                yield {
                    "customer_id": info["id"], "source": source, "vin": f"LSVBM{n:012d}", "plate": f"沪A{rng.randrange(10**5):05d}",
                    "brand": brand, "car_model_id": None if other else info["car_model"], "model_name": model_name,
                    "colour_id": info["colour"], "registered_on": delivered, "delivered_on": delivered,
                    "mileage_km": max(0, (today - delivered).days * rng.randint(20, 60)),
                    "created_by_id": info["consultant"], "created_at": self.at(delivered, 15 * 3600),
                }
                n += 1

        self.loader.load(Vehicle, vehicles())

        def defeats() -> Iterator[dict]:
            for info in self.info:
                kind = info["kind"]
                if kind not in ("defeated", "defeat_pending", "rejected"):
                    continue
                brand, model_name = rng.choice(BRANDS)
                filed_on = info["last"] if kind != "rejected" else info["last"] - timedelta(days=1)
                filed_on = max(filed_on, info["first"])
                info["defeat_filed_on"] = filed_on
                filed_at = self.at(filed_on, 17 * 3600)
                row = {
                    "customer_id": info["id"], "reason_id": rng.choice(self.reasons), "brand_bought": brand,
                    "model_bought": model_name, "analysis": "客户最终选择了竞品，价格差距较大", "could_have_done": "更早提供金融方案",
                    "filed_by_id": info["consultant"], "filed_at": filed_at, "status": Defeat.Status.PENDING,
                }
                if kind != "defeat_pending":
                    row.update(status=Defeat.Status.APPROVED if kind == "defeated" else Defeat.Status.REJECTED,
                               decided_by_id=info["manager"], decided_at=filed_at + timedelta(hours=16),
                               decision_comment="" if kind == "defeated" else "还有机会，继续跟进")
                yield row

        self.loader.load(Defeat, defeats())


    def events(self) -> None:
        """The stamped events the report figures count: a new prospect per card (on its first contact
        day, with its consultant, intake, channel and grade) and a test drive per ticked register row."""
        def prospects():
            for info in self.info:
                yield {
                    "customer_id": info["id"], "consultant_id": info["consultant"], "became_on": info["first"],
                    "intake": info["intake"], "channel_id": info["channel"], "grade": info["grade"],
                    "kind": "new", "created_at": info["created_at"],
                }

        def drives():
            ticked = Visit.objects.filter(test_drive=True).values_list(
                "pk", "customer_id", "consultant_id", "car_model_id", "visit_date", "arrived_at", "created_by_id"
            )
            for pk, customer_id, consultant_id, car_model_id, day, arrived, created_by in ticked.iterator(chunk_size=CHUNK):
                at = self.at(day, arrived.hour * 3600 + arrived.minute * 60)
                yield {
                    "visit_id": pk, "customer_id": customer_id, "consultant_id": consultant_id, "car_model_id": car_model_id,
                    "driven_at": at, "licence_checked": True, "source": "walk_in", "created_by_id": created_by,
                    "created_at": at,
                }

        self.loader.load(NewProspect, prospects())
        self.loader.load(TestDrive, drives())

    def exports(self) -> None:
        """The export log: managers' report downloads over the span, a few a day."""
        rng, managers = self.rng, [*{m for m in self.managers.values() if m}, self.admin_id]
        reports = [("daily", "day"), ("board", "month"), ("defeats", "start"), ("channels", "start"), ("progress", "month")]

        def rows():
            for _number in range(count("report_exports", self.scale)):
                day = self.today - timedelta(days=rng.randrange(SPAN_DAYS))
                report, parameter = rng.choice(reports)
                yield {
                    "user_id": rng.choice(managers), "exported_at": self.at(day, rng.randrange(8 * 3600, 20 * 3600)),
                    "report": report, "filename": f"{report}-{day:%Y%m%d}.xlsx", "filters": f"{parameter}={day:%Y-%m-%d}",
                    "rows": rng.randrange(1, 400),
                }

        self.loader.load(ReportExport, rows())

    def planning(self) -> None:
        """The weekly management loop: the meeting's improvement actions over the span (open ones near
        today, some overdue) and the consultants' success plans, one per consultant and month, with notes."""
        rng, today = self.rng, self.today
        teams = {manager_id: team_id for team_id, manager_id in self.managers.items()}
        by_team: dict[int, list[int]] = {}
        for consultant_id, manager_id in self.consultants:
            by_team.setdefault(manager_id, []).append(consultant_id)
        problems = ["H级客户跟进超期", "试乘试驾率低于目标", "再回展厅批次下降", "客户信息卡填写不完整", "首次跟进超过24小时"]
        measures = ["展厅经理每天检查跟进记录", "每位顾问每天邀约两组试驾", "周末举办老客户活动", "签字时退回不合格卡片", "信息员每天两次分配线索"]

        def actions() -> Iterator[dict]:
            for _number in range(count("improvement_actions", self.scale)):
                manager_id = rng.choice(list(self.managers.values()))
                age = rng.randrange(SPAN_DAYS)
                created = today - timedelta(days=age)
                due = created + timedelta(days=rng.randint(3, 28))
                status = ImprovementAction.Status.OPEN if due >= today - timedelta(days=14) or rng.random() < 0.03 else (
                    ImprovementAction.Status.DONE if rng.random() < 0.85 else ImprovementAction.Status.DROPPED)
                whole = rng.random() < 0.15
                at = self.at(created, self.office_seconds())
                yield {
                    "problem": rng.choice(problems), "measure": rng.choice(measures),
                    "owner_id": manager_id if whole else rng.choice(by_team[manager_id] + [manager_id]),
                    "due_on": due, "status": status, "result": "" if status == ImprovementAction.Status.OPEN else "已落实",
                    "team_id": None if whole else teams[manager_id], "created_by_id": manager_id, "created_at": at,
                    "updated_by_id": manager_id, "updated_at": at,
                }

        self.loader.load(ImprovementAction, actions())
        months, month = [], today.replace(day=1)
        while len(months) < SPAN_DAYS // 30:
            months.append(month)
            month = (month - timedelta(days=1)).replace(day=1)
        pairs = [(consultant, manager, month) for month in months for consultant, manager in self.consultants]
        plans = rng.sample(pairs, min(len(pairs), count("success_plans", self.scale)))
        first_plan = self.loader.next_id(SuccessPlan)

        def success_plans() -> Iterator[dict]:
            for number, (consultant_id, manager_id, month) in enumerate(plans):
                at = self.at(month, self.office_seconds())
                yield {
                    "id": first_plan + number, "consultant_id": consultant_id, "month": month,
                    # One goal: the loader's COPY rows carry no newline.
                    "goals": "本月成交8台", "actions": "每天复盘H级客户", "next_review_on": month + timedelta(days=14),
                    "created_by_id": manager_id, "created_at": at, "updated_by_id": manager_id, "updated_at": at,
                }

        self.loader.load(SuccessPlan, success_plans(), explicit_ids=True)

        def notes() -> Iterator[dict]:
            for _number in range(count("one_to_one_notes", self.scale)):
                index = rng.randrange(len(plans))
                _consultant, manager_id, month = plans[index]
                held = month + timedelta(days=rng.randint(0, 27))
                yield {
                    "plan_id": first_plan + index, "held_on": held, "notes": "跟进记录不完整，A级客户频率未达标",
                    "next_steps": "本周按频率跟进", "written_by_id": manager_id, "written_at": self.at(held, 17 * 3600),
                }

        self.loader.load(OneToOneNote, notes())

    def h_lists(self) -> None:
        """The weekly H-grade lists of the last 8 weeks and the current one: each week most of the customers
        who ordered in it (committed beforehand: the hits) and a sample of the H and A prospects (the misses,
        and this week's still open), by the showroom manager, stamped with the holder and the grade."""
        rng, current = self.rng, week_start_of(self.today)
        weeks = [current - timedelta(weeks=n) for n in range(H_LIST_WEEKS - 1, -1, -1)]
        hot = [info for info in self.info if info["kind"] in ("prospect", "rejected") and info["grade"] in HListEntry.GRADES]
        ordered: dict[date, list[dict]] = {}
        for info in self.info:
            if info.get("ordered_on") and info["ordered_on"] >= weeks[0]:
                ordered.setdefault(week_start_of(info["ordered_on"]), []).append(info)

        def entry(info, week, *, grade, expected):
            return {
                "week_start": week, "customer_id": info["id"], "consultant_id": info["consultant"], "grade": grade,
                "expected_on": expected, "reason": "" if grade == "H" else "贷款已批，本周定车",
                "added_by_id": info["manager"] or info["consultant"], "added_at": self.at(week - timedelta(days=3), 17 * 3600),
            }

        def rows() -> Iterator[dict]:
            for week in weeks:
                seen = set()
                for info in ordered.get(week, []):
                    if rng.random() < 0.7:
                        seen.add(info["id"])
                        expected = max(week, info["ordered_on"] - timedelta(days=rng.choice((0, 0, 1, 2))))
                        yield entry(info, week, grade="H", expected=expected)
                for info in rng.sample(hot, min(len(hot), count("h_list_entries_per_week", self.scale))):
                    if info["id"] not in seen:
                        seen.add(info["id"])
                        yield entry(info, week, grade=info["grade"], expected=week + timedelta(days=rng.randrange(7)))

        self.loader.load(HListEntry, rows())


def _clock(seconds: int):
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def build(*, scale: float, seed: int = 2026, today: date | None = None, log=print) -> dict[str, int]:
    """Build the benchmark dealership (nothing if it is already there); returns rows written per table."""
    if bench_data_present():
        log("Benchmark data already present; nothing to do.")
        return {}
    started = time.monotonic()
    builder = Builder(scale=scale, seed=seed, today=today or timezone.localdate(), log=log)
    with transaction.atomic():
        builder.staff()
    steps = [
        ("customers", builder.customers),
        ("contacts and tasks", builder.contacts_and_tasks),
        ("visits and phone-ins", builder.visits_and_calls),
        ("orders, vehicles, defeats", builder.sales),
        ("history", builder.changes),
        ("report events", builder.events),
        ("export log", builder.exports),
        ("improvement actions and success plans", builder.planning),
        ("H-grade lists", builder.h_lists),
    ]
    for label, step in steps:
        clock = time.monotonic()
        step()
        log(f"  {label}: {time.monotonic() - clock:.1f} s")
    builder.loader.finish([Customer, CustomerChange, Contact, Task, Visit, PhoneCall, Order, Vehicle, Defeat, NewProspect, TestDrive, ReportExport,
                           ImprovementAction, SuccessPlan, OneToOneNote, HListEntry])
    builder.marker()
    log(f"Benchmark data (scale {scale:g}) built in {time.monotonic() - started:.1f} s: "
        + ", ".join(f"{table} {n:,}" for table, n in builder.loader.counts.items()))
    return builder.loader.counts


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.scale --scale N [--seed S]`: build the data once, then print the logins."""
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description="Build the benchmark data set.")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = one large dealership (see this module)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed: the same seed gives the same data")
    args = parser.parse_args(argv)
    started = time.monotonic()
    build(scale=args.scale, seed=args.seed)
    print(f"bench.scale --scale {args.scale:g}: {time.monotonic() - started:.1f} s.")
    print(f"Benchmark logins (password for all: {PASSWORD}): {CONSULTANT_USERNAME}, {SHOWROOM_USERNAME}, {MARKER_USERNAME}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
