"""Demo prospects: ~25 per consultant, every grade and card state, contact histories, orders, defeats.

Built through the services (history rows, follow-up tasks) with dates in the past, so that the
demo has follow-ups due today, overdue ones, pending / returned / signed cards, orders and a defeat
waiting for approval. Deterministic for a given `rng` and `today`.
"""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from leads import services
from demo.brands import brand_model, competitor_text
from demo.history import HISTORY_DAYS, moment
from leads.models import CarModel, Channel, Colour, Customer, CustomerChange, Defeat, DefeatReason

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_NAMES = [
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀兰", "霞", "平", "刚", "桂英", "建华", "文", "华", "红", "玉兰", "志强", "海燕", "晓东", "丹", "鑫", "宇",
    "浩然", "子涵", "梓萱", "欣怡", "俊杰", "雨轩", "思远", "佳琪", "嘉怡", "志伟", "春梅", "国庆", "晓明", "立新",
]
MOBILE_PREFIXES = ["133", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "177", "186", "187", "188", "189"]
DISTRICTS = ["浦东新区", "闵行区", "徐汇区", "静安区", "杨浦区", "宝山区", "嘉定区", "松江区", "青浦区", "普陀区", "长宁区", "奉贤区"]
OCCUPATIONS = ["教师", "医生", "工程师", "公务员", "个体经营", "销售经理", "程序员", "会计", "律师", "外企职员", "护士", "设计师", "退休"]
INTERESTS = ["自驾游", "钓鱼", "摄影", "羽毛球", "跑步", "美食", "高尔夫", "音乐"]
DECISION_MAKERS = ["本人", "配偶", "父母", "夫妻共同"]
BEST_TIMES = ["工作日晚上", "周末上午", "午休时间", "周六下午来店", "下班后电话"]
BUDGETS = ["10-12万", "12-15万", "15-18万", "18-22万", "22-28万", "30万以上"]
BANKS = ["上汽通用金融", "大众汽车金融", "招商银行", "工商银行", "建设银行"]
TRADE_INS = ["2015款 卡罗拉", "2013款 福克斯", "2016款 思域", "2012款 桑塔纳", "2017款 轩逸"]
CONTENTS = [
    "介绍车型配置，客户关注油耗和空间",
    "客户询问最新优惠政策及金融方案",
    "电话回访，客户还在比较竞品",
    "发送车型资料和报价单到微信",
    "邀约客户周末来店试驾",
    "客户来店看车，家人一同到店",
    "讨论置换方案，评估旧车价格",
    "客户反馈预算有调整，推荐低配车型",
    "确认颜色与配置，讨论交车时间",
    "客户咨询贷款首付比例和月供",
]
RESULTS = ["有兴趣，需再联系", "答应来店试驾", "在比较竞品价格", "等家人商量", "要求再优惠", "已确定车型", ""]
REASONS = ["跟进报价", "邀约试驾", "确认金融方案", "回访竞品比较结果", "邀约来店看车", "确认置换评估"]
RETURN_COMMENTS = ["预算和付款方式没有填写", "请补充意向车型和颜色", "电话号码需要核实", "决策人一栏为空"]

# Final grade of a prospect (weights), and the intake channels (weights).
GRADE_WEIGHTS = [("H", 10), ("A", 20), ("B", 30), ("C", 25), ("N", 15)]
INTAKE_WEIGHTS = [
    (Customer.Intake.WALK_IN, 45), (Customer.Intake.PHONE_IN, 25), (Customer.Intake.OEM, 12),
    (Customer.Intake.OWNER_REFERRAL, 8), (Customer.Intake.PROSPECTING, 6), (Customer.Intake.ALLIANCE, 4),
]
GRADE_ORDER = ["N", "C", "B", "A", "H"]
CONSULTANTS = [f"consultant{number}" for number in range(1, 9)]
PER_CONSULTANT = (23, 27)


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights)[0]


def _phone(rng: random.Random, taken: set[str]) -> str:
    while True:
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if phone not in taken:
            taken.add(phone)
            return phone


def _at(rng: random.Random, day: date, today: date) -> datetime:
    """A time in office hours on `day`, before now (demo.history.moment); `day` is never today before opening."""
    return moment(rng, day, today) or timezone.make_aware(datetime.combine(day, time(9, 0)))


def _card_fields(rng: random.Random, *, grade: str, phone: str, codes: dict) -> dict:
    loan = rng.random() < 0.4
    fields = {
        "name": rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
        "phone": phone,
        "gender": rng.choice([Customer.Gender.MALE, Customer.Gender.FEMALE]),
        "region": rng.choice(DISTRICTS),
        "occupation": rng.choice(OCCUPATIONS),
        "interests": rng.choice(INTERESTS),
        "decision_maker": rng.choice(DECISION_MAKERS),
        "best_contact_time": rng.choice(BEST_TIMES),
        "channel": rng.choice(codes["channels"]),
        "grade": grade,
        "budget": rng.choice(BUDGETS) if grade != "N" else "",
        "car_model": rng.choice(codes["models"]) if grade in "HAB" or rng.random() < 0.5 else None,
        "colour": rng.choice(codes["colours"]) if grade in "HA" else None,
        "competitor_models": competitor_text(rng) if grade in "AB" and rng.random() < 0.6 else "",
        "trade_in": rng.choice(TRADE_INS) if rng.random() < 0.2 else "",
        "payment": (Customer.Payment.LOAN if loan else Customer.Payment.CASH) if grade in "HA" else "",
    }
    if loan and grade in "HA":
        fields.update(loan_bank=rng.choice(BANKS), loan_term_months=rng.choice([12, 24, 36]))
    if rng.random() < 0.3:
        fields["birthday"] = date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28))
    return fields


def _contact_days(rng: random.Random, first: date, today: date, count: int) -> list[date]:
    span = (today - first).days - 1
    if span < 1 or count == 0:
        return []
    return sorted(first + timedelta(days=1 + offset) for offset in rng.sample(range(span), min(count, span)))


def _backdate_changes(customer: Customer, when: datetime, since: datetime) -> None:
    """History rows are stamped when written; the demo moves the new ones to the contact's time."""
    CustomerChange.objects.filter(customer=customer, changed_at__gte=since).update(changed_at=min(when, timezone.now()))


def _prospect(rng, *, consultant: User, manager: User | None, today: date, codes: dict, taken: set[str], since: datetime) -> Customer:
    final_grade = _weighted(rng, GRADE_WEIGHTS)
    start_grade = GRADE_ORDER[max(0, GRADE_ORDER.index(final_grade) - rng.randint(0, 2))]
    first_contact = today - timedelta(days=rng.randint(0, HISTORY_DAYS))
    if first_contact == today and moment(random.Random(0), today, today) is None:
        first_contact -= timedelta(days=1)  # before opening time, nobody has been met today yet
    fields = _card_fields(rng, grade=start_grade, phone=_phone(rng, taken), codes=codes)
    fields["intake"] = _weighted(rng, INTAKE_WEIGHTS)
    customer = services.customer_create(fields=fields, consultant=consultant, by=consultant, first_contact_on=first_contact)
    _backdate_changes(customer, _at(rng, first_contact, today), since)

    days = _contact_days(rng, first_contact, today, rng.randint(0, 5))
    grades = [GRADE_ORDER[min(GRADE_ORDER.index(final_grade), GRADE_ORDER.index(start_grade) + step + 1)] for step in range(len(days))]
    for index, (day, grade) in enumerate(zip(days, grades)):
        last = index == len(days) - 1
        # The last contact of some prospects asks for a follow-up today (due today); others keep the rule's date,
        # which for an old last contact lies in the past (overdue).
        requested = today if last and rng.random() < 0.25 else None
        when = _at(rng, day, today)
        services.contact_log(
            customer=customer, by=consultant, contacted_at=when, method=rng.choice(["phone", "showroom", "message", "phone"]),
            content=rng.choice(CONTENTS), result=rng.choice(RESULTS), grade_after=grade,
            next_followup_on=requested, next_followup_reason=rng.choice(REASONS),
        )
        _backdate_changes(customer, when, since)

    if manager is not None and first_contact < today:
        roll = rng.random()
        if roll < 0.7:
            services.card_sign(customer=customer, by=manager)
        elif roll < 0.8:
            services.card_return(customer=customer, by=manager, comment=rng.choice(RETURN_COMMENTS))
    return customer


def build(*, rng: random.Random, today: date, staff: dict[str, User]) -> None:
    codes = {
        "channels": list(Channel.objects.filter(is_active=True)),
        "models": list(CarModel.objects.filter(is_active=True)),
        "colours": list(Colour.objects.filter(is_active=True)),
    }
    reasons = list(DefeatReason.objects.filter(is_active=True))
    taken = set(Customer.objects.values_list("phone", flat=True))
    since = timezone.now()
    for number, username in enumerate(CONSULTANTS):
        consultant = staff[username]
        manager = staff["showroom1"] if number < 4 else staff["showroom2"]
        prospects = [
            _prospect(rng, consultant=consultant, manager=manager, today=today, codes=codes, taken=taken, since=since)
            for _ in range(rng.randint(*PER_CONSULTANT))
        ]
        hot = [customer for customer in prospects if customer.grade in "HA"]
        for customer in rng.sample(hot, min(1, len(hot))):  # the others order in demo.history.orders
            # Shortly after the last contact, never before the first one, and not today.
            base = customer.last_contact_on or customer.first_contact_on
            ordered_on = max(customer.first_contact_on, min(today - timedelta(days=1), base + timedelta(days=rng.randint(0, 5))))
            services.order_record(
                customer=customer, by=consultant,
                fields={
                    "ordered_on": ordered_on,
                    "car_model": customer.car_model or rng.choice(codes["models"]),
                    "colour": customer.colour or rng.choice(codes["colours"]),
                    "price": rng.choice([129800, 149800, 169800, 189800, 219800]),
                    "deposit": rng.choice([5000, 10000, 20000]),
                },
            )
        cold = [customer for customer in prospects if customer.grade in "CN" and customer.status == Customer.Status.ACTIVE]
        for index, customer in enumerate(rng.sample(cold, min(2, len(cold)))):
            brand, model_name = brand_model(rng)
            defeat = services.defeat_file(
                customer=customer, by=consultant,
                fields={
                    "reason": rng.choice(reasons),
                    "brand_bought": brand,
                    "model_bought": model_name,
                    "analysis": "客户对价格较敏感，竞品给出更大优惠",
                    "could_have_done": "更早邀约试驾，及时提供金融方案",
                },
            )
            if index == 1:  # one approved (defeated), the other waiting for the manager's approval
                services.defeat_approve(defeat=defeat, by=manager, comment="同意战败")
            # Filed a few days after the last contact, decided the next day (never later than now).
            filed_on = min(today - timedelta(days=2), (customer.last_contact_on or customer.first_contact_on) + timedelta(days=rng.randint(1, 6)))
            filed_on = max(filed_on, customer.first_contact_on)
            stamps = {"filed_at": _at(rng, filed_on, today)}
            if index == 1:
                stamps["decided_at"] = max(_at(rng, filed_on + timedelta(days=1), today), stamps["filed_at"])
            Defeat.objects.filter(pk=defeat.pk).update(**stamps)
