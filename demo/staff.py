"""Demo staff: one user of each role, two teams and eight consultants, all with DEMO_PASSWORD."""

from accounts.models import Team, User
from accounts.roles import user_set_role

DEMO_PASSWORD = "demo1234"

# username, family name, given name, role, team index (None: no team)
DEMO_STAFF = [
    ("admin", "系统", "管理员", User.Role.ADMINISTRATOR, None),
    ("reception", "前台", "小周", User.Role.RECEPTION, None),
    ("salesmgr", "王", "建国", User.Role.SALES_MANAGER, None),
    ("showroom1", "李", "明", User.Role.SHOWROOM_MANAGER, 0),
    ("showroom2", "张", "伟", User.Role.SHOWROOM_MANAGER, 1),
    ("consultant1", "陈", "静", User.Role.CONSULTANT, 0),
    ("consultant2", "刘", "洋", User.Role.CONSULTANT, 0),
    ("consultant3", "杨", "帆", User.Role.CONSULTANT, 0),
    ("consultant4", "赵", "磊", User.Role.CONSULTANT, 0),
    ("consultant5", "黄", "婷", User.Role.CONSULTANT, 1),
    ("consultant6", "周", "杰", User.Role.CONSULTANT, 1),
    ("consultant7", "吴", "敏", User.Role.CONSULTANT, 1),
    ("consultant8", "徐", "强", User.Role.CONSULTANT, 1),
]
TEAM_NAMES = ["一组", "二组"]


def demo_staff_exists() -> bool:
    return User.objects.filter(username="admin").exists()


def build_staff() -> dict[str, User]:
    teams = [Team.objects.create(name=name) for name in TEAM_NAMES]
    users = {}
    for username, last_name, first_name, role, team_index in DEMO_STAFF:
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            last_name=last_name,
            first_name=first_name,
            team=teams[team_index] if team_index is not None else None,
        )
        user_set_role(user=user, role=role)
        if role == User.Role.SHOWROOM_MANAGER:
            teams[team_index].manager = user
            teams[team_index].save(update_fields=["manager"])
        users[username] = user
    return users
