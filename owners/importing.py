"""Import of existing owners and prospects from .xlsx or .csv (docs/domain.md, "Data quality").

A file is read with bounded work before any row is checked: an .xlsx is refused unread when its zip
parts unpack too large or too well (a zip bomb), or hold more rows, cells or strings than a sheet of
`MAX_ROWS` rows needs; it is then streamed row by row, stopping at the row limit or the time limit.
The rows wait for the confirmation in an `ImportBatch` (the session holds nothing of them).

Each row is checked, then written in its own savepoint: a bad row never stops the good ones nor
half-writes a customer, whatever the error. A phone that already exists is matched (blank details
filled in, the vehicle attached), never duplicated.
"""

import csv
import io
import logging
import re
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from accounts import permissions
from accounts.models import User
from accounts.visibility import consultants_visible_to
from common import bounds
from leads.models import CarModel, Colour, Customer
from leads.phones import normalise_phone
from leads.selectors import customers_for_user
from leads.services import customer_blanks_fill, customer_create
from owners.models import ImportBatch, Vehicle
from owners.services import owner_create, vehicle_add
from owners.vin import normalise_vin, with_check_digit

logger = logging.getLogger(__name__)

# Limits of one file. The form refuses an upload over 5 MB; a 2,000-row file of the template's 16
# columns is about 120 KB as .xlsx, 1.6 MB unpacked, and reads in 0.3 s.
MAX_ROWS = 2000  # data rows (docs/domain.md, "Data quality")
MAX_COLUMNS = 50  # columns read of a row; the template has 16
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

# (column, required, description) — the documented layout, shown on the page and in the template.
COLUMNS = [
    ("kind", True, gettext_lazy("prospect, self_sold, same_brand or other_brand")),
    ("name", True, gettext_lazy("customer name")),
    ("phone", True, gettext_lazy("mobile (11 digits) or landline with area code; an existing phone is matched")),
    ("gender", False, gettext_lazy("M or F")),
    ("birthday", False, gettext_lazy("YYYY-MM-DD")),
    ("region", False, gettext_lazy("region / district")),
    ("consultant", False, gettext_lazy("username of the consultant (blank: yourself)")),
    ("grade", False, gettext_lazy("prospects: O, H, A, B, C or N (blank: N)")),
    ("car_model", False, gettext_lazy("model name as in the code list (intended model for a prospect)")),
    ("colour", False, gettext_lazy("colour name as in the code list")),
    ("vin", False, gettext_lazy("owners: 17 characters, required")),
    ("plate", False, gettext_lazy("owners: number plate")),
    ("brand", False, gettext_lazy("other brand: brand of the car")),
    ("model", False, gettext_lazy("other brand: model of the car")),
    ("delivered_on", False, gettext_lazy("owners: delivery date YYYY-MM-DD, required")),
    ("registered_on", False, gettext_lazy("owners: registration date YYYY-MM-DD")),
]
COLUMN_NAMES = [name for name, _required, _help in COLUMNS]
KIND_ALIASES = {
    "prospect": "prospect", "潜在客户": "prospect", "潜客": "prospect",
    "self_sold": Vehicle.Source.SELF_SOLD, "本品牌自销": Vehicle.Source.SELF_SOLD,
    "same_brand": Vehicle.Source.SAME_BRAND_ELSEWHERE, "本品牌他销": Vehicle.Source.SAME_BRAND_ELSEWHERE,
    "other_brand": Vehicle.Source.OTHER_BRAND, "他厂牌": Vehicle.Source.OTHER_BRAND,
}
SAMPLE_ROWS = [
    ["self_sold", "王志强", "13800138001", "M", "1985-03-12", "浦东新区", "", "", "朗逸", "珍珠白",
     with_check_digit("LSVAA4180E2000001"), "沪A12345", "", "", "2023-05-20", "2023-05-22"],
    ["same_brand", "李娜", "13800138002", "F", "1990-02-28", "闵行区", "", "", "帕萨特", "曜石黑",
     with_check_digit("LSVCC2A40F2000002"), "沪B54321", "", "", "2022-11-03", "2022-11-05"],
    ["other_brand", "张伟", "13800138003", "M", "", "徐汇区", "", "", "", "",
     with_check_digit("LFV2A21K0E3000003"), "沪C88888", "丰田", "凯美瑞", "2021-08-15", ""],
    ["prospect", "刘洋", "13800138004", "M", "", "静安区", "", "B", "途观L", "", "", "", "", "", "", ""],
]


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


def read_rows(upload) -> list[dict[str, str]]:
    """The data rows of an uploaded file as dicts of text, or ValidationError if it cannot be read.

    Reading stops at the first row past `MAX_ROWS` (or past `PARSE_SECONDS`): the rest is never read.
    """
    deadline = time.monotonic() + PARSE_SECONDS
    table = _xlsx_table(upload, deadline) if upload.name.lower().endswith(".xlsx") else _csv_table(upload)
    header: list[str] | None = None
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
                header = [text.lower() for text in texts]
                missing = [name for name, required, _help in COLUMNS if required and name not in header]
                if missing:
                    raise ValidationError(_("Missing columns: %(columns)s. Use the template.") % {"columns": ", ".join(missing)})
                continue
            if len(rows) == MAX_ROWS:
                raise _too_many_rows()
            row = {name: (texts[i] if i < len(texts) else "") for i, name in enumerate(header) if name in COLUMN_NAMES}
            row["_line"] = str(line)
            rows.append(row)
    except ValidationError:
        raise
    except Exception as error:  # openpyxl and csv raise many kinds for a damaged file
        raise ValidationError(_("The file could not be read (%(error)s).") % {"error": type(error).__name__})
    finally:
        table.close()
    if header is None:
        raise ValidationError(_("The file is empty."))
    return rows


def _date(text: str, label: str, errors: list[str], *, rule: str = "record_date") -> date | None:
    """The column's date, kept to the same bounds as the forms' (`common.bounds`)."""
    if not text:
        return None
    try:
        value = date.fromisoformat(text[:10])
    except ValueError:
        errors.append(_("%(field)s: “%(value)s” is not a date (YYYY-MM-DD).") % {"field": label, "value": text})
        return None
    refusals = bounds.check(rule, value)
    errors.extend(f"{label}: {message}" for message in refusals)
    return None if refusals else value


@dataclass
class Plan:
    result: RowResult
    kind: str = ""
    customer_fields: dict = field(default_factory=dict)
    vehicle_fields: dict = field(default_factory=dict)
    consultant: User | None = None
    existing: Customer | None = None


def _text_field(row: dict[str, str], column: str, model, field_name: str, errors: list) -> str:
    """The column's text, refused (not cut) when longer than the model field it is written to."""
    text = row.get(column, "").strip()
    limit = model._meta.get_field(field_name).max_length
    if len(text) > limit:
        errors.append(_("%(column)s is longer than %(max)d characters.") % {"column": column, "max": limit})
    return text


def _person(row: dict[str, str], errors: list) -> dict:
    """Name, phone, gender, birthday and region of the row (errors appended)."""
    name = row.get("name", "").strip()
    if not name:
        errors.append(_("name is missing."))
    elif len(name) > 50:
        errors.append(_("name is longer than 50 characters."))
    phone = ""
    try:
        phone = normalise_phone(row.get("phone", ""))
    except ValidationError as error:
        errors.append(_("phone: %(error)s") % {"error": " ".join(error.messages)})
    gender = row.get("gender", "").strip().upper()[:1]
    gender = {"男": "M", "女": "F"}.get(row.get("gender", "").strip(), gender)
    if gender and gender not in ("M", "F"):
        errors.append(_("gender must be M or F."))
    birthday = _date(row.get("birthday", ""), _("birthday"), errors, rule="birthday")
    region = _text_field(row, "region", Customer, "region", errors)
    return {"name": name, "phone": phone, "gender": gender, "birthday": birthday, "region": region}


def _consultant(row: dict[str, str], *, by: User, codes: dict, errors: list) -> User | None:
    username = row.get("consultant", "").strip()
    if username:
        consultant = codes["consultants"].get(username)
        if consultant is None:
            errors.append(_("consultant: no active consultant “%(value)s” that you manage.") % {"value": username})
        return consultant
    if permissions.works_for_self(by):
        return by
    errors.append(_("consultant is missing."))
    return None


def _code(row: dict[str, str], column: str, values: dict, message: str, errors: list):
    """The code-list row named in `column` (None when blank; an error when unknown)."""
    if not row.get(column):
        return None
    found = values.get(row[column].strip())
    if found is None:
        errors.append(message % {"value": row[column]})
    return found


def _vehicle(row: dict[str, str], *, kind: str, car_model, colour, phone: str, errors: list) -> dict:
    vin = ""
    try:
        vin = normalise_vin(row.get("vin", ""))
    except ValidationError as error:
        errors.append(_("vin: %(error)s") % {"error": " ".join(error.messages)})
    delivered_on = _date(row.get("delivered_on", ""), _("delivery date"), errors)
    if delivered_on is None and not row.get("delivered_on"):
        errors.append(_("delivery date is missing."))
    if kind == Vehicle.Source.OTHER_BRAND:
        if not row.get("brand") or not row.get("model"):
            errors.append(_("brand and model are required for another brand's car."))
    elif car_model is None:
        errors.append(_("car_model is required for a car of our brand."))
    if vin and Vehicle.objects.filter(vin=vin).exclude(customer__phone=phone).exists():
        errors.append(_("vin: this VIN belongs to another customer's car."))
    return {
        "vin": vin, "plate": _text_field(row, "plate", Vehicle, "plate", errors), "car_model": car_model, "colour": colour,
        "brand": _text_field(row, "brand", Vehicle, "brand", errors),
        "model_name": _text_field(row, "model", Vehicle, "model_name", errors),
        "delivered_on": delivered_on, "registered_on": _date(row.get("registered_on", ""), _("registration date"), errors),
    }


def _action(plan: Plan) -> str:
    """What confirming the row will do, as the preview and the report say it."""
    if plan.existing is None:
        return _("new prospect") if plan.kind == "prospect" else _("new owner")
    if plan.vehicle_fields and not Vehicle.objects.filter(vin=plan.vehicle_fields["vin"]).exists():
        return _("existing customer matched: vehicle attached")
    return _("existing customer matched: details filled in")


def _plan(row: dict[str, str], *, by: User, codes: dict) -> Plan:
    result = RowResult(number=int(row.get("_line", 0)), name=row.get("name", ""), phone=row.get("phone", ""))
    plan, errors = Plan(result=result), result.errors
    kind = KIND_ALIASES.get(row.get("kind", "").strip().lower()) or KIND_ALIASES.get(row.get("kind", "").strip())
    if kind is None:
        errors.append(_("kind: “%(value)s” is not one of prospect, self_sold, same_brand, other_brand.") % {"value": row.get("kind", "")})
    plan.kind = kind or ""
    plan.customer_fields = _person(row, errors)
    phone = plan.customer_fields["phone"]
    plan.consultant = _consultant(row, by=by, codes=codes, errors=errors)
    grade = row.get("grade", "").strip().upper() or Customer.Grade.N
    if kind == "prospect" and grade not in Customer.Grade.values:
        errors.append(_("grade must be one of O, H, A, B, C, N."))
    car_model = _code(row, "car_model", codes["models"], _("car_model: “%(value)s” is not in the model list."), errors)
    colour = _code(row, "colour", codes["colours"], _("colour: “%(value)s” is not in the colour list."), errors)
    if kind == "prospect":
        plan.customer_fields.update(grade=grade, car_model=car_model, colour=colour)
    elif kind:
        plan.vehicle_fields = _vehicle(row, kind=kind, car_model=car_model, colour=colour, phone=phone, errors=errors)
    if phone:
        plan.existing = Customer.objects.filter(phone=phone).first()
        if plan.existing is not None and not customers_for_user(by).filter(pk=plan.existing.pk).exists():
            errors.append(_("phone: this number belongs to a customer you cannot see; ask a manager."))
    if not errors:
        result.action = _action(plan)
    return plan


def _codes(by: User) -> dict:
    return {
        "consultants": {u.username: u for u in consultants_visible_to(by).filter(is_active=True)},
        "models": {m.name: m for m in CarModel.objects.all()},
        "colours": {c.name: c for c in Colour.objects.all()},
    }


def _checked(row: dict[str, str], *, by: User, codes: dict) -> Plan:
    """The row's plan; a row whose check fails unexpectedly is refused with that reason, not a 500."""
    try:
        return _plan(row, by=by, codes=codes)
    except Exception as error:
        logger.exception("import: line %s could not be checked", row.get("_line"))
        result = RowResult(number=int(row.get("_line") or 0), name=row.get("name", ""), phone=row.get("phone", ""))
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
    """The downloadable template: header row, sample rows, and the column notes on a second sheet."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "customers"
    sheet.append(COLUMN_NAMES)
    for row in SAMPLE_ROWS:
        sheet.append(row)
    notes = book.create_sheet("columns")
    notes.append(["column", "required", "content"])
    for name, required, help_text in COLUMNS:
        notes.append([name, "yes" if required else "", str(help_text)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
