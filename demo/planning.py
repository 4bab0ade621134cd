"""Demo of the weekly management loop: last weeks' improvement actions of the sales-management meeting
(some done, one dropped, one overdue) and this month's personal success plans of three consultants who
were weakest at following up, with the showroom managers' one-to-one notes. All through the services."""

import random
from datetime import date, timedelta

from accounts.models import User
from reports.periods import month_first
from reports.planning_services import (
    improvement_action_create, improvement_action_update, one_to_one_note_add, success_plan_create,
)

# problem, measure, owner, by, team of (None: the whole dealership), deadline in days from today, status, result
ACTIONS = [
    ("晨会提醒后仍有H级客户超期未跟进", "展厅经理每天下午四点检查H级客户跟进记录，未跟进的当场电话", "showroom1", "salesmgr", "showroom1", 3, "open", ""),
    ("二组试乘试驾率低于目标（22%，目标35%）", "每位顾问接待时主动邀约试驾，试驾车每天早上检查到位", "showroom2", "salesmgr", "showroom2", 10, "open", ""),
    ("再回展厅批次连续两周下降", "周末举办老客户品鉴会，顾问各邀约5组A/B级客户", "consultant3", "showroom1", "showroom1", -4, "open", ""),
    ("客户信息卡下次跟进理由填写空泛", "统一理由写法（具体事项+时间），展厅经理签字时退回不合格卡片", "showroom1", "salesmgr", None, -10, "done",
     "抽查30张卡片，合格率由55%提升到90%"),
    ("厂家下发线索24小时内首次跟进不足", "指定信息员每天9点、14点两次分配线索并在系统中确认", "salesmgr", "salesmgr", None, -6, "done",
     "本周线索24小时跟进率100%"),
    ("战败客户回访流于形式", "战败回访改为展厅经理每月抽查10个，记录竞品成交价", "showroom2", "salesmgr", "showroom2", -2, "dropped",
     "改由销售经理在月度分析会统一处理"),
    ("周销售管理状况未记录存档", "每周一会后由销售经理整理周报并存档", "salesmgr", "salesmgr", None, 5, "open", ""),
]

# consultant, manager, goals, actions, the one-to-ones: (days ago, notes, agreed next steps)
PLANS = [
    ("consultant3", "showroom1", "本月成交8台\n试乘试驾率达到40%\nH级客户跟进零超期",
     "每天下班前整理次日跟进名单；试驾后当天电话回访；每周二与展厅经理复盘H/A级客户",
     [(12, "跟进记录内容简单，多次只写“电话联系”；A级客户三天两次的频率未做到", "跟进记录写清客户顾虑和下一步；本周A级客户全部按频率跟进"),
      (5, "跟进记录明显改善，A级客户按时跟进；试驾邀约仍偏少", "每天至少邀约两组试驾，周五回顾")]),
    ("consultant2", "showroom1", "再回展厅10批\n总计联系120次",
     "每周三、周六集中电话邀约老客户；活动前一天短信确认",
     [(7, "再回展厅邀约话术不熟练，客户多以没空推脱", "练习再回展厅技巧卡，下周与展厅经理演练一次")]),
    ("consultant7", "showroom2", "本月成交6台\n市场开拓新增15个潜在客户",
     "每周两次到合作小区驻点；助销伙伴每周联系一次",
     [(9, "市场开拓只完成计划的一半，主要因为展厅接待排班多", "与展厅经理调整排班，每周留出两个下午外出开拓")]),
]


def build(*, rng: random.Random, today: date, staff: dict[str, User]) -> None:
    for problem, measure, owner, by, team_of, days, status, result in ACTIONS:
        writer = staff[by]
        action = improvement_action_create(
            fields={"problem": problem, "measure": measure, "owner": staff[owner], "due_on": today + timedelta(days=days),
                    "team": staff[team_of].team if team_of else None},
            by=writer,
        )
        if status != "open":
            improvement_action_update(action=action, fields={"status": status, "result": result}, version=action.version, by=writer)

    month = month_first(today)
    for username, manager, goals, actions, one_to_ones in PLANS:
        plan = success_plan_create(
            fields={"consultant": staff[username], "month": month, "goals": goals, "actions": actions,
                    "next_review_on": today + timedelta(days=rng.randint(3, 7))},
            by=staff[manager],
        )
        for days_ago, notes, next_steps in one_to_ones:
            one_to_one_note_add(plan=plan, held_on=today - timedelta(days=days_ago), notes=notes, next_steps=next_steps, by=staff[manager])
