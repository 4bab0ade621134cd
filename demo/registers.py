"""Demo data for the registers: three months of walk-ins and phone-ins, and each day's duty roster.

Runs after the prospects demo (demo/prospects.py): some walk-ins and calls are repeat contacts of customers that already
exist (looked up by phone), the others create their cards through the register services, so each new
card is pending sign-off, has its grade history and its first follow-up task. Some first-time parties
only look around and leave no details (no card). Today's rows all lie before now.
"""

import random
from datetime import date, time, timedelta

from accounts.models import User
from demo.history import HISTORY_DAYS, last_minute
from leads import register_selectors, register_services
from leads.models import CarModel, Channel, Colour, Customer, Visit

DAYS = HISTORY_DAYS
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "桂英",
         "建华", "志强", "海燕", "晓东", "红梅", "丽娟", "文博", "子涵", "雨轩", "浩然", "欣怡", "俊杰", "思远"]
DISCUSSIONS = [
    "看了{model}，关心油耗和保养费用", "比较{model}和竞品，询问优惠", "带家人来看{model}，空间满意",
    "试驾{model}后对动力满意，考虑贷款", "询问{model}置换补贴，旧车待评估", "想要{colour}，问现车和交车时间",
    "预算有限，看{model}低配", "公司用车，询问发票和上牌",
]
CALL_CONTENT = ["询问{model}最新报价", "预约周末看车", "问{model}有没有现车", "咨询贷款首付", "问置换政策", "询问试驾安排"]
GRADES = ["H", "A", "B", "B", "C", "C", "N"]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _new_phone(rng: random.Random, taken: set[str]) -> str:
    while True:
        phone = f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"
        if phone not in taken:
            taken.add(phone)
            return phone


def _arrivals(rng: random.Random, count: int, *, latest: int = 17 * 60 + 30) -> list[time]:
    """`count` times from opening to `latest` (today: a while before now); the ones after `latest` are dropped."""
    minutes = sorted(rng.sample(range(9 * 60, 17 * 60 + 30), count))
    return [time(m // 60, m % 60) for m in minutes if m <= latest]


def build(*, rng: random.Random, today: date, staff: dict[str, User]) -> None:
    consultants = [staff[f"consultant{n}"] for n in range(1, 9)]
    reception, manager = staff["reception"], staff["salesmgr"]
    models, colours = list(CarModel.objects.all()), list(Colour.objects.all())
    channels = list(Channel.objects.all())
    walk_in_channels = [c for c in channels if c.code in "IHDC"] * 3 + channels  # passing by and referrals lead
    taken = set(Customer.objects.values_list("phone", flat=True))
    # Customers who may come back: those of the prospects demo (and, below, those the registers create).
    regulars = list(
        Customer.objects.filter(status__in=Customer.OPEN_STATUSES, consultant__in=consultants)
        .select_related("consultant").order_by("pk")
    )

    for offset in range(DAYS - 1, -1, -1):
        day = today - timedelta(days=offset)
        weekend = day.weekday() >= 5
        roster = rng.sample(consultants, k=rng.randint(5, 7) if weekend else rng.randint(4, 5))
        register_services.duty_set(day=day, consultants=roster, by=manager)

        latest = last_minute(day, today) - 15  # today: the parties that came in until a quarter of an hour ago
        arrivals = _arrivals(rng, rng.randint(6, 9) if weekend else rng.randint(3, 6), latest=latest)
        for index, arrived in enumerate(arrivals):
            known = [c for c in regulars if c.first_contact_on < day]  # only someone met before can come back
            regular = rng.choice(known) if known and rng.random() < 0.3 else None
            browsing = regular is None and rng.random() < 0.2  # looks around, leaves no details: no card
            consultant = (
                regular.consultant if regular else register_selectors.rotation_suggest(day=day) or rng.choice(roster)
            )
            phone = regular.phone if regular else _new_phone(rng, taken)
            visit = register_services.visit_add(
                by=reception, visit_date=day, arrived_at=arrived, consultant=consultant,
                party_size=rng.choice([1, 1, 2, 2, 2, 3, 4]), phone=phone if regular or (not browsing and rng.random() < 0.5) else "",
            )
            still_here = offset == 0 and index >= len(arrivals) - 2
            if still_here:
                continue  # today's last parties are still in the showroom
            stay = rng.randint(15, 100)
            left_minutes = min(arrived.hour * 60 + arrived.minute + stay, last_minute(day, today) if offset == 0 else 23 * 60 + 59)
            if browsing:
                minutes = min(arrived.hour * 60 + arrived.minute + rng.randint(5, 20), left_minutes)
                Visit.objects.filter(pk=visit.pk).update(left_at=time(minutes // 60, minutes % 60), discussion="随便看看，未留资料")
                continue
            model, colour = rng.choice(models), rng.choice(colours)
            visit = register_services.visit_complete(
                visit=visit, by=consultant, left_at=time(left_minutes // 60, left_minutes % 60),
                name=regular.name if regular else _name(rng), phone=phone,
                grade=rng.choice(GRADES), channel=rng.choice(walk_in_channels), car_model=model, colour=colour,
                discussion=rng.choice(DISCUSSIONS).format(model=model, colour=colour),
                test_drive=rng.random() < 0.35,
            )
            if visit.is_first_visit:
                regulars.append(Customer.objects.select_related("consultant").get(pk=visit.customer_id))

        for called in _arrivals(rng, rng.randint(1, 4), latest=latest + 10):
            known = [c for c in regulars if c.first_contact_on < day]
            regular = rng.choice(known) if known and rng.random() < 0.25 else None
            consultant = regular.consultant if regular else rng.choice(roster)
            model = rng.choice(models)
            call = register_services.phone_call_log(
                by=reception, call_date=day, called_at=called, consultant=consultant,
                name=regular.name if regular else _name(rng), phone=regular.phone if regular else _new_phone(rng, taken),
                grade=rng.choice(GRADES), channel=rng.choice(channels), car_model=model,
                content=rng.choice(CALL_CONTENT).format(model=model),
            )
            if regular is None:
                regulars.append(Customer.objects.select_related("consultant").get(pk=call.customer_id))

