"""How the progress control sheet is laid out in its `.xlsx` sheet (the page is its template)."""

from django.utils.translation import gettext as _

from reports.progress import ProgressSheet
from reports.xlsx import Sheet


def sheets(sheet: ProgressSheet) -> list[Sheet]:
    headers = [
        _("Customer"), _("Grade"), _("Model"), _("Source"), _("First contact"), _("Last contact"),
        _("Next follow-up"), *[str(d.day) for d in sheet.days],
    ]
    rows = []
    for row in sheet.rows:
        c = row.customer
        rows.append([
            c.name, c.grade, str(c.car_model or ""), c.channel.code if c.channel else "",
            c.first_contact_on, c.last_contact_on, c.next_followup_on, *[cell.mark for cell in row.cells],
        ])
    title = _("Progress control sheet %(consultant)s %(month)s") % {
        "consultant": sheet.consultant, "month": f"{sheet.month:%Y-%m}"
    }
    return [(_("Progress"), [[title], headers], rows)]
