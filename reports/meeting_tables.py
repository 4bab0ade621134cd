"""The morning meeting (followups.selectors.morning_meeting) as an `.xlsx` file: the summary per
consultant and the lists behind it. The page is the followups app's; the file is here, where report
files are written and recorded (reports.views.export_xlsx)."""

from django.utils.translation import gettext as _

from followups.selectors import MorningMeeting
from reports.xlsx import Sheet


def sheets(meeting: MorningMeeting, *, day) -> list[Sheet]:
    title = _("Morning meeting %(day)s") % {"day": f"{day:%Y-%m-%d}"}
    figures = [_("Due today"), _("Overdue"), _("H-grade"), _("Unsigned cards"), _("Stuck")]
    summary = [
        [str(row.consultant), row.due_today, row.overdue, row.h_grade, row.unsigned, row.stuck]
        for row in [*meeting.rows]
    ]
    totals = meeting.totals
    summary.append([_("Total"), totals.due_today, totals.overdue, totals.h_grade, totals.unsigned, totals.stuck])
    task_headers = [_("Due"), _("Consultant"), _("Customer"), _("Phone"), _("Grade"), _("Task"), _("Reason")]
    tasks = [
        [task.due_on, str(task.assignee), task.customer.name, task.customer.phone, task.customer.grade,
         task.get_kind_display(), task.reason]
        for task in [*meeting.overdue, *meeting.due_today]
    ]
    customer_headers = [_("Consultant"), _("Customer"), _("Phone"), _("Grade")]

    def customers(rows):
        return [[str(c.consultant), c.name, c.phone, c.grade] for c in rows]

    return [
        (_("Summary"), [[title], [_("Consultant"), *figures]], summary),
        (_("Follow-ups"), [[title], task_headers], tasks),
        (_("H-grade"), [[title], customer_headers], customers(meeting.h_grade)),
        (_("Stuck"), [[title], customer_headers], customers(meeting.stuck)),
        (_("Unsigned cards"), [[title], customer_headers], customers(meeting.unsigned)),
    ]
