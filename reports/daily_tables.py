"""How the daily activity report is laid out: its columns, header groups, cells and `.xlsx` sheet."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from reports.daily import GRADES, DailyReport, DailyRow
from reports.xlsx import Sheet


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    group: str = ""


WALK_INS = gettext_lazy("Walk-ins")
NEW_PROSPECTS = gettext_lazy("New prospects")
FOLLOW_UPS = gettext_lazy("Follow-ups")

DAILY_COLUMNS = [
    Column("first_visits", gettext_lazy("First"), WALK_INS),
    Column("return_visits", gettext_lazy("Repeat"), WALK_INS),
    Column("phone_ins", gettext_lazy("Phone-ins")),
    Column("contacts", gettext_lazy("Total contacts")),
    Column("new_prospects", gettext_lazy("Total"), NEW_PROSPECTS),
    *[Column(f"new_prospects_{grade}", grade, NEW_PROSPECTS) for grade in GRADES],
    Column("followups_done", gettext_lazy("Done"), FOLLOW_UPS),
    Column("followups_due", gettext_lazy("Due"), FOLLOW_UPS),
    Column("followups_overdue", gettext_lazy("Overdue"), FOLLOW_UPS),
    Column("test_drives", gettext_lazy("Test drives")),
    Column("orders", gettext_lazy("Orders")),
    Column("cancellations", gettext_lazy("Cancelled")),
    Column("deliveries", gettext_lazy("Deliveries")),
    Column("defeats", gettext_lazy("Defeats")),
]


@dataclass
class TableRow:
    label: str
    consultant: User | None
    cells: list[tuple[int, int | None]]  # (day, month to date) per column


@dataclass
class DailyTable:
    groups: list[dict[str, Any]]
    columns: list[Column]
    rows: list[TableRow]
    total: TableRow


def cells(row: DailyRow) -> list[tuple[int, int | None]]:
    return [(row.day[c.key], row.mtd[c.key]) for c in DAILY_COLUMNS]


def column_groups() -> list[dict[str, Any]]:
    """The first header row: a group over its columns (colspan counts day and month cells)."""
    groups: list[dict[str, Any]] = []
    for column in DAILY_COLUMNS:
        if column.group and groups and groups[-1]["grouped"] and groups[-1]["label"] == column.group:
            groups[-1]["colspan"] += 2
        else:
            grouped = bool(column.group)
            groups.append({"label": column.group or column.label, "colspan": 2, "grouped": grouped})
    return groups


def table(report: DailyReport) -> DailyTable:
    def laid_out(row: DailyRow) -> TableRow:
        return TableRow(label=row.label, consultant=row.consultant, cells=cells(row))

    return DailyTable(
        groups=column_groups(), columns=DAILY_COLUMNS, rows=[laid_out(r) for r in report.rows], total=laid_out(report.total)
    )


def sheets(report: DailyReport) -> list[Sheet]:
    headers = [_("Consultant")]
    on_the_day, to_date = _("on the day"), _("month to date")
    for c in DAILY_COLUMNS:
        name = f"{c.group} {c.label}".strip()
        headers += [f"{name} ({on_the_day})", f"{name} ({to_date})"]
    rows = []
    for row in [*report.rows, report.total]:
        values: list = [row.label]
        for day_value, mtd_value in cells(row):
            values += [day_value, mtd_value]
        rows.append(values)
    title = _("Daily activity %(day)s") % {"day": report.day.isoformat()}
    return [(_("Daily activity"), [[title], headers], rows)]
