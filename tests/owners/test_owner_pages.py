"""Owner list and card: VIP, visibility (404), constant queries; delivery through the page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from leads.models import CarModel, Customer
from owners.models import Referral, Vehicle
from owners.services import referral_add
from owners.vin import with_check_digit
from tests.factories import prospect_create
from tests.owners.conftest import next_vin, ordered, owner

pytestmark = pytest.mark.django_db


def _referrals(owner_customer, consultant, days_ago: list[int]):
    today = timezone.localdate()
    for n, ago in enumerate(days_ago):
        prospect = prospect_create(consultant=consultant, phone=f"1370000{owner_customer.pk:02d}{n:02d}")
        referral_add(owner=owner_customer, prospect=prospect, referred_on=today - timedelta(days=ago))


def test_owner_with_three_referrals_in_twelve_months_is_vip(login, consultant):
    # given one owner with 3 recent referrals, one with 2 recent and 1 older than a year
    vip = owner(consultant, phone="13900000001", name="贵宾")
    plain = owner(consultant, phone="13900000002", name="普通")
    _referrals(vip, consultant, [1, 100, 360])
    _referrals(plain, consultant, [1, 100, 400])
    # when the list is filtered on VIP
    response = login(consultant).get(reverse("owners:owner_list"), {"vip": "on"})
    # then only the VIP is listed, marked
    rows = response.context["page"].object_list
    assert [c.name for c in rows] == ["贵宾"]
    assert rows[0].is_vip and rows[0].recent_referrals == 3
    assert b'data-testid="vip"' in response.content
    card = login(consultant).get(reverse("owners:owner_detail", args=[plain.pk]))
    assert card.context["owner"].recent_referrals == 2 and not card.context["owner"].is_vip


def test_owner_list_never_shows_other_consultants_owners(login, consultant, other_consultant, teammate):
    owner(consultant, phone="13900000001", name="我的车主")
    owner(other_consultant, phone="13900000002", name="别人的车主")
    owner(teammate, phone="13900000003", name="同组车主")
    names = [c.name for c in login(consultant).get(reverse("owners:owner_list")).context["page"].object_list]
    assert names == ["我的车主"]


def test_showroom_manager_sees_team_owners_only(login, consultant, teammate, other_consultant, showroom_manager):
    owner(consultant, phone="13900000001", name="A")
    owner(teammate, phone="13900000003", name="B")
    owner(other_consultant, phone="13900000002", name="C")
    names = {c.name for c in login(showroom_manager).get(reverse("owners:owner_list")).context["page"].object_list}
    assert names == {"A", "B"}


def test_other_teams_consultant_gets_404_on_owner_card_and_actions(login, consultant, other_consultant, other_manager):
    mine = owner(consultant, phone="13900000001")
    client = login(other_consultant)
    assert client.get(reverse("owners:owner_detail", args=[mine.pk])).status_code == 404
    assert client.get(reverse("owners:owner_item_add", args=[mine.pk, "accessory"])).status_code == 404
    assert login(other_manager).get(reverse("owners:owner_detail", args=[mine.pk])).status_code == 404


@pytest.mark.parametrize("typed", ["+86 137-0000-0009", "137 0000 0009", "0000-0009"])
def test_owner_search_finds_a_phone_typed_with_spaces_dashes_or_country_code(login, consultant, typed):
    # given two owners
    owner(consultant, phone="13700000009", name="要找的")
    owner(consultant, phone="13900000001", name="别的")
    # when the list is searched for the first one's number, typed the way people type it
    response = login(consultant).get(reverse("owners:owner_list"), {"q": typed})
    # then only that owner is listed
    assert [c.name for c in response.context["page"].object_list] == ["要找的"]


def test_owner_search_by_plate_is_not_a_phone_search(login, consultant):
    owner(consultant, phone="13700000009", name="沪A车主")
    Vehicle.objects.filter(customer__name="沪A车主").update(plate="沪A9K123")
    owner(consultant, phone="13900000123", name="别的")
    names = [c.name for c in login(consultant).get(reverse("owners:owner_list"), {"q": "A9K"}).context["page"].object_list]
    assert names == ["沪A车主"]


def test_reception_gets_404_on_owner_list(login, reception):
    assert login(reception).get(reverse("owners:owner_list")).status_code == 404


@pytest.mark.parametrize("rows", [10, 200])
def test_owner_list_runs_constant_queries(login, sales_manager, consultant, rows, django_assert_max_num_queries):
    for n in range(rows):
        customer = owner(consultant, phone=f"1390000{n:04d}")
        Vehicle.objects.create(customer=customer, vin=next_vin(), delivered_on=date(2023, 1, 1),
                               car_model=CarModel.objects.first(), created_by=consultant)
    client = login(sales_manager)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("owners:owner_list"), {"vip": ""})
    assert len(response.context["page"].object_list) == min(rows, 25)


@pytest.mark.parametrize("items", [1, 10])
def test_owner_card_runs_constant_queries(login, consultant, items, django_assert_max_num_queries):
    # given an owner with `items` vehicles (each insured), accessories, referrals and handovers
    mine = owner(consultant, phone="13900000001")
    for n in range(items):
        vehicle = Vehicle.objects.create(customer=mine, vin=next_vin(), delivered_on=date(2023, 1, 1),
                                         car_model=CarModel.objects.first(), created_by=consultant)
        vehicle.insurance.create(year=2024 + n, insurer="平安保险")
        mine.accessories.create(name=f"脚垫{n}", is_gift=True, on=date(2023, 1, 1))
        referral_add(owner=mine, prospect=prospect_create(consultant=consultant, phone=f"137000001{n:02d}"),
                     referred_on=date(2024, 1, 1))
    client = login(consultant)
    # when the card is opened, then the number of queries does not grow with what it shows
    with django_assert_max_num_queries(16):
        response = client.get(reverse("owners:owner_detail", args=[mine.pk]))
    assert len(response.context["vehicles"]) == items + 1 and len(response.context["referrals"]) == items


def test_delivery_page_turns_ordered_prospect_into_owner(login, consultant):
    customer = ordered(consultant)
    client = login(consultant)
    url = reverse("owners:delivery_record", args=[customer.pk])
    form = client.get(url).context["form"]
    vin = with_check_digit("LSVAA4180E2000042")
    response = client.post(url, {
        "vin": vin, "plate": "沪A1", "car_model": CarModel.objects.first().pk,
        "delivered_on": timezone.localdate().isoformat(), "submission_key": form.initial["submission_key"],
    })
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.status == Customer.Status.DELIVERED
    assert customer.vehicles.get().vin == vin


def test_delivery_page_refuses_bad_check_digit_and_keeps_typed_values(login, consultant):
    customer = ordered(consultant)
    vin = with_check_digit("LSVAA4180E2000042")
    wrong = vin[:8] + str((int(vin[8]) + 1) % 10 if vin[8].isdigit() else 0) + vin[9:]
    response = login(consultant).post(reverse("owners:delivery_record", args=[customer.pk]), {
        "vin": wrong, "plate": "沪A1", "car_model": CarModel.objects.first().pk,
        "delivered_on": timezone.localdate().isoformat(),
    })
    assert response.status_code == 200
    assert "vin" in response.context["form"].errors
    assert "沪A1" in response.content.decode()
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ORDERED


def test_delivery_page_is_404_for_another_team(login, consultant, other_consultant):
    customer = ordered(consultant)
    assert login(other_consultant).get(reverse("owners:delivery_record", args=[customer.pk])).status_code == 404


def test_owner_of_other_brand_added_directly(login, consultant):
    response = login(consultant).post(reverse("owners:owner_create"), {
        "owner-source": "other_brand", "owner-name": "赵六", "owner-phone": "139 0000 0009",
        "owner-consultant": consultant.pk, "vehicle-vin": next_vin(), "vehicle-brand": "丰田",
        "vehicle-model_name": "凯美瑞", "vehicle-delivered_on": "2022-05-01",
    })
    assert response.status_code == 302
    customer = Customer.objects.get(phone="13900000009")
    assert customer.status == Customer.Status.DELIVERED
    assert customer.vehicles.get().source == Vehicle.Source.OTHER_BRAND


def test_referral_added_on_owner_card(login, consultant):
    mine = owner(consultant, phone="13900000001")
    prospect = prospect_create(consultant=consultant, phone="13700000001")
    response = login(consultant).post(reverse("owners:owner_item_add", args=[mine.pk, "referral"]),
                                      {"prospect_phone": "13700000001", "referred_on": "2025-01-01"})
    assert response.status_code == 302
    assert Referral.objects.get(owner=mine).prospect == prospect


def test_customer_card_offers_delivery_for_ordered_and_handover_for_managers(login, consultant, showroom_manager):
    customer = ordered(consultant)
    url = reverse("leads:customer_detail", args=[customer.pk])
    delivery = reverse("owners:delivery_record", args=[customer.pk])
    mine = login(consultant).get(url).content.decode()
    assert delivery in mine and reverse("staff:handover") not in mine
    assert reverse("staff:handover") in login(showroom_manager).get(url).content.decode()


def test_the_owner_cards_status_history_reads_labels_not_codes(login, consultant, settings):
    from tests.owners.conftest import delivered

    settings.LANGUAGE_CODE = "zh-hans"
    customer = delivered(consultant, name="状态历史")
    html = login(consultant).get(reverse("owners:owner_detail", args=[customer.pk])).content.decode()
    assert "active →" not in html and "→ ordered" not in html and "→ delivered" not in html
    assert "→ 已订车" in html
