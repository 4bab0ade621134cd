"""The `.xlsx` download of a report: the sheets its `*_tables` module lays out from the object the page shows."""

from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Sheet = tuple[str, list[list], list[list]]  # title, header rows, data rows


# Text that a spreadsheet reads as a formula: "=" at once (openpyxl itself writes such a str as a
# formula), the others once someone edits the cell or the sheet goes through CSV. Names, brands and
# notes are typed by anyone, so such text gets a leading apostrophe, as OWASP advises for CSV
# injection: the cell stays a plain string cell (openpyxl reads back "'=1+1", data_type "s"), Excel
# and LibreOffice show it as text, apostrophe and all, and no edit or re-import makes it a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cell(value):
    # openpyxl takes numbers, dates and str; lazy translations and model objects become text.
    if value is None or isinstance(value, (int, float)) or hasattr(value, "isoformat"):
        return value
    return _text(str(value))


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, header_rows, rows in sheets:
        sheet = book.create_sheet(title=str(title)[:31])
        for header in header_rows:
            sheet.append([_cell(v) for v in header])
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = sheet.cell(row=len(header_rows) + 1, column=2)
        sheet.column_dimensions[get_column_letter(1)].width = 18
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(*, filename: str, sheets: list[Sheet]) -> HttpResponse:
    response = HttpResponse(workbook_bytes(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
