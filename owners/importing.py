"""Import of existing owners and prospects from .xlsx or .csv (docs/domain.md, "Data quality").

A file is read with bounded work before any row is checked: an .xlsx is refused unread when its zip
parts unpack too large or too well (a zip bomb), or hold more rows, cells or strings than a sheet of
`MAX_ROWS` rows needs; it is then streamed row by row, stopping at the row limit or the time limit.
The rows wait for the confirmation in an `ImportBatch` (the session holds nothing of them).

Each row is checked, then written in its own savepoint: a bad row never stops the good ones nor
half-writes a customer, whatever the error. A phone that already exists is matched (blank details
filled in, the vehicle attached), never duplicated.

What Chinese spreadsheets hold is read as meant: headers and coded values in Chinese or English (labels
or codes, any case or width), full-width digits and punctuation, phones with spaces, dots and +86, and
dates as date cells, Excel serial numbers or text (1990/5/6, 1990年5月6日, 19900506…). A refusal names
the row and the column by its header in the file.
"""

import csv
import io
import logging
import re
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from accounts import permissions
from accounts.models import User
from accounts.visibility import holders_visible_to
from common import bounds
from leads.models import CarModel, Colour, Customer
from leads.phones import normalise_phone
from leads.selectors import customers_for_user
from leads.services import customer_blanks_fill, customer_create
from owners.models import ImportBatch, Vehicle
from owners.services import owner_create, vehicle_add
from owners.vin import normalise_vin, with_check_digit

logger = logging.getLogger(__name__)

# Limits of one file. The form refuses an upload over 5 MB; a 2,000-row file of the template's 17
# columns is about 120 KB as .xlsx, 1.6 MB unpacked, and reads in 0.3 s.
MAX_ROWS = 2000  # data rows (docs/domain.md, "Data quality")
MAX_COLUMNS = 50  # columns read of a row; the template has 17
MAX_SHEET_ROWS = 5 * MAX_ROWS  # rows a sheet may declare or hold, blank and formatted ones included
MAX_CELL_CHARS = 200  # text kept of one cell: more than any column takes, so a longer cell is refused
MAX_PARTS = 200  # members of the .xlsx zip
MAX_UNPACKED_BYTES = 10 * 1024 * 1024  # all members unpacked
MAX_RATIO = 100  # unpacked / packed size of a member over 1 MB; spreadsheet XML packs about 15 times
# openpyxl spends about 10 µs on a cell and 30 µs on a shared string (it reads them all on opening):
# these two bound its work to about a second whatever the file holds.
MAX_CELLS = 32 * MAX_ROWS  # <c> elements in the workbook: twice the template's width
MAX_STRINGS = 15 * MAX_ROWS  # shared strings (<si>): different texts
PARSE_SECONDS = 5.0  # wall clock for reading one file, checked between rows
BATCH_LIFETIME = timedelta(hours=1)  # how long a preview waits for its confirmation

@dataclass
class RowResult:
    number: int  # line in the file (the header is line 1)
    name: str
    phone: str
    action: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# Characters a cell may not keep: line breaks and tabs become a space, other control characters
# (NUL among them, which PostgreSQL refuses in text) and lone surrogates are dropped.
_BREAKS = re.compile(r"[\t\n\r\v\f\u0085\u2028\u2029]+")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = _CONTROLS.sub("", _BREAKS.sub(" ", str(value)))
    return text.strip()[:MAX_CELL_CHARS]


# --- the columns -------------------------------------------------------------------------------------
# One table says what a file may hold: each column's headers, the field it fills, how its text is read
# and what the page and the template say of it. The headers are part of the file format, not of the
# interface: a file must read the same whatever the translation catalogue says, so both languages are
# written here; the template is laid out in the user's language, and a file in either is read, its
# headers and code values compared without regard to case, width or spaces (`_key`).

PROSPECT, OWNER, ALL = "prospect", "owner", "all"  # whose rows read a column

_WIDTH = str.maketrans({"　": " ", "〜": "~"})  # what NFKC leaves of full-width punctuation


def _ascii(text: str) -> str:
    """Full-width digits, letters and punctuation (１３６, （）, ：, －, ／, ．) as their ASCII forms."""
    return unicodedata.normalize("NFKC", text).translate(_WIDTH).strip()


def _key(text: str) -> str:
    """How headers and code values are compared: width-, case- and space-insensitive (``Car_Model``, ``ｃａｒ ｍｏｄｅｌ``)."""
    return re.sub(r"[\s_\-]+", "", _ascii(str(text)).casefold())


def _options_kind() -> list[tuple[str, Any, tuple[str, ...]]]:
    return [
        ("prospect", gettext_lazy("prospect"), ("潜在客户", "潜客")),
        (Vehicle.Source.SELF_SOLD, Vehicle.Source.SELF_SOLD.label, ("本品牌自销", "自销")),
        (Vehicle.Source.SAME_BRAND_ELSEWHERE, Vehicle.Source.SAME_BRAND_ELSEWHERE.label, ("本品牌他销", "他销")),
        (Vehicle.Source.OTHER_BRAND, Vehicle.Source.OTHER_BRAND.label, ("他厂牌", "他品牌")),
    ]


def _options_gender() -> list:
    return [("M", Customer.Gender.MALE.label, ("男", "男性", "male")), ("F", Customer.Gender.FEMALE.label, ("女", "女性", "female"))]


def _options_grade() -> list:
    return [(grade, grade, (f"{grade}级", f"{grade}类")) for grade in Customer.Grade.values]


def _options_intake() -> list:
    return [(value, label, ()) for value, label in Customer.Intake.choices]


# (code, label, other names) of each coded column; a value is read by its code, its label in either
# language or another name, and the template shows the label in the user's language.
CHOICES = {"kind": _options_kind, "gender": _options_gender, "grade": _options_grade, "intake": _options_intake}


def _choice_tables() -> dict[str, dict[str, str]]:
    tables = {}
    for name, options in CHOICES.items():
        table: dict[str, str] = {}
        for code, label, others in options():
            names = [code, *others]
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    names.append(str(label))
            for known in names:
                table.setdefault(_key(known), code)
        tables[name] = table
    return tables


def label_of(column: str, code) -> str:
    """The label of a coded column's value in the user's language (its code when it has none)."""
    for known, label, _others in CHOICES.get(column, lambda: [])():
        if known == code:
            return str(label)
    return code


def _choice(name: str) -> Callable[[str, dict], str]:
    def parse(text: str, codes: dict) -> str:
        found = codes["choices"][name].get(_key(text))
        if found is None:
            shown = ", ".join(str(label) for _code, label, _others in CHOICES[name]())
            raise ValidationError(_("“%(value)s” is not one of %(choices)s.") % {"value": text, "choices": shown})
        return found

    return parse


def _plain(model, field_name: str, *, ascii: bool = False) -> Callable[[str, dict], str]:
    """Text refused (not cut) when longer than the model field it is written to."""
    limit = model._meta.get_field(field_name).max_length

    def parse(text: str, codes: dict) -> str:
        text = _ascii(text) if ascii else text
        if len(text) > limit:
            raise ValidationError(_("longer than %(max)d characters.") % {"max": limit})
        return text

    return parse


def _phone(text: str, codes: dict) -> str:
    return normalise_phone(text)  # full-width digits, spaces, dashes, dots and +86 / 0086 / 86 too


def _vin(text: str, codes: dict) -> str:
    return normalise_vin(_ascii(text))


# A day as Chinese spreadsheets write it: 1990-05-06, 1990/5/6, 1990.5.6, 1990年5月6日 (a time after it,
# as a CSV saved from a date-time cell has, is ignored), or 19900506.
_DAY = re.compile(r"(\d{4})\s*[-/.年–—]\s*(\d{1,2})\s*[-/.月–—]\s*(\d{1,2})\s*[日号]?(?:[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_COMPACT_DAY = re.compile(r"(\d{4})(\d{2})(\d{2})")
# An Excel date stored as its serial number (a date cell formatted as a number, or saved as text):
# five digits, the days of 1927 to 2173.
_SERIAL_DAY = re.compile(r"\d{5}(?:\.\d+)?")
DATE_EXAMPLES = "1990-05-06, 1990/5/6, 1990.5.6, 1990年5月6日, 19900506"


def _date(rule: str) -> Callable[[str, dict], date]:
    """The column's date, kept to the same bounds as the forms' (`common.bounds`).

    openpyxl gives a date cell as a datetime, which `_text` wrote as 1990-05-06 when the file was read.
    """

    def parse(text: str, codes: dict) -> date:
        text = _ascii(text)
        match = _DAY.fullmatch(text) or _COMPACT_DAY.fullmatch(text)
        if match:
            try:
                value = date(*(int(part) for part in match.groups()))
            except ValueError:
                raise ValidationError(_("“%(value)s” is not a day of the calendar.") % {"value": text})
        elif _SERIAL_DAY.fullmatch(text):
            value = from_excel(float(text)).date()
        else:
            raise ValidationError(_("“%(value)s” is not a date (%(examples)s, or a date cell).")
                                  % {"value": text, "examples": DATE_EXAMPLES})
        refusals = bounds.check(rule, value)
        if refusals:
            raise ValidationError(refusals)
        return value

    return parse


def _consultant(text: str, codes: dict) -> User:
    found = codes["consultants"].get(_key(text))
    if found is None:
        raise ValidationError(_("no active consultant “%(value)s” that you manage.") % {"value": text})
    if found is AMBIGUOUS:
        raise ValidationError(_("“%(value)s” names more than one consultant: enter the username.") % {"value": text})
    return found


def _code_list(name: str, message: str) -> Callable[[str, dict], Any]:
    def parse(text: str, codes: dict):
        found = codes[name].get(_key(text))
        if found is None:
            raise ValidationError(message % {"value": text})
        return found

    return parse


@dataclass(frozen=True)
class Column:
    field: str  # the row's key in the code; also read as a header
    zh: str  # header of the Chinese template
    en: str  # header of the English template
    parse: Callable[[str, dict], Any]  # the cell's text (never blank) to its value, or ValidationError
    help: Any = ""
    required: bool = False  # the file must have the column, and each row a value in it
    kinds: str = ALL  # whose rows read it: prospects, owners or all
    aliases: tuple[str, ...] = ()  # other headers spreadsheets use for it

    @property
    def header(self) -> str:
        """The header in the user's language."""
        return self.zh if (translation.get_language() or "").startswith("zh") else self.en

    @property
    def values(self) -> str:
        """What the column takes, for the page and the template's notes."""
        if self.field in CHOICES:
            return " / ".join(str(label) for _code, label, _others in CHOICES[self.field]())
        if self.field in ("birthday", "delivered_on", "registered_on"):
            return _("%(examples)s, or a date cell") % {"examples": DATE_EXAMPLES}
        return ""

    def reads(self, kind: str | None) -> bool:
        """Whether a row of this kind reads the column (an unknown kind: only the columns all rows read)."""
        if self.kinds == ALL:
            return True
        return kind is not None and self.kinds == (PROSPECT if kind == "prospect" else OWNER)


COLUMNS = [
    Column("kind", "客户类型", "Kind", _choice("kind"), gettext_lazy("prospect, or where the owner's car was bought"),
           required=True, aliases=("类型", "类别", "客户类别")),
    Column("name", "姓名", "Name", _plain(Customer, "name"), gettext_lazy("customer name"), required=True,
           aliases=("客户姓名", "客户名称", "客户")),
    Column("phone", "电话", "Phone", _phone,
           gettext_lazy("mobile (11 digits) or landline with area code; an existing phone is matched"), required=True,
           aliases=("手机", "手机号", "手机号码", "电话号码", "联系电话", "mobile")),
    Column("gender", "性别", "Gender", _choice("gender")),
    Column("birthday", "出生日期", "Birthday", _date("birthday"), aliases=("生日",)),
    Column("region", "地区", "Region", _plain(Customer, "region"), gettext_lazy("region / district"),
           aliases=("区域", "所在区域", "地址")),
    Column("consultant", "销售顾问", "Consultant", _consultant,
           gettext_lazy("username or name of the consultant (blank: yourself)"), aliases=("顾问",)),
    Column("grade", "级别", "Grade", _choice("grade"), gettext_lazy("prospects: O, H, A, B, C or N (blank: N)"),
           kinds=PROSPECT, aliases=("客户级别",)),
    Column("intake", "客户来源", "Intake", _choice("intake"), gettext_lazy("prospects: how the customer came (blank: walk-in)"),
           kinds=PROSPECT, aliases=("来源",)),
    Column("car_model", "车型", "Car model",
           _code_list("models", gettext_lazy("“%(value)s” is not in the model list.")),
           gettext_lazy("model name as in the code list (intended model for a prospect)"), aliases=("意向车型",)),
    Column("colour", "颜色", "Colour", _code_list("colours", gettext_lazy("“%(value)s” is not in the colour list.")),
           gettext_lazy("colour name as in the code list"), aliases=("color", "车身颜色")),
    Column("vin", "车架号", "VIN", _vin, gettext_lazy("owners: 17 characters, required"), kinds=OWNER,
           aliases=("车架号码", "车辆识别代号", "VIN码")),
    Column("plate", "车牌号", "Plate", _plain(Vehicle, "plate", ascii=True), gettext_lazy("owners: number plate"),
           kinds=OWNER, aliases=("车牌", "车牌号码")),
    Column("brand", "品牌", "Brand", _plain(Vehicle, "brand"), gettext_lazy("other brand: brand of the car"), kinds=OWNER),
    Column("model", "他厂牌车型", "Other brand's model", _plain(Vehicle, "model_name"),
           gettext_lazy("other brand: model of the car"), kinds=OWNER),
    Column("delivered_on", "交车日期", "Delivery date", _date("record_date"), gettext_lazy("owners: delivery date, required"),
           kinds=OWNER, aliases=("交车时间", "购车日期")),
    Column("registered_on", "上牌日期", "Registration date", _date("record_date"), gettext_lazy("owners: registration date"),
           kinds=OWNER, aliases=("上牌时间",)),
]
COLUMN_NAMES = [column.field for column in COLUMNS]
COLUMN_OF = {column.field: column for column in COLUMNS}
# Every header a column is read by; `test_import_chinese` checks that no two columns share one.
HEADERS = {
    _key(header): column
    for column in COLUMNS for header in (column.field, column.zh, column.en, *column.aliases)
}
AMBIGUOUS = object()  # a consultant's name that two of them share

SAMPLE_ROWS = [
    {"kind": Vehicle.Source.SELF_SOLD, "name": "王志强", "phone": "13800138001", "gender": "M",
     "birthday": date(1985, 3, 12), "region": "浦东新区", "car_model": "朗逸", "colour": "珍珠白",
     "vin": with_check_digit("LSVAA4180E2000001"), "plate": "沪A12345",
     "delivered_on": date(2023, 5, 20), "registered_on": date(2023, 5, 22)},
    {"kind": Vehicle.Source.SAME_BRAND_ELSEWHERE, "name": "李娜", "phone": "13800138002", "gender": "F",
     "birthday": date(1990, 2, 28), "region": "闵行区", "car_model": "帕萨特", "colour": "曜石黑",
     "vin": with_check_digit("LSVCC2A40F2000002"), "plate": "沪B54321",
     "delivered_on": date(2022, 11, 3), "registered_on": date(2022, 11, 5)},
    {"kind": Vehicle.Source.OTHER_BRAND, "name": "张伟", "phone": "13800138003", "gender": "M", "region": "徐汇区",
     "vin": with_check_digit("LFV2A21K0E3000003"), "plate": "沪C88888", "brand": "丰田", "model": "凯美瑞",
     "delivered_on": date(2021, 8, 15)},
    {"kind": "prospect", "name": "刘洋", "phone": "13800138004", "gender": "M", "region": "静安区", "grade": "B",
     "intake": Customer.Intake.PHONE_IN, "car_model": "途观L"},
]


def _too_many_rows() -> ValidationError:
    return ValidationError(
        _("The file has more than %(max)d rows: at most %(max)d rows per file. Split it into smaller files.")
        % {"max": MAX_ROWS}
    )


# Element counts of the package's XML, taken before openpyxl parses any of it (the tags may carry a
# namespace prefix). Each costs openpyxl a few microseconds; the counts bound its work.
_ELEMENTS = {
    "rows": re.compile(rb"<(?:[\w.-]+:)?row[\s/>]"),
    "cells": re.compile(rb"<(?:[\w.-]+:)?c[\s/>]"),
    "strings": re.compile(rb"<(?:[\w.-]+:)?si[\s/>]"),
}
_DECLARATIONS = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# XML in UTF-16 (with or without its byte-order mark), which the counts above would not see.
_UTF16_XML = re.compile(rb"(?:\xff\xfe|\xfe\xff)?(?:<\x00|\x00<)")


def _xlsx_check(upload) -> None:
    """Refuse a workbook whose zip parts unpack too large or too well, or hold too much, unparsed."""
    try:
        archive = zipfile.ZipFile(upload)
    except zipfile.BadZipFile:
        raise ValidationError(_("The file is not an .xlsx workbook (it is not a zip archive)."))
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise ValidationError(_("The workbook has more than %(max)d parts.") % {"max": MAX_PARTS})
        if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
            raise ValidationError(
                _("The workbook unpacks to more than %(mb)d MB; a sheet of %(rows)d rows needs far less. "
                  "Save only the customer sheet in a new workbook.") % {"mb": MAX_UNPACKED_BYTES // 2**20, "rows": MAX_ROWS}
            )
        for part in parts:
            if part.file_size > 2**20 and part.file_size > MAX_RATIO * max(part.compress_size, 1):
                raise ValidationError(
                    _("The workbook is packed suspiciously tight (a part unpacks to %(ratio)d times its size); "
                      "it was refused unread.") % {"ratio": part.file_size // max(part.compress_size, 1)}
                )
        counts = dict.fromkeys(_ELEMENTS, 0)
        for part in parts:
            data = archive.read(part)  # zipfile stops at the declared size, so at most MAX_UNPACKED_BYTES
            if _DECLARATIONS.search(data):
                raise ValidationError(_("The workbook holds XML declarations that spreadsheets do not use; it was refused unread."))
            if _UTF16_XML.match(data):
                raise ValidationError(_("The workbook's XML is not UTF-8; save it again from Excel or WPS."))
            for name, pattern in _ELEMENTS.items():
                counts[name] += sum(1 for _match in pattern.finditer(data))
    if counts["rows"] > MAX_SHEET_ROWS:
        raise _too_many_rows()
    if counts["cells"] > MAX_CELLS or counts["strings"] > MAX_STRINGS:
        if counts["rows"] > MAX_ROWS + 1:
            raise _too_many_rows()
        raise ValidationError(
            _("The workbook has more than %(max)d cells or %(strings)d different texts; keep only the customer "
              "sheet and the template's columns.") % {"max": MAX_CELLS, "strings": MAX_STRINGS}
        )


def _xlsx_table(upload, deadline: float) -> Iterator[tuple[int, tuple]]:
    """(row number, values) of the first sheet, streamed; the workbook is checked unparsed first."""
    _xlsx_check(upload)
    _before(deadline)
    upload.seek(0)
    book = load_workbook(upload, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        # The dimension record, when the file has one: what the sheet says it spans.
        if (sheet.max_row or 0) > MAX_SHEET_ROWS or (sheet.max_column or 0) > MAX_COLUMNS:
            raise ValidationError(
                _("The sheet spans %(rows)d rows and %(columns)d columns; at most %(max_rows)d rows and "
                  "%(max_columns)d columns are read.")
                % {"rows": sheet.max_row, "columns": sheet.max_column, "max_rows": MAX_SHEET_ROWS, "max_columns": MAX_COLUMNS}
            )
        yield from enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1)
    finally:
        book.close()


def _csv_table(upload) -> Iterator[tuple[int, list]]:
    raw = upload.read()  # at most the form's 5 MB
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("The CSV file is neither UTF-8 nor GB18030 text."))
    yield from enumerate(csv.reader(io.StringIO(text)), start=1)


def _before(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise ValidationError(
            _("Reading the file took longer than %(seconds)d seconds and was stopped. Split it into smaller files.")
            % {"seconds": PARSE_SECONDS}
        )


HEADER_SEARCH = 5  # non-empty rows looked at for the header row: a title or two may stand above it


def _header(texts: list[str]) -> tuple[dict[int, str], list[Column]]:
    """The columns read (position: the header as the file writes it) and the required ones missing."""
    found: dict[str, tuple[int, str]] = {}
    for position, text in enumerate(texts):
        column = HEADERS.get(_key(text)) if text else None
        if column is None:
            continue
        if column.field in found:
            raise ValidationError(
                _("The columns “%(first)s” and “%(second)s” both hold the %(column)s; keep one of them.")
                % {"first": found[column.field][1], "second": text, "column": column.header}
            )
        found[column.field] = (position, text)
    missing = [column for column in COLUMNS if column.required and column.field not in found]
    return {position: text for position, text in found.values()}, missing


def read_rows(upload) -> list[dict[str, str]]:
    """The data rows of an uploaded file as dicts of text, or ValidationError if it cannot be read.

    A row is keyed by the file's own headers (those of a column, see `HEADERS`), so that a message names
    the column as the user sees it; `_cells` maps them to the columns. Reading stops at the first row
    past `MAX_ROWS` (or past `PARSE_SECONDS`): the rest is never read.
    """
    deadline = time.monotonic() + PARSE_SECONDS
    table = _xlsx_table(upload, deadline) if upload.name.lower().endswith(".xlsx") else _csv_table(upload)
    header: dict[int, str] | None = None
    missing: list[Column] | None = None  # of the first row looked at for the header
    looked = 0
    rows = []
    try:
        for line, values in table:
            _before(deadline)
            if line > MAX_SHEET_ROWS:
                raise _too_many_rows()
            texts = [_text(value) for value in values[:MAX_COLUMNS]]
            if not any(texts):
                continue
            if header is None:
                candidate, lacking = _header(texts)
                looked += 1
                missing = lacking if missing is None else missing
                if not lacking:
                    header = candidate
                elif looked == HEADER_SEARCH:
                    break
                continue
            if len(rows) == MAX_ROWS:
                raise _too_many_rows()
            row = {name: (texts[i] if i < len(texts) else "") for i, name in header.items()}
            row["_line"] = str(line)
            rows.append(row)
    except ValidationError:
        raise
    except Exception as error:  # openpyxl and csv raise many kinds for a damaged file
        raise ValidationError(_("The file could not be read (%(error)s).") % {"error": type(error).__name__})
    finally:
        table.close()
    if header is None and missing:
        raise ValidationError(_("Missing columns: %(columns)s. Use the template.")
                              % {"columns": ", ".join(column.header for column in missing)})
    if header is None:
        raise ValidationError(_("The file is empty."))
    return rows


@dataclass
class Plan:
    result: RowResult
    kind: str = ""
    customer_fields: dict = field(default_factory=dict)
    vehicle_fields: dict = field(default_factory=dict)
    consultant: User | None = None
    existing: Customer | None = None


def _cells(row: dict[str, str]) -> dict[str, tuple[str, str]]:
    """The row's cells by column: (the header as the file writes it, the text)."""
    cells = {}
    for header, text in row.items():
        column = HEADERS.get(_key(header)) if header != "_line" else None
        if column is not None:
            cells[column.field] = (header, (text or "").strip())
    return cells


def _action(plan: Plan) -> str:
    """What confirming the row will do, as the preview and the report say it."""
    if plan.existing is None:
        return _("new prospect") if plan.kind == "prospect" else _("new owner")
    if plan.vehicle_fields and not Vehicle.objects.filter(vin=plan.vehicle_fields["vin"]).exists():
        return _("existing customer matched: vehicle attached")
    return _("existing customer matched: details filled in")


def _plan(row: dict[str, str], *, by: User, codes: dict) -> Plan:
    cells = _cells(row)

    def header(name: str) -> str:  # as the file writes it, or the template's when the file lacks the column
        return cells[name][0] if name in cells else COLUMN_OF[name].header

    def text(name: str) -> str:
        return cells.get(name, ("", ""))[1]

    result = RowResult(number=int(row.get("_line") or 0), name=text("name"), phone=text("phone"))
    plan, errors = Plan(result=result), result.errors

    def refuse(name: str, message: str) -> None:
        errors.append(_("%(column)s: %(error)s") % {"column": header(name), "error": message})

    def missing(name: str) -> None:
        errors.append(_("%(column)s is missing.") % {"column": header(name)})

    values: dict[str, Any] = {}
    for column in COLUMNS:  # kind first: it decides which of the others the row reads
        values[column.field] = None
        if not column.reads(values["kind"]):
            continue
        if not text(column.field):
            if column.required:
                missing(column.field)
            continue
        try:
            values[column.field] = column.parse(text(column.field), codes)
        except ValidationError as error:
            refuse(column.field, " ".join(error.messages))
    kind = values["kind"]
    plan.kind = kind or ""
    phone = values["phone"] or ""
    plan.customer_fields = {
        "name": values["name"] or "", "phone": phone, "gender": values["gender"] or "",
        "birthday": values["birthday"], "region": values["region"] or "",
    }
    plan.consultant = values["consultant"]
    if not text("consultant"):
        if permissions.may_hold_customers(by):
            plan.consultant = by
        else:
            refuse("consultant", _("blank means yourself, but you do not hold customers: enter the consultant."))
    if kind == "prospect":
        plan.customer_fields.update(grade=values["grade"] or Customer.Grade.N, car_model=values["car_model"],
                                    colour=values["colour"])
        if values["intake"]:
            plan.customer_fields["intake"] = values["intake"]
    elif kind:
        if not text("vin"):
            missing("vin")
        if not text("delivered_on"):
            missing("delivered_on")
        if kind == Vehicle.Source.OTHER_BRAND:
            for name in ("brand", "model"):
                if not text(name):
                    errors.append(_("%(column)s is required for another brand's car.") % {"column": header(name)})
        elif not text("car_model"):
            errors.append(_("%(column)s is required for a car of our brand.") % {"column": header("car_model")})
        vin = values["vin"] or ""
        if vin and Vehicle.objects.filter(vin=vin).exclude(customer__phone=phone).exists():
            refuse("vin", _("this VIN belongs to another customer's car."))
        plan.vehicle_fields = {
            "vin": vin, "plate": values["plate"] or "", "car_model": values["car_model"], "colour": values["colour"],
            "brand": values["brand"] or "", "model_name": values["model"] or "",
            "delivered_on": values["delivered_on"], "registered_on": values["registered_on"],
        }
    if phone:
        plan.existing = Customer.objects.filter(phone=phone).first()
        if plan.existing is not None and not customers_for_user(by).filter(pk=plan.existing.pk).exists():
            refuse("phone", _("this number belongs to a customer you cannot see; ask a manager."))
    if not errors:
        result.action = _action(plan)
    return plan


def _consultants(by: User) -> dict:
    """Who the user may give an imported customer to, by username and by name (a shared name: AMBIGUOUS)."""
    holders = list(holders_visible_to(by).filter(is_active=True))
    found: dict[str, Any] = {}
    for user in holders:
        name = _key(str(user))
        if name and name != _key(user.username):
            found[name] = AMBIGUOUS if name in found and found[name] is not user else user
    found.update({_key(user.username): user for user in holders})  # a username wins over a name
    return found


def _codes(by: User) -> dict:
    return {
        "consultants": _consultants(by),
        "models": {_key(m.name): m for m in CarModel.objects.all()},
        "colours": {_key(c.name): c for c in Colour.objects.all()},
        "choices": _choice_tables(),
    }


def _checked(row: dict[str, str], *, by: User, codes: dict) -> Plan:
    """The row's plan; a row whose check fails unexpectedly is refused with that reason, not a 500."""
    try:
        return _plan(row, by=by, codes=codes)
    except Exception as error:
        logger.exception("import: line %s could not be checked", row.get("_line"))
        cells = _cells(row)
        result = RowResult(number=int(row.get("_line") or 0), name=cells.get("name", ("", ""))[1],
                           phone=cells.get("phone", ("", ""))[1])
        result.errors.append(_("this row could not be checked (%(error)s).") % {"error": type(error).__name__})
        return Plan(result=result)


def rows_check(rows: list[dict[str, str]], *, by: User) -> list[RowResult]:
    """What would be taken or refused, without writing anything (the preview)."""
    codes = _codes(by)
    return [_checked(row, by=by, codes=codes).result for row in rows]


def _apply(plan: Plan, *, by: User) -> None:
    existing = plan.existing
    if existing is None:
        if plan.kind == "prospect":
            customer_create(fields=plan.customer_fields, consultant=plan.consultant, by=by)
        else:
            customer_fields = {k: v for k, v in plan.customer_fields.items() if v not in (None,)}
            owner_create(fields=customer_fields, vehicle=plan.vehicle_fields, source=plan.kind,
                         consultant=plan.consultant, by=by)
        return
    blanks = {
        name: value for name, value in plan.customer_fields.items()
        if name in ("gender", "birthday", "region") and value and not getattr(existing, name)
    }
    if blanks:
        customer_blanks_fill(customer=existing, fields=blanks, by=by)
    if plan.vehicle_fields and not Vehicle.objects.filter(vin=plan.vehicle_fields["vin"]).exists():
        vehicle_add(customer=existing, source=plan.kind, fields=plan.vehicle_fields, by=by)


def rows_import(rows: list[dict[str, str]], *, by: User) -> list[RowResult]:
    """Write each good row in its own savepoint; report every row, whatever fails in one of them."""
    codes = _codes(by)
    results = []
    for row in rows:
        plan = _checked(row, by=by, codes=codes)
        if plan.result.ok:
            try:
                with transaction.atomic():
                    _apply(plan, by=by)
            except (ValidationError, IntegrityError) as error:
                plan.result.errors.append(_("not saved: %(error)s") % {"error": error})
                plan.result.action = ""
            except Exception as error:  # the savepoint is rolled back: nothing of the row stays
                logger.exception("import: line %s could not be saved", row.get("_line"))
                plan.result.errors.append(_("not saved: unexpected error (%(error)s).") % {"error": type(error).__name__})
                plan.result.action = ""
        results.append(plan.result)
    return results


def import_batches_prune() -> int:
    """Delete the pending batches past their expiry (at each upload: one delete on a partial index)."""
    deleted, _per_model = ImportBatch.objects.filter(
        status=ImportBatch.Status.PENDING, expires_at__lt=timezone.now()
    ).delete()
    return deleted


def import_batch_create(*, rows: list[dict[str, str]], file_name: str, by: User) -> ImportBatch:
    """Keep the rows read from a file until the preview is confirmed (or `BATCH_LIFETIME` passes)."""
    return ImportBatch.objects.create(
        created_by=by, file_name=_text(file_name)[:255], rows=rows, row_count=len(rows),
        expires_at=timezone.now() + BATCH_LIFETIME,
    )


def import_batches_for_user(user: User) -> QuerySet[ImportBatch]:
    """The batches a user may see: their own uploads only."""
    return ImportBatch.objects.filter(created_by=user)


def import_batch_confirm(*, batch: ImportBatch, by: User) -> list[RowResult] | None:
    """Import the batch's rows once: None when it is not the user's, has expired or was already claimed.

    The claim is a conditional update, so two confirmations at the same time import the rows once.
    """
    now = timezone.now()
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, created_by=by, status=ImportBatch.Status.PENDING, expires_at__gt=now
    ).update(status=ImportBatch.Status.DONE, done_at=now)
    if not claimed:
        return None
    results = rows_import(batch.rows, by=by)
    ImportBatch.objects.filter(pk=batch.pk).update(
        rows=[], taken=sum(r.ok for r in results), refused=sum(not r.ok for r in results)
    )
    return results


def template_workbook() -> bytes:
    """The downloadable template in the user's language: header row, sample rows, and the column notes
    on a second sheet. Coded values are written by their labels, dates as date cells."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = str(_("Customers"))
    sheet.append([column.header for column in COLUMNS])
    for sample in SAMPLE_ROWS:
        sheet.append([label_of(name, sample[name]) if name in CHOICES and name in sample else sample.get(name, "")
                      for name in COLUMN_NAMES])
    for cells in sheet.iter_cols(min_row=2):
        for cell in cells:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    notes = book.create_sheet(str(_("Columns")))
    notes.append([str(_("Column")), str(_("Required")), str(_("Content")), str(_("Values"))])
    for column in COLUMNS:
        notes.append([column.header, "✓" if column.required else "", str(column.help), column.values])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
