"""The code lists on their own pages: listed, added, edited, deactivated and reactivated (never deleted),
by the sales manager and the administrator only; history kept; constant queries."""

import pytest
from django.urls import reverse

from leads.models import CarModel, Channel, Colour, DefeatReason
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

KINDS = {"car-models": CarModel, "colours": Colour, "channels": Channel, "defeat-reasons": DefeatReason}


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def list_url(kind="colours"):
    return reverse("leads:code_list", args=[kind])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", ["sales_manager", "administrator"])
def test_head_of_sales_opens_each_code_list(request, login, who, kind):
    model = KINDS[kind]
    entry = model.objects.create(name="Listed entry", **({"code": "Z"} if model is Channel else {}))

    response = login(request.getfixturevalue(who)).get(list_url(kind))

    assert response.status_code == 200
    assert entry in response.context["entries"]
    assert "Listed entry" in response.text


@pytest.mark.parametrize("who", ["consultant", "showroom_manager", "reception"])
def test_other_roles_get_404_on_every_code_list_page(request, login, who):
    colour = Colour.objects.create(name="Hidden red")
    client = login(request.getfixturevalue(who))

    assert client.get(reverse("leads:code_lists")).status_code == 404
    assert client.get(list_url()).status_code == 404
    assert client.get(reverse("leads:code_list_add", args=["colours"])).status_code == 404
    assert client.post(reverse("leads:code_list_add", args=["colours"]), {"name": "New", "sort_order": 1}).status_code == 404
    assert client.post(reverse("leads:code_list_edit", args=["colours", colour.pk]), {"name": "X", "sort_order": 1}).status_code == 404
    assert client.post(reverse("leads:code_list_set_active", args=["colours", colour.pk]), {"active": "0"}).status_code == 404
    colour.refresh_from_db()
    assert (colour.name, colour.is_active) == ("Hidden red", True)
    assert not Colour.objects.filter(name="New").exists()


def test_unknown_list_is_404(login, sales_manager):
    assert login(sales_manager).get(list_url("brands")).status_code == 404


def test_menu_lists_code_lists_under_settings_for_head_of_sales_only(login, sales_manager, showroom_manager):
    def settings_urls(user):
        nav = login(user).get(reverse("leads:visit_register")).context["nav_items"]
        return {link["url"] for item in nav if item.get("children") for link in item["children"]}

    assert reverse("leads:code_lists") in settings_urls(sales_manager)
    assert reverse("leads:code_lists") not in settings_urls(showroom_manager)


def test_add_a_colour(login, sales_manager):
    response = login(sales_manager).post(
        reverse("leads:code_list_add", args=["colours"]), {"name": "  Aurora green ", "sort_order": 7}
    )

    assert response.status_code == 302 and response.url == list_url()
    colour = Colour.objects.get(name="Aurora green")
    assert (colour.sort_order, colour.is_active) == (7, True)
    assert colour.history.get().history_user == sales_manager


def test_add_a_channel_needs_a_code_and_upper_cases_it(login, administrator):
    client = login(administrator)
    url = reverse("leads:code_list_add", args=["channels"])

    refused = client.post(url, {"code": "", "name": "Douyin", "sort_order": 11})
    assert refused.status_code == 200 and "code" in refused.context["form"].errors
    assert 'value="Douyin"' in refused.text  # typed values kept

    client.post(url, {"code": "k", "name": "Douyin", "sort_order": 11})
    assert Channel.objects.get(name="Douyin").code == "K"


def test_a_taken_name_is_refused_with_a_clear_message_and_typed_values_kept(login, sales_manager):
    Colour.objects.create(name="Pearl white", is_active=False)

    response = login(sales_manager).post(reverse("leads:code_list_add", args=["colours"]), {"name": "pearl WHITE", "sort_order": 3})

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "This name is already in the list (perhaps deactivated): reactivate that entry instead."
    ]
    assert 'value="pearl WHITE"' in response.text and 'value="3"' in response.text
    assert Colour.objects.filter(name__iexact="pearl white").count() == 1


def test_a_taken_channel_code_is_refused(login, sales_manager):
    existing = Channel.objects.order_by("code").first()

    response = login(sales_manager).post(
        reverse("leads:code_list_add", args=["channels"]), {"code": existing.code.lower(), "name": "Another", "sort_order": 1}
    )

    assert response.status_code == 200
    assert "already in the list" in response.context["form"].errors["code"][0]


def test_invalid_sort_order_is_refused(login, sales_manager):
    response = login(sales_manager).post(reverse("leads:code_list_add", args=["colours"]), {"name": "Grey", "sort_order": "-1"})

    assert response.status_code == 200 and "sort_order" in response.context["form"].errors
    assert not Colour.objects.filter(name="Grey").exists()


def test_edit_a_car_model_keeps_its_history(login, administrator):
    model = CarModel.objects.create(name="Lavida", sort_order=1)

    response = login(administrator).post(
        reverse("leads:code_list_edit", args=["car-models", model.pk]), {"name": "New Lavida", "sort_order": 2}
    )

    assert response.status_code == 302
    model.refresh_from_db()
    assert (model.name, model.sort_order) == ("New Lavida", 2)
    assert [h.name for h in model.history.order_by("history_date")] == ["Lavida", "New Lavida"]
    assert model.history.latest().history_user == administrator


def test_edit_refuses_another_entrys_name_and_shows_typed_values(login, sales_manager):
    CarModel.objects.create(name="Passat")
    model = CarModel.objects.create(name="Tiguan")

    response = login(sales_manager).post(
        reverse("leads:code_list_edit", args=["car-models", model.pk]), {"name": "Passat", "sort_order": 9}
    )

    assert response.status_code == 200 and "already in the list" in response.context["form"].errors["name"][0]
    assert 'value="Passat"' in response.text
    model.refresh_from_db()
    assert model.name == "Tiguan"


def test_edit_keeps_its_own_name(login, sales_manager):
    reason = DefeatReason.objects.create(name="Price", sort_order=1)

    response = login(sales_manager).post(
        reverse("leads:code_list_edit", args=["defeat-reasons", reason.pk]), {"name": "Price", "sort_order": 5}
    )

    assert response.status_code == 302
    reason.refresh_from_db()
    assert reason.sort_order == 5


def test_edit_of_an_entry_of_another_list_is_404(login, sales_manager):
    colour = Colour.objects.create(name="Only a colour")
    missing = CarModel.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    assert login(sales_manager).get(reverse("leads:code_list_edit", args=["car-models", max(colour.pk, missing) + 1000])).status_code == 404


def test_deactivate_a_colour_in_use_keeps_it_on_the_customer(login, sales_manager, consultant):
    colour = Colour.objects.create(name="Sunset orange")
    customer = CustomerFactory(consultant=consultant, colour=colour)
    client = login(sales_manager)

    response = client.post(reverse("leads:code_list_set_active", args=["colours", colour.pk]), {"active": "0"})

    assert response.status_code == 302
    colour.refresh_from_db()
    customer.refresh_from_db()
    assert colour.is_active is False and customer.colour_id == colour.pk
    page = client.get(list_url())
    assert "Sunset orange" in page.text and 'data-testid="inactive"' in page.text

    client.post(reverse("leads:code_list_set_active", args=["colours", colour.pk]), {"active": "1"})
    colour.refresh_from_db()
    assert colour.is_active is True
    assert [h.is_active for h in colour.history.order_by("history_date")] == [True, False, True]


def test_set_active_answers_only_post(login, sales_manager):
    colour = Colour.objects.create(name="Blue")

    assert login(sales_manager).get(reverse("leads:code_list_set_active", args=["colours", colour.pk])).status_code == 405


@pytest.mark.parametrize("count", [10, 200])
def test_code_list_runs_constant_queries(login, sales_manager, count, django_assert_num_queries):
    Colour.objects.bulk_create([Colour(name=f"Colour {n}", sort_order=n, is_active=n % 3 > 0) for n in range(count)])
    client = login(sales_manager)
    client.get(list_url())  # warm the session

    # session, user, the entries, the menu's task badge, the session saved (savepoint, update, release)
    with django_assert_num_queries(7):
        response = client.get(list_url())

    assert len(response.context["entries"]) >= count


def test_card_form_labels_the_persons_name_xingming_and_a_code_list_name_mingcheng(settings, login, sales_manager, consultant):
    settings.LANGUAGE_CODE = "zh-hans"
    customer = CustomerFactory(consultant=consultant)
    client = login(sales_manager)

    card_form = client.get(reverse("leads:customer_edit", args=[customer.pk]))
    code_form = client.get(reverse("leads:code_list_add", args=["colours"]))

    assert card_form.context["form"]["name"].label == "姓名"
    assert code_form.context["form"]["name"].label == "名称"
