"""The import reads what Chinese spreadsheets hold: Chinese or English headers and values, full-width
characters, phones with +86, dates as cells, serial numbers or text; a blank consultant is the importer."""

import csv
import io
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from leads.models import Customer
from owners.importing import COLUMNS, HEADERS, _key
from owners.models import Vehicle
from tests.owners.conftest import next_vin

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _xlsx(header: list, *rows: list) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("客户.xlsx", buffer.getvalue())


def _csv(header: list, *rows: list, encoding: str = "utf-8") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("客户.csv", buffer.getvalue().encode(encoding), content_type="text/csv")


def _preview(client, upload, language=ZH):
    response = client.post(reverse("owners:import_upload"), {"file": upload}, **language)
    assert response.status_code == 200
    return response


def _import(client, upload, language=ZH):
    preview = _preview(client, upload, language)
    assert "token" in preview.context, preview.context["form"].errors
    return client.post(reverse("owners:import_confirm"), {"token": preview.context["token"]}, **language)


def _errors(response) -> dict[int, str]:
    return {row.number: " ".join(row.errors) for row in response.context["preview"] if not row.ok}


# --- full-width characters and phones -------------------------------------------------------------

def test_full_width_digits_and_punctuation_are_read_as_ascii(login, consultant):
    # given a row typed with a Chinese input method: full-width phone, VIN, plate and date
    vin = next_vin()
    full_width_vin = "".join(chr(ord(c) + 0xFEE0) for c in vin)
    upload = _csv(
        ["客户类型", "姓名", "电话", "车型", "车架号", "车牌号", "交车日期", "出生日期"],
        ["本品牌自销", "王志强", "（１３６）００１３－８０００", "朗逸", full_width_vin, "沪Ａ１２３４５", "２０２３／０５／２０", "１９８５．３．１２"],
    )
    # when imported
    report = _import(login(consultant), upload)
    # then everything is stored in ASCII
    assert (report.context["taken"], report.context["refused"]) == (1, 0)
    owner = Customer.objects.get(phone="13600138000")
    vehicle = owner.vehicles.get()
    assert (vehicle.vin, vehicle.plate, vehicle.delivered_on) == (vin, "沪A12345", date(2023, 5, 20))
    assert owner.birthday == date(1985, 3, 12)


@pytest.mark.parametrize(("written", "stored"), [
    ("136 0013 8000", "13600138000"),
    ("136-0013-8000", "13600138000"),
    ("136.0013.8000", "13600138000"),
    ("+86 136 0013 8000", "13600138000"),
    ("0086 13600138000", "13600138000"),
    ("86-136-0013-8000", "13600138000"),
    ("＋８６ １３６００１３８０００", "13600138000"),
    ("+86 21 6123 4567", "02161234567"),
    ("0086-21-61234567", "02161234567"),
    ("（021）6123-4567", "02161234567"),
])
def test_phones_with_spaces_dashes_dots_and_country_code_are_accepted(login, consultant, written, stored):
    report = _import(login(consultant), _csv(["kind", "name", "phone"], ["prospect", "刘洋", written]))
    assert report.context["taken"] == 1
    assert Customer.objects.filter(phone=stored).exists()


# --- dates ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("birthday", [
    date(1990, 5, 6), datetime(1990, 5, 6, 0, 0), 32999, 32999.0, "1990/5/6", "1990-5-6", "1990.5.6",
    "1990年5月6日", "1990-05-06", "19900506", 19900506, "1990/05/06 00:00:00", "１９９０年５月６日",
])
def test_dates_are_read_from_excel_cells_serial_numbers_and_chinese_text(login, consultant, birthday):
    upload = _xlsx(["kind", "name", "phone", "birthday"], ["prospect", "刘洋", "13800138004", birthday])
    report = _import(login(consultant), upload)
    assert report.context["taken"] == 1
    assert Customer.objects.get(phone="13800138004").birthday == date(1990, 5, 6)


@pytest.mark.parametrize("delivered", ["2023-02-30", "2023/13/1", "20230230", "2023年2月29日", "去年"])
def test_an_impossible_date_is_refused_for_its_row_naming_the_column(login, consultant, delivered):
    upload = _csv(
        ["客户类型", "姓名", "电话", "他厂牌车型", "品牌", "车架号", "交车日期"],
        ["他厂牌", "好行", "13800138001", "凯美瑞", "丰田", next_vin(), "2023-02-28"],
        ["他厂牌", "坏日期", "13800138002", "凯美瑞", "丰田", next_vin(), delivered],
    )
    preview = _preview(login(consultant), upload)
    assert (preview.context["taken"], preview.context["refused"]) == (1, 1)
    assert _errors(preview)[3].startswith("交车日期：") and delivered in _errors(preview)[3]


# --- a blank consultant ----------------------------------------------------------------------------------

@pytest.mark.parametrize("importer", ["consultant", "showroom_manager", "sales_manager"])
def test_a_blank_consultant_is_the_importer_who_may_hold_customers(request, login, importer):
    # given a user who may hold customers and a file whose consultant column is blank
    user = request.getfixturevalue(importer)
    upload = _csv(["kind", "name", "phone", "consultant"], ["prospect", "刘洋", "13800138004", ""])
    # when imported
    report = _import(login(user), upload)
    # then the customer is theirs
    assert (report.context["taken"], report.context["refused"]) == (1, 0)
    assert Customer.objects.get(phone="13800138004").consultant == user


def test_a_blank_consultant_is_refused_naming_the_column_for_who_holds_no_customers(login, administrator, consultant):
    upload = _csv(["类型", "姓名", "电话", "顾问"], ["潜在客户", "刘洋", "13800138004", ""],
                  ["潜在客户", "张伟", "13800138005", consultant.username])
    preview = _preview(login(administrator), upload)
    assert (preview.context["taken"], preview.context["refused"]) == (1, 1)
    assert _errors(preview)[2].startswith("顾问：")


def test_a_consultant_is_found_by_username_or_name_and_a_manager_may_name_themselves(login, showroom_manager, consultant):
    upload = _csv(["客户类型", "姓名", "电话", "销售顾问"],
                  ["潜在客户", "甲", "13800138001", str(consultant)],
                  ["潜在客户", "乙", "13800138002", consultant.username.upper()],
                  ["潜在客户", "丙", "13800138003", showroom_manager.username])
    report = _import(login(showroom_manager), upload)
    assert report.context["taken"] == 3
    holders = dict(Customer.objects.values_list("name", "consultant"))
    assert holders == {"甲": consultant.pk, "乙": consultant.pk, "丙": showroom_manager.pk}


# --- the template and the headers -----------------------------------------------------------------------

def _template(client, language) -> list[list]:
    response = client.get(reverse("owners:import_template"), **language)
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_template_is_in_chinese_for_a_chinese_interface(login, consultant):
    rows = _template(login(consultant), ZH)
    assert rows[0][:5] == ["客户类型", "姓名", "电话", "性别", "出生日期"]
    assert [row[0] for row in rows[1:]] == ["本品牌自销", "本品牌他销", "他厂牌", "潜在客户"]
    assert rows[1][3] == "男" and rows[2][3] == "女"
    assert rows[4][rows[0].index("客户来源")] == "来电"
    assert isinstance(rows[1][4], datetime)  # a date cell, not text


def test_the_template_is_in_english_for_an_english_interface(login, consultant):
    rows = _template(login(consultant), EN)
    assert rows[0][:5] == ["Kind", "Name", "Phone", "Gender", "Birthday"]
    assert [row[0] for row in rows[1:]] == ["Sold by us", "Same brand, sold elsewhere", "Other brand", "prospect"]
    assert rows[1][3] == "Male"


@pytest.mark.parametrize("language", [ZH, EN])
def test_the_template_of_either_language_imports_cleanly(login, consultant, language):
    client = login(consultant)
    response = client.get(reverse("owners:import_template"), **language)
    report = _import(client, SimpleUploadedFile("template.xlsx", response.content), language)
    assert (report.context["taken"], report.context["refused"]) == (4, 0)
    assert Vehicle.objects.count() == 3
    prospect = Customer.objects.get(phone="13800138004")
    assert (prospect.intake, prospect.grade, prospect.gender) == (Customer.Intake.PHONE_IN, "B", "M")


def test_headers_and_values_are_read_in_either_language_whatever_the_case_or_width(login, consultant):
    # given English and Chinese headers mixed, in odd case and full width, and values by code or label
    upload = _csv(
        ["ＫＩＮＤ", "name", "手机号码", "Gender", "Grade", "Intake", "car_model", "colour"],
        ["Prospect", "甲", "13800138001", "女", "ｈ", "Phone-in", "朗逸", "珍珠白"],
        ["潜客", "乙", "13800138002", "f", "A级", "来店", "", ""],
        ["PROSPECT", "丙", "13800138003", "Female", "b", "oem", "", ""],
    )
    report = _import(login(consultant), upload)
    assert (report.context["taken"], report.context["refused"]) == (3, 0)
    customers = {c.name: (c.gender, c.grade, c.intake) for c in Customer.objects.all()}
    assert customers == {"甲": ("F", "H", "phone_in"), "乙": ("F", "A", "walk_in"), "丙": ("F", "B", "oem")}
    owner_upload = _csv(["客户类型", "姓名", "电话", "CAR MODEL", "VIN", "Delivery date"],
                        ["Sold by us", "丁", "13800138009", "朗逸", next_vin(), "2023-05-20"],
                        ["self_sold", "戊", "13800138008", "朗逸", next_vin(), "2023-05-20"])
    assert _import(login(consultant), owner_upload).context["taken"] == 2


def test_no_two_columns_share_a_header():
    seen = {}
    for column in COLUMNS:
        for header in (column.field, column.zh, column.en, *column.aliases):
            assert seen.setdefault(_key(header), column.field) == column.field, header
    assert set(seen) == set(HEADERS)


# --- messages name the row and the column as the file does -----------------------------------------------

def test_a_refusal_names_the_row_and_the_files_header(login, consultant):
    upload = _xlsx(["客户类型", "姓名", "手机号码", "性别", "级别"],
                   ["潜在客户", "好行", "13800138001", "男", "B"],
                   ["潜在客户", "坏行", "12345", "未知", "Z"])
    preview = _preview(login(consultant), upload)
    errors = _errors(preview)
    assert list(errors) == [3]
    # The zh-hans interface: "<the file's header>：<what is wrong>".
    assert "手机号码：" in errors[3] and "性别：“未知”" in errors[3] and "级别：“Z”" in errors[3]
    page = preview.content.decode()
    assert "<td>3</td>" in page and "手机号码：" in page


def test_a_file_without_the_required_columns_names_them_in_the_users_language(login, consultant):
    upload = _csv(["姓名", "地区"], ["刘洋", "浦东新区"])
    chinese = _preview(login(consultant), upload)
    assert "客户类型, 电话" in " ".join(chinese.context["form"].errors["file"])
    upload.seek(0)
    english = _preview(login(consultant), upload, EN)
    assert "Kind, Phone" in " ".join(english.context["form"].errors["file"])


def test_a_column_given_twice_is_refused(login, consultant):
    upload = _csv(["客户类型", "姓名", "电话", "phone"], ["潜在客户", "刘洋", "13800138001", "13800138002"])
    errors = " ".join(_preview(login(consultant), upload).context["form"].errors["file"])
    assert "电话" in errors and "phone" in errors


def test_a_title_row_above_the_header_is_skipped_and_rows_keep_their_numbers(login, consultant):
    upload = _xlsx(["2024年客户名单"], ["客户类型", "姓名", "电话"], ["潜在客户", "刘洋", "12345"],
                   ["潜在客户", "张伟", "13800138002"])
    preview = _preview(login(consultant), upload)
    assert (preview.context["taken"], preview.context["refused"]) == (1, 1)
    assert list(_errors(preview)) == [3]


def test_a_csv_in_gb18030_with_chinese_headers_is_read(login, consultant):
    upload = _csv(["客户类型", "姓名", "电话"], ["潜在客户", "刘洋", "138 0013 8004"], encoding="gb18030")
    assert _import(login(consultant), upload).context["taken"] == 1


def test_the_upload_page_lists_the_columns_in_the_users_language(login, consultant):
    client = login(consultant)
    chinese = client.get(reverse("owners:import_upload"), **ZH).content.decode()
    assert "客户类型" in chinese and "本品牌自销 / 本品牌他销 / 他厂牌" in chinese
    english = client.get(reverse("owners:import_upload"), **EN).content.decode()
    assert "Delivery date" in english and "Male / Female" in english
