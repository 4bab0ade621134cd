"""Hostile import files: each is refused with a clear form error, with bounded work, before the rest is read.

The .xlsx files are built here by hand with zipfile: a real workbook (openpyxl) whose sheet XML, or
other parts, are replaced by what an attacker would send.
"""

import csv
import io
import re
import threading
import time
import urllib.request
import uuid
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from leads.models import Customer
from owners import importing
from owners.importing import COLUMN_NAMES, MAX_ROWS
from owners.models import ImportBatch
from owners.vin import with_check_digit
from tests.factories import prospect_create

pytestmark = pytest.mark.django_db

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER_ROW = b'<row r="1"><c t="inlineStr"><is><t>kind</t></is></c><c t="inlineStr"><is><t>name</t></is></c><c t="inlineStr"><is><t>phone</t></is></c></row>'
# A cell openpyxl cannot read: a row holding it makes the whole file "could not be read (ValueError)".
POISON_ROW = b'<row><c t="n"><v>not-a-number</v></c></row>'
BOMB_ROWS = HEADER_ROW + (b"<row>" + b"<c/>" * 1000 + b"</row>") * 2300  # 9 MB: 2.3 million empty cells


def _workbook_parts() -> dict[str, bytes]:
    book = Workbook()
    book.active.append(["kind"])
    buffer = io.BytesIO()
    book.save(buffer)
    archive = zipfile.ZipFile(buffer)
    return {info.filename: archive.read(info) for info in archive.infolist()}


def _xlsx(sheet_data: bytes = HEADER_ROW, *, before: bytes = b"", shared_strings: bytes | None = None,
          name: str = "customers.xlsx") -> SimpleUploadedFile:
    """A workbook whose first sheet is `sheet_data` (rows), optionally with a shared-strings part."""
    parts = _workbook_parts()
    parts["xl/worksheets/sheet1.xml"] = (
        f'<worksheet xmlns="{MAIN}">'.encode() + before + b"<sheetData>" + sheet_data + b"</sheetData></worksheet>"
    )
    if shared_strings is not None:
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">'.encode() + shared_strings + b"</sst>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)
    return SimpleUploadedFile(name, buffer.getvalue())


def _data_rows(count: int) -> bytes:
    return b"".join(
        b'<row><c t="inlineStr"><is><t>prospect</t></is></c><c t="inlineStr"><is><t>x</t></is></c>'
        b'<c t="inlineStr"><is><t>1380013%04d</t></is></c></row>' % (i % 10_000) for i in range(count)
    )


def _csv_text(rows: list[dict], extra: str = "") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMN_NAMES)
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("customers.csv", (buffer.getvalue() + extra).encode("utf-8"), content_type="text/csv")


@pytest.fixture
def parses(monkeypatch):
    """The workbooks openpyxl was asked to open during the test."""
    opened = []
    original = importing.load_workbook

    def spy(*args, **kwargs):
        opened.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(importing, "load_workbook", spy)
    return opened


def _upload(client, upload):
    started = time.monotonic()
    response = client.post(reverse("owners:import_upload"), {"file": upload})
    return response, time.monotonic() - started


def _file_errors(response) -> str:
    assert response.status_code == 200 and "form" in response.context, response.status_code
    return " ".join(response.context["form"].errors.get("file", []))


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"


# --- the zip bomb ----------------------------------------------------------------------------------

def test_zip_bomb_of_millions_of_empty_cells_is_refused_before_parsing(english, login, consultant, parses):
    # given 9 MB of sheet XML, nearly two million empty cells, packed into a few KB (a ratio near 1,000)
    bomb = _xlsx(BOMB_ROWS)
    assert len(bomb) < 20_000
    # when it is uploaded
    response, seconds = _upload(login(consultant), bomb)
    # then it is refused as packed suspiciously tight, openpyxl never opened it and nothing waits
    assert "packed suspiciously tight" in _file_errors(response)
    assert parses == [] and seconds < 5
    assert not ImportBatch.objects.exists()


def test_workbook_unpacking_past_the_limit_is_refused_before_parsing(english, login, consultant, parses, monkeypatch):
    # given a workbook of a few KB that unpacks to more than the limit (here lowered to 1 MB), at a modest ratio
    monkeypatch.setattr(importing, "MAX_UNPACKED_BYTES", 2**20)
    upload = _xlsx(HEADER_ROW + _data_rows(12_000))
    response, _seconds = _upload(login(consultant), upload)
    assert "unpacks to more than 1 MB" in _file_errors(response) and parses == []


def test_a_sheet_of_too_many_cells_is_refused_before_parsing(english, login, consultant, parses):
    # given two rows of 60,000 empty cells each (under the size limit, and a part too small for the ratio)
    wide = b"<row>" + b"<c/>" * 60_000 + b"</row>"
    response, _seconds = _upload(login(consultant), _xlsx(HEADER_ROW + wide * 2))
    assert f"more than {importing.MAX_CELLS} cells" in _file_errors(response) and parses == []


def test_a_workbook_of_too_many_shared_strings_is_refused_before_parsing(english, login, consultant, parses):
    # given 60,000 shared strings (twice the limit), which openpyxl would read in full just to open the file
    upload = _xlsx(shared_strings=b"<si><t/></si>" * 60_000)
    response, _seconds = _upload(login(consultant), upload)
    assert "different texts" in _file_errors(response) and parses == []


def test_xml_entity_declarations_are_refused_before_parsing(english, login, consultant, parses):
    upload = _xlsx(HEADER_ROW, before=b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>')
    response, _seconds = _upload(login(consultant), upload)
    assert "XML declarations" in _file_errors(response) and parses == []


def test_a_sheet_in_utf16_is_refused_before_parsing(english, login, consultant, parses):
    # given a sheet re-encoded in UTF-16, where the element counts above would find nothing
    upload = _xlsx(HEADER_ROW + b"<row><c/></row>" * 10)
    archive = zipfile.ZipFile(upload)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = ('<?xml version="1.0" encoding="UTF-16"?>' + data.decode()).encode("utf-16")
            rewritten.writestr(info.filename, data)
    response, _seconds = _upload(login(consultant), SimpleUploadedFile("customers.xlsx", buffer.getvalue()))
    assert "not UTF-8" in _file_errors(response) and parses == []


def test_a_file_that_is_not_a_zip_is_refused_clearly(english, login, consultant):
    response, _seconds = _upload(login(consultant), SimpleUploadedFile("customers.xlsx", b"kind,name,phone\n"))
    assert "not a zip archive" in _file_errors(response)


# --- the row limit, the declared size and the time limit -------------------------------------------

def test_the_poison_row_used_below_makes_a_file_unreadable(english, login, consultant):
    # the premise of the next test: openpyxl raises on this row when it reaches it
    response, _seconds = _upload(login(consultant), _xlsx(HEADER_ROW + _data_rows(3) + POISON_ROW))
    assert "could not be read (ValueError)" in _file_errors(response)


def test_xlsx_of_more_than_2000_rows_is_refused_without_reading_past_the_limit(english, login, consultant):
    # given 2,001 data rows followed by a row that cannot be read
    upload = _xlsx(HEADER_ROW + _data_rows(MAX_ROWS + 1) + POISON_ROW)
    # when uploaded
    response, _seconds = _upload(login(consultant), upload)
    # then the file is refused for its rows: reading stopped at row 2,001, before the poison row
    errors = _file_errors(response)
    assert "more than 2000 rows" in errors and "could not be read" not in errors
    assert not ImportBatch.objects.exists()


def test_csv_of_more_than_2000_rows_is_refused_without_reading_past_the_limit(english, login, consultant):
    # given 2,001 data rows followed by a field the csv module refuses (over its 128 KB field limit)
    rows = [{"kind": "prospect", "name": "x", "phone": f"1380013{i:04d}"} for i in range(MAX_ROWS + 1)]
    poison = "prospect,x," + "9" * 200_000 + "\n"
    response, _seconds = _upload(login(consultant), _csv_text(rows, extra=poison))
    errors = _file_errors(response)
    assert "more than 2000 rows" in errors and "could not be read" not in errors
    # and the same poison line after 3 rows is what makes a file unreadable
    response, _seconds = _upload(login(consultant), _csv_text(rows[:3], extra=poison))
    assert "could not be read (Error)" in _file_errors(response)


def test_exactly_2000_rows_are_read(english, login, consultant):
    # given 2,000 data rows (with a phone refused at once, so that the preview's checks stay quick)
    rows = b"".join(b'<row><c t="inlineStr"><is><t>prospect</t></is></c><c t="inlineStr"><is><t>x</t></is></c></row>'
                    for _ in range(MAX_ROWS))
    response, _seconds = _upload(login(consultant), _xlsx(HEADER_ROW + rows))
    assert (response.context["total"], response.context["refused"]) == (MAX_ROWS, MAX_ROWS)


@pytest.mark.parametrize("dimension", [b"A1:C1048576", b"A1:XFD3"])
def test_a_sheet_declaring_a_huge_dimension_is_refused_before_its_rows_are_read(english, login, consultant, dimension):
    # given a sheet whose dimension record claims a million rows or 16,384 columns, its rows poisoned
    upload = _xlsx(HEADER_ROW + POISON_ROW, before=b'<dimension ref="' + dimension + b'"/>')
    response, _seconds = _upload(login(consultant), upload)
    errors = _file_errors(response)
    assert "The sheet spans" in errors and "could not be read" not in errors


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_reading_past_the_time_limit_is_stopped(english, login, consultant, monkeypatch, kind):
    monkeypatch.setattr(importing, "PARSE_SECONDS", 0)
    rows = [{"kind": "prospect", "name": "x", "phone": "13800138004"}]
    upload = _xlsx(HEADER_ROW + _data_rows(1)) if kind == "xlsx" else _csv_text(rows)
    response, _seconds = _upload(login(consultant), upload)
    assert "took longer than 0 seconds" in _file_errors(response)


# --- bad cells are cleaned or refused row by row -----------------------------------------------------

def test_nul_and_control_characters_are_stripped_and_the_rows_imported(english, login, consultant):
    # given a row whose name and region hold NUL bytes, an escape and a line break, between two good rows
    rows = [
        {"kind": "prospect", "name": "刘洋", "phone": "13800138001"},
        {"kind": "prospect", "name": "王\x00志\x1b强", "phone": "13800138002\x00", "region": "浦东\n新区\x00"},
        {"kind": "prospect", "name": "张伟", "phone": "13800138003"},
    ]
    client = login(consultant)
    preview = client.post(reverse("owners:import_upload"), {"file": _csv_text(rows)})
    report = client.post(reverse("owners:import_confirm"), {"token": preview.context["token"]})
    # then the confirmation answers with its report and every row is taken, the text cleaned
    assert report.status_code == 200 and (report.context["taken"], report.context["refused"]) == (3, 0)
    cleaned = Customer.objects.get(phone="13800138002")
    assert (cleaned.name, cleaned.region) == ("王志强", "浦东 新区")


def test_a_row_failing_unexpectedly_is_reported_and_the_others_imported(english, login, consultant, monkeypatch):
    # given a row whose write raises what the database driver raises for a NUL byte
    original = importing._apply

    def failing_apply(plan, *, by):
        if plan.customer_fields["name"] == "坏行":
            prospect_create(consultant=consultant, phone="13800138099", name="半截")
            raise ValueError("A string literal cannot contain NUL (0x00) characters.")
        return original(plan, by=by)

    monkeypatch.setattr(importing, "_apply", failing_apply)
    rows = [{"kind": "prospect", "name": name, "phone": f"1380013800{i}"} for i, name in enumerate(["甲", "坏行", "乙"])]
    client = login(consultant)
    preview = client.post(reverse("owners:import_upload"), {"file": _csv_text(rows)})
    report = client.post(reverse("owners:import_confirm"), {"token": preview.context["token"]})
    # then the report lists the failing row with its reason, the rows after it are taken, nothing of it stays
    assert report.status_code == 200 and (report.context["taken"], report.context["refused"]) == (2, 1)
    refused = [r for r in report.context["results"] if not r.ok]
    assert refused[0].number == 3 and "unexpected error (ValueError)" in " ".join(refused[0].errors)
    assert set(Customer.objects.values_list("name", flat=True)) == {"甲", "乙"}
    assert ImportBatch.objects.get().taken == 2


def test_a_row_whose_check_fails_unexpectedly_is_refused_in_the_preview(english, login, consultant, monkeypatch):
    original = importing._plan

    def failing_plan(row, *, by, codes):
        if row["name"] == "坏行":
            raise KeyError("surprise")
        return original(row, by=by, codes=codes)

    monkeypatch.setattr(importing, "_plan", failing_plan)
    rows = [{"kind": "prospect", "name": name, "phone": f"1380013800{i}"} for i, name in enumerate(["甲", "坏行"])]
    preview = login(consultant).post(reverse("owners:import_upload"), {"file": _csv_text(rows)})
    assert preview.status_code == 200 and (preview.context["taken"], preview.context["refused"]) == (1, 1)


def test_over_long_text_is_refused_for_its_row_not_cut(english, login, consultant):
    rows = [
        {"kind": "prospect", "name": "刘洋", "phone": "13800138001", "region": "区" * 51},
        {"kind": "prospect", "name": "名" * 10_000, "phone": "13800138002"},
        {"kind": "other_brand", "name": "张伟", "phone": "13800138003", "brand": "丰田", "model": "凯美瑞",
         "plate": "沪" * 21, "vin": with_check_digit("LFV2A21K0E3000003"), "delivered_on": "2021-08-15"},
        {"kind": "prospect", "name": "好行", "phone": "13800138004"},
    ]
    client = login(consultant)
    preview = client.post(reverse("owners:import_upload"), {"file": _csv_text(rows)})
    errors = {r.number: " ".join(r.errors) for r in preview.context["preview"]}
    assert "region: longer than 50 characters" in errors[2]
    assert "name: longer than 50 characters" in errors[3]
    assert "plate: longer than 20 characters" in errors[4]
    assert errors[5] == ""
    # and the stored rows keep at most 200 characters of a cell
    assert max(len(value) for row in ImportBatch.objects.get().rows for value in row.values()) <= 200


# --- two hostile uploads at once against a live server ---------------------------------------------

def _cookie(response, name: str) -> str:
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith(name + "="):
            return header.split(";", 1)[0].split("=", 1)[1]
    raise AssertionError(f"no {name} cookie")


def _multipart(fields: dict[str, str], file_name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    )
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.bench
@pytest.mark.django_db(transaction=True)
def test_two_hostile_imports_at_once_leave_the_login_page_answering(live_server, consultant):
    # given a logged-in consultant's session and the 4.7 MB-class bomb (here a few KB of it)
    client = Client()
    client.force_login(consultant)
    session = client.cookies["sessionid"].value
    bomb = _xlsx(BOMB_ROWS).read()
    upload_url = live_server.url + reverse("owners:import_upload")

    def hostile_upload(answers: list):
        page = urllib.request.urlopen(urllib.request.Request(upload_url, headers={
            "Cookie": f"sessionid={session}", "Accept-Language": "en"}), timeout=30)
        csrf = _cookie(page, "csrftoken")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()).group(1)
        body, content_type = _multipart({"csrfmiddlewaretoken": token}, "bomb.xlsx", bomb)
        started = time.monotonic()
        answer = urllib.request.urlopen(urllib.request.Request(upload_url, data=body, headers={
            "Cookie": f"sessionid={session}; csrftoken={csrf}", "Content-Type": content_type, "Accept-Language": "en",
        }), timeout=30)
        answers.append((answer.status, "packed suspiciously tight" in answer.read().decode(), time.monotonic() - started))

    answers: list = []
    uploads = [threading.Thread(target=hostile_upload, args=(answers,)) for _ in range(2)]
    # when both run at once and the login page is asked for meanwhile
    for thread in uploads:
        thread.start()
    started = time.monotonic()
    login_page = urllib.request.urlopen(live_server.url + reverse("accounts:login"), timeout=30)
    login_seconds = time.monotonic() - started
    for thread in uploads:
        thread.join(timeout=30)
    # then the login page answered, and both uploads were refused quickly
    assert login_page.status == 200 and login_seconds < 5
    assert len(answers) == 2 and all(status == 200 and refused and seconds < 5 for status, refused, seconds in answers)
    assert not ImportBatch.objects.exists()
