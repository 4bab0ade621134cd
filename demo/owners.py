"""Demo owners: three kinds of owners with cars delivered over the last three years,
insurance, accessories, maintenance, referrals making two VIPs, defeated customers, a handover.
Deterministic for a given `rng`; runs after the prospects demo (its own customers use 186… phones)."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from demo.brands import brand_model
from leads.models import CarModel, Colour, Customer, Defeat, DefeatReason
from leads.services import customer_create, defeat_approve, defeat_file, order_record
from owners.models import Accessory, InsurancePolicy, MaintenanceVisit, Referral, Vehicle
from owners.services import care_tasks_create, delivery_record, owner_create
from owners.vin import with_check_digit
from staff.services import customers_handover

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀英", "志强", "建华", "海燕", "晓东", "俊杰", "雪梅", "文博", "子涵", "浩然", "欣怡", "宇航", "佳琪"]
REGIONS = ["浦东新区", "闵行区", "徐汇区", "长宁区", "静安区", "普陀区", "杨浦区", "宝山区", "嘉定区", "松江区"]
INSURERS = ["中国人保", "平安保险", "太平洋保险", "中华联合"]
ACCESSORIES = [("脚垫", True), ("行车记录仪", False), ("贴膜", True), ("座椅套", False), ("后备箱垫", True)]
PLATE_LETTERS = "ABCDEFGHJK"


class _Phones:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken = set(Customer.objects.filter(phone__startswith="186").values_list("phone", flat=True))

    def __call__(self) -> str:
        while True:
            phone = f"186{self.rng.randrange(10**8):08d}"
            if phone not in self.taken:
                self.taken.add(phone)
                return phone


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _vin(rng: random.Random, wmi: str = "LSV") -> str:
    chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    body = "".join(rng.choice(chars) for _ in range(5)) + "0" + rng.choice("EFGHJKLMNP") + rng.choice("23456")
    return with_check_digit(wmi + body + f"{rng.randrange(10**6):06d}")


def _plate(rng: random.Random) -> str:
    return f"沪{rng.choice(PLATE_LETTERS)}{rng.randrange(10000, 99999)}"


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def build(*, rng: random.Random, today: date, staff: dict[str, User]) -> None:
    consultants = [staff[f"consultant{i}"] for i in range(1, 9)]
    managers = {1: staff["showroom1"], 2: staff["showroom2"]}
    models = list(CarModel.objects.filter(is_active=True))
    colours = list(Colour.objects.filter(is_active=True))
    phone = _Phones(rng)
    owners: list[Customer] = []

    # Self-sold owners: the real path (prospect → order → delivery), delivered over three years.
    for n in range(30):
        consultant = consultants[n % 8]
        delivered_on = today - timedelta(days=rng.randrange(2, 3 * 365))
        model, colour = rng.choice(models), rng.choice(colours)
        customer = customer_create(
            fields={"name": _name(rng), "phone": phone(), "grade": Customer.Grade.H, "car_model": model, "colour": colour,
                    "region": rng.choice(REGIONS), "gender": rng.choice("MF"),
                    "birthday": date(rng.randrange(1965, 2000), rng.randrange(1, 13), rng.randrange(1, 29))},
            consultant=consultant, by=consultant, first_contact_on=delivered_on - timedelta(days=rng.randrange(15, 60)),
        )
        order_record(customer=customer, by=consultant,
                     fields={"ordered_on": delivered_on - timedelta(days=rng.randrange(5, 20)), "car_model": model,
                             "colour": colour, "price": rng.randrange(140, 320) * 1000, "deposit": 5000})
        delivery_record(customer=customer, by=consultant, vehicle={
            "vin": _vin(rng), "plate": _plate(rng), "car_model": model, "colour": colour,
            "registered_on": delivered_on - timedelta(days=1), "delivered_on": delivered_on,
            "mileage_km": rng.randrange(500, 60000)})
        owners.append(customer)

    # Owners of the two other kinds, added directly.
    for n in range(16):
        consultant = consultants[(n * 3) % 8]
        delivered_on = today - timedelta(days=rng.randrange(30, 5 * 365))
        if n % 2:
            source, vehicle = Vehicle.Source.SAME_BRAND_ELSEWHERE, {"car_model": rng.choice(models), "colour": rng.choice(colours)}
        else:
            brand, model_name = brand_model(rng)
            source, vehicle = Vehicle.Source.OTHER_BRAND, {"brand": brand, "model_name": model_name}
        owners.append(owner_create(
            fields={"name": _name(rng), "phone": phone(), "region": rng.choice(REGIONS), "gender": rng.choice("MF"),
                    "birthday": date(rng.randrange(1965, 2000), rng.randrange(1, 13), rng.randrange(1, 29))},
            vehicle={"vin": _vin(rng, rng.choice(["LFV", "LHG", "LGB", "LSG"])), "plate": _plate(rng),
                     "delivered_on": delivered_on, "registered_on": delivered_on, **vehicle},
            source=source, consultant=consultant, by=consultant,
        ))

    # Insurance by year, accessories, maintenance returns.
    vehicles = list(Vehicle.objects.filter(customer__in=owners).order_by("pk"))
    policies, visits, accessories = [], [], []
    for vehicle in vehicles:
        for year in range(vehicle.delivered_on.year, today.year + 1):
            starts = vehicle.delivered_on.replace(year=year) if not (vehicle.delivered_on.month == 2 and vehicle.delivered_on.day == 29) else date(year, 2, 28)
            if starts > today:
                continue
            policies.append(InsurancePolicy(vehicle=vehicle, year=year, insurer=rng.choice(INSURERS),
                                            premium=rng.randrange(4000, 12000), starts_on=starts,
                                            ends_on=starts + timedelta(days=364), insured_here=rng.random() < 0.7))
        planned = vehicle.delivered_on + timedelta(days=90)
        while planned <= today + timedelta(days=60):
            visits.append(MaintenanceVisit(vehicle=vehicle, planned_on=planned,
                                           done_on=planned + timedelta(days=rng.randrange(-5, 10)) if planned < today - timedelta(days=10) and rng.random() < 0.8 else None,
                                           mileage_km=rng.randrange(5000, 7500) * (len(visits) % 6 + 1)))
            planned += timedelta(days=180)
        if vehicle.source == Vehicle.Source.SELF_SOLD:
            for name, gift in rng.sample(ACCESSORIES, 2):
                accessories.append(Accessory(customer=vehicle.customer, name=name, is_gift=gift,
                                             price=None if gift else rng.randrange(300, 2500), on=vehicle.delivered_on))
    InsurancePolicy.objects.bulk_create(policies)
    MaintenanceVisit.objects.bulk_create(visits)
    Accessory.objects.bulk_create(accessories)

    # Referrals: two owners bring three or four prospects each within twelve months (VIP), some bring one.
    referrals = []
    for owner, count in [(owners[0], 4), (owners[1], 3), (owners[2], 1), (owners[5], 2), (owners[33], 1)]:
        for _ in range(count):
            referred_on = today - timedelta(days=rng.randrange(3, 300))
            prospect = customer_create(
                fields={"name": _name(rng), "phone": phone(), "grade": rng.choice("HABC"), "intake": Customer.Intake.OWNER_REFERRAL,
                        "car_model": rng.choice(models), "region": owner.region},
                consultant=owner.consultant, by=owner.consultant, first_contact_on=referred_on,
            )
            referrals.append(Referral(owner=owner, prospect=prospect, referred_on=referred_on))
    Referral.objects.bulk_create(referrals)

    # Defeated customers, filed and approved through the services, then dated back over the year.
    reasons = list(DefeatReason.objects.filter(is_active=True))
    for n in range(14):
        consultant = consultants[n % 8]
        manager = managers[1 if n % 8 < 4 else 2]
        lost_on = today - timedelta(days=rng.randrange(5, 360))
        customer = customer_create(
            fields={"name": _name(rng), "phone": phone(), "grade": rng.choice("ABC"), "car_model": rng.choice(models),
                    "region": rng.choice(REGIONS)},
            consultant=consultant, by=consultant, first_contact_on=lost_on - timedelta(days=rng.randrange(10, 60)),
        )
        brand, model_name = brand_model(rng)
        defeat = defeat_file(customer=customer, by=consultant, fields={
            "reason": rng.choice(reasons), "brand_bought": brand, "model_bought": model_name,
            "analysis": rng.choice(["对方优惠多一万", "更喜欢竞品外观", "贷款方案不如对方", "置换估价偏低", "离家更近的店提车"]),
            "could_have_done": rng.choice(["及早申请特价", "邀约再次试驾", "推荐金融方案", ""])})
        defeat_approve(defeat=defeat, by=manager, comment="同意战败")
        Defeat.objects.filter(pk=defeat.pk).update(filed_at=_aware(lost_on - timedelta(days=1)), decided_at=_aware(lost_on))

    # A handover: consultant3 had too much work, two of their owners go to consultant4.
    moved = [c for c in owners if c.consultant_id == staff["consultant3"].pk][:2]
    customers_handover(customers=moved, to=[staff["consultant4"]], reason="workload", by=staff["showroom1"],
                       note="工作量调整")

    care_tasks_create(today)
