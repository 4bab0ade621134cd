"""Import of owners and prospects: preview, confirm, row-by-row report; no partial customer."""

import csv
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext

from leads.models import Customer
from owners.importing import COLUMN_NAMES, template_workbook
from owners.models import ImportBatch, Vehicle
from tests.factories import prospect_create
from tests.owners.conftest import next_vin

pytestmark = pytest.mark.django_db


def _csv(rows: list[dict]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMN_NAMES)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return SimpleUploadedFile("customers.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv")


def _upload_and_confirm(client, upload):
    preview = client.post(reverse("owners:import_upload"), {"file": upload})
    assert preview.status_code == 200
    report = client.post(reverse("owners:import_confirm"), {"token": preview.context["token"]})
    return preview, report


def test_import_takes_good_rows_refuses_bad_ones_and_matches_existing_phone(login, consultant, settings):
    settings.LANGUAGE_CODE = "en"
    # given an existing prospect and a file with 2 good rows, 2 bad rows and 1 row with the existing phone
    existing = prospect_create(consultant=consultant, phone="13700000009", name="老客户")
    good_vin = next_vin()
    rows = [
        {"kind": "self_sold", "name": "王志强", "phone": "13800138001", "car_model": "朗逸", "vin": good_vin,
         "plate": "沪A12345", "delivered_on": "2023-05-20", "birthday": "1985-03-12"},
        {"kind": "prospect", "name": "刘洋", "phone": "13800138004", "grade": "B"},
        {"kind": "other_brand", "name": "坏车架号", "phone": "13800138005", "brand": "丰田", "model": "凯美瑞",
         "vin": "LSVAA4181E2000001", "delivered_on": "2023-05-20"},
        {"kind": "prospect", "name": "坏电话", "phone": "12345"},
        {"kind": "other_brand", "name": "老客户", "phone": "137 0000 0009", "brand": "丰田", "model": "凯美瑞",
         "vin": next_vin(), "delivered_on": "2021-01-01", "region": "浦东新区"},
    ]
    client = login(consultant)
    # when previewed, nothing is written yet
    preview = client.post(reverse("owners:import_upload"), {"file": _csv(rows)})
    assert (preview.context["taken"], preview.context["refused"]) == (3, 2)
    assert Customer.objects.count() == 1
    # when confirmed
    report = client.post(reverse("owners:import_confirm"), {"token": preview.context["token"]})
    # then exactly the good rows are taken, the bad ones refused with a reason, the phone matched
    assert (report.context["taken"], report.context["refused"]) == (3, 2)
    refused = {r.number: r.errors for r in report.context["results"] if not r.ok}
    assert set(refused) == {4, 5}
    assert any("check digit" in e for e in refused[4]) and any(e.startswith("phone") for e in refused[5])
    assert Customer.objects.count() == 3
    assert not Customer.objects.filter(name__in=["坏车架号", "坏电话"]).exists()
    owner = Customer.objects.get(phone="13800138001")
    assert owner.status == Customer.Status.DELIVERED and owner.vehicles.get().vin == good_vin
    existing.refresh_from_db()
    assert existing.region == "浦东新区" and existing.vehicles.count() == 1
    assert Customer.objects.get(phone="13800138004").tasks.filter(status__in=["open", "overdue"]).count() == 1


def test_import_confirm_twice_imports_once(login, consultant):
    client = login(consultant)
    preview, report = _upload_and_confirm(client, _csv([{"kind": "prospect", "name": "刘洋", "phone": "13800138004"}]))
    again = client.post(reverse("owners:import_confirm"), {"token": preview.context["token"]})
    assert again.status_code == 302
    assert Customer.objects.filter(phone="13800138004").count() == 1


def test_import_row_failing_at_write_leaves_no_partial_customer(login, consultant, monkeypatch):
    # given a row that passes the checks but whose vehicle cannot be written (VIN taken meanwhile)
    from owners import importing

    vin = next_vin()
    original = importing._apply

    def racing_apply(plan, *, by):
        if plan.vehicle_fields:
            other = prospect_create(consultant=consultant, phone="13700000077")
            Vehicle.objects.create(customer=other, vin=vin, delivered_on="2020-01-01", created_by=by)
        return original(plan, by=by)

    monkeypatch.setattr(importing, "_apply", racing_apply)
    rows = [{"kind": "other_brand", "name": "半截", "phone": "13800138010", "brand": "丰田", "model": "凯美瑞",
             "vin": vin, "delivered_on": "2022-01-01"},
            {"kind": "prospect", "name": "好行", "phone": "13800138011"}]
    _preview, report = _upload_and_confirm(login(consultant), _csv(rows))
    # then the failing row is refused and nothing of it stays; the next row is taken
    assert (report.context["taken"], report.context["refused"]) == (1, 1)
    assert not Customer.objects.filter(phone="13800138010").exists()
    assert Customer.objects.filter(phone="13800138011").exists()


def test_import_refuses_a_phone_of_a_customer_the_user_cannot_see(login, consultant, other_consultant):
    prospect_create(consultant=other_consultant, phone="13700000009")
    _preview, report = _upload_and_confirm(login(consultant), _csv([{"kind": "prospect", "name": "x", "phone": "13700000009"}]))
    assert report.context["refused"] == 1


def test_template_xlsx_imports_cleanly(login, consultant):
    upload = SimpleUploadedFile("template.xlsx", template_workbook())
    _preview, report = _upload_and_confirm(login(consultant), upload)
    assert (report.context["taken"], report.context["refused"]) == (4, 0)
    assert Vehicle.objects.count() == 3


def test_template_download_and_bad_file(login, consultant):
    client = login(consultant)
    assert client.get(reverse("owners:import_template"))["Content-Type"].startswith("application/vnd.openxml")
    bad = client.post(reverse("owners:import_upload"), {"file": SimpleUploadedFile("x.csv", b"name\n1\n")})
    assert bad.status_code == 200 and "file" in bad.context["form"].errors


# --- the stored preview (ImportBatch) ----------------------------------------------------------------

def _prospect_rows(count: int) -> list[dict]:
    return [{"kind": "prospect", "name": f"客户{i}", "phone": f"1380013{i:04d}", "region": "浦东新区"} for i in range(count)]


def test_preview_keeps_the_rows_out_of_the_session(login, consultant):
    from django.contrib.sessions.models import Session

    # given a file of 300 rows (about 40 KB of text)
    client = login(consultant)
    # when it is previewed
    preview = client.post(reverse("owners:import_upload"), {"file": _csv(_prospect_rows(300))})
    # then the session row stays small: the rows wait in a batch of the user's, the form carries its token
    assert preview.status_code == 200 and preview.context["total"] == 300
    session = Session.objects.get(session_key=client.session.session_key)
    assert len(session.session_data) < 2048
    batch = ImportBatch.objects.get()
    assert batch.created_by == consultant and batch.row_count == 300 and batch.status == ImportBatch.Status.PENDING
    assert str(batch.token) in preview.content.decode()


def test_confirm_twice_imports_once_and_keeps_the_batch_as_a_record(login, consultant):
    client = login(consultant)
    preview, report = _upload_and_confirm(client, _csv(_prospect_rows(2)))
    assert report.context["taken"] == 2
    again = client.post(reverse("owners:import_confirm"), {"token": preview.context["token"]}, follow=True)
    assert again.redirect_chain[-1][0] == reverse("owners:import_upload")
    assert [str(m) for m in again.context["messages"]] == [gettext("This import was already done.")]
    assert Customer.objects.count() == 2
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.taken, batch.refused, batch.rows) == (ImportBatch.Status.DONE, 2, 0, [])
    assert batch.done_at is not None


def test_a_batch_claimed_meanwhile_is_not_imported_again(login, consultant, monkeypatch):
    # given a preview confirmed from another tab between this request's lookup and its claim
    from owners.views import imports

    client = login(consultant)
    preview = client.post(reverse("owners:import_upload"), {"file": _csv(_prospect_rows(2))})
    lookup = imports._batch_for_user

    def looked_up_then_claimed_elsewhere(request, token):
        batch = lookup(request, token)
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.DONE)
        return batch

    monkeypatch.setattr(imports, "_batch_for_user", looked_up_then_claimed_elsewhere)
    response = client.post(reverse("owners:import_confirm"), {"token": preview.context["token"]})
    # then the conditional claim finds it taken: nothing is imported
    assert response.status_code == 302 and not Customer.objects.exists()


def test_another_users_batch_cannot_be_confirmed(client, consultant, teammate):
    client.force_login(consultant)
    preview = client.post(reverse("owners:import_upload"), {"file": _csv(_prospect_rows(1))})
    client.force_login(teammate)
    response = client.post(reverse("owners:import_confirm"), {"token": preview.context["token"]})
    assert response.status_code == 404
    assert not Customer.objects.exists() and ImportBatch.objects.get().status == ImportBatch.Status.PENDING


@pytest.mark.parametrize("token", ["", "not-a-token", "9f1c1e4a-0000-4000-8000-000000000000"])
def test_an_unknown_token_answers_404(login, consultant, token):
    assert login(consultant).post(reverse("owners:import_confirm"), {"token": token}).status_code == 404


def test_an_expired_batch_cannot_be_confirmed_and_is_pruned_at_the_next_upload(login, consultant, teammate):
    client = login(consultant)
    with time_machine.travel("2026-03-11 10:00 +08:00", tick=False):
        preview = client.post(reverse("owners:import_upload"), {"file": _csv(_prospect_rows(1))})
    # when confirmed 61 minutes later
    with time_machine.travel("2026-03-11 11:01 +08:00", tick=False):
        response = client.post(reverse("owners:import_confirm"), {"token": preview.context["token"]}, follow=True)
        # then it is refused with a message and nothing is imported
        assert [str(m) for m in response.context["messages"]] == [gettext("This preview has expired: upload the file again.")]
        assert not Customer.objects.exists()
        # and the next upload, by anyone, deletes it; a fresh batch stays
        login(teammate).post(reverse("owners:import_upload"), {"file": _csv(_prospect_rows(1))})
    assert list(ImportBatch.objects.values_list("created_by", flat=True)) == [teammate.pk]


def test_import_refuses_dates_outside_the_bounds_the_forms_keep(login, consultant):
    rows = [{"kind": "self_sold", "name": "远", "phone": "13700000031", "vin": next_vin(), "car_model": "朗逸",
             "delivered_on": "9999-12-31"},
            {"kind": "prospect", "name": "古", "phone": "13700000032", "birthday": "0001-01-01"}]
    _preview, report = _upload_and_confirm(login(consultant), _csv(rows))
    assert report.context["taken"] == 0 and report.context["refused"] == 2
    assert not Customer.objects.filter(phone__in=["13700000031", "13700000032"]).exists()
