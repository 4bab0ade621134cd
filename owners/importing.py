"""Import of existing owners and prospects from .xlsx or .csv (docs/domain.md, "Data quality").

Each row is checked, then written in its own savepoint: a bad row never stops the good ones nor
half-writes a customer. A phone that already exists is matched (blank details filled in, the
vehicle attached), never duplicated.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.models import User
from accounts.visibility import consultants_visible_to
from leads.models import CarModel, Colour, Customer
from leads.phones import normalise_phone
from leads.selectors import customers_for_user
from leads.services import customer_blanks_fill, customer_create
from owners.models import Vehicle
from owners.services import owner_create, vehicle_add
from owners.vin import normalise_vin, with_check_digit

MAX_ROWS = 2000

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


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(upload) -> list[dict[str, str]]:
    """The data rows of an uploaded file as dicts of text, or ValidationError if it cannot be read."""
    name = upload.name.lower()
    try:
        if name.endswith(".xlsx"):
            from openpyxl import load_workbook

            sheet = load_workbook(upload, read_only=True, data_only=True).worksheets[0]
            table = [[_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
        else:
            raw = upload.read()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise ValidationError(_("The CSV file is neither UTF-8 nor GB18030 text."))
            table = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    except ValidationError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(_("The file could not be read (%(error)s).") % {"error": type(error).__name__})
    table = [row for row in table if any(row)]
    if not table:
        raise ValidationError(_("The file is empty."))
    header = [cell.strip().lower() for cell in table[0]]
    missing = [name for name, required, _help in COLUMNS if required and name not in header]
    if missing:
        raise ValidationError(_("Missing columns: %(columns)s. Use the template.") % {"columns": ", ".join(missing)})
    if len(table) - 1 > MAX_ROWS:
        raise ValidationError(_("At most %(max)d rows per file.") % {"max": MAX_ROWS})
    rows = []
    for line, values in enumerate(table[1:], start=2):
        row = {name: (values[i] if i < len(values) else "") for i, name in enumerate(header) if name in COLUMN_NAMES}
        row["_line"] = str(line)
        rows.append(row)
    return rows


def _date(text: str, label: str, errors: list[str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        errors.append(_("%(field)s: “%(value)s” is not a date (YYYY-MM-DD).") % {"field": label, "value": text})
        return None


@dataclass
class Plan:
    result: RowResult
    kind: str = ""
    customer_fields: dict = field(default_factory=dict)
    vehicle_fields: dict = field(default_factory=dict)
    consultant: User | None = None
    existing: Customer | None = None


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
    birthday = _date(row.get("birthday", ""), _("birthday"), errors)
    return {"name": name, "phone": phone, "gender": gender, "birthday": birthday, "region": row.get("region", "").strip()[:50]}


def _consultant(row: dict[str, str], *, by: User, codes: dict, errors: list) -> User | None:
    username = row.get("consultant", "").strip()
    if username:
        consultant = codes["consultants"].get(username)
        if consultant is None:
            errors.append(_("consultant: no active consultant “%(value)s” that you manage.") % {"value": username})
        return consultant
    if permissions.may_hold_customers(by):
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
        "vin": vin, "plate": row.get("plate", "").strip()[:20], "car_model": car_model, "colour": colour,
        "brand": row.get("brand", "").strip()[:50], "model_name": row.get("model", "").strip()[:50],
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


def rows_check(rows: list[dict[str, str]], *, by: User) -> list[RowResult]:
    """What would be taken or refused, without writing anything (the preview)."""
    codes = _codes(by)
    return [_plan(row, by=by, codes=codes).result for row in rows]


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
    """Write each good row in its own savepoint; report every row."""
    codes = _codes(by)
    results = []
    for row in rows:
        plan = _plan(row, by=by, codes=codes)
        if plan.result.ok:
            try:
                with transaction.atomic():
                    _apply(plan, by=by)
            except (ValidationError, IntegrityError) as error:
                plan.result.errors.append(_("not saved: %(error)s") % {"error": error})
                plan.result.action = ""
        results.append(plan.result)
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
