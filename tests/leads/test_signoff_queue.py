"""The sign-off queue's rows, filters and bulk sign-off (issue 14, item 3)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from leads.models import CarModel, Channel, Customer, CustomerChange
from leads.services import card_sign
from tests.factories import CustomerFactory, prospect_create

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
CONFIRM = {"confirm": "yes"}


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _names(response) -> list[str]:
    return [card.name for card in response.context["page"].object_list]


def test_row_shows_the_cards_key_fields_and_the_whole_card_behind_an_expand(login, showroom_manager, consultant):
    model, channel = CarModel.objects.create(name="帕萨特 (测试)"), Channel.objects.create(code="Z", name="路过 (测试)")
    with time_machine.travel(datetime(2025, 3, 10, 9, 5, tzinfo=SHANGHAI), tick=False):
        prospect_create(consultant=consultant, name="张伟", phone="13812345678", grade="H", car_model=model, channel=channel,
                        occupation="教师")
        response = login(showroom_manager).get(reverse("leads:signoff_queue"))

    assert "138 1234 5678" in response.text or "138-1234-5678" in response.text
    assert "帕萨特 (测试)" in response.text and "路过 (测试)" in response.text
    assert "grade-H" in response.text and "2025-03-10 09:05" in response.text
    assert '<details data-testid="card-details">' in response.text and "教师" in response.text


def test_queue_filters_by_consultant(login, showroom_manager, consultant, teammate):
    prospect_create(consultant=consultant, name="甲")
    prospect_create(consultant=teammate, name="乙")

    response = login(showroom_manager).get(reverse("leads:signoff_queue"), {"consultant": teammate.pk})

    assert _names(response) == ["乙"]
    assert response.context["counts"]["pending"] == 2  # the counter counts the whole queue


def test_queue_filters_by_the_day_the_card_was_created(login, showroom_manager, consultant):
    with time_machine.travel(datetime(2025, 3, 9, 23, 30, tzinfo=SHANGHAI), tick=False):
        prospect_create(consultant=consultant, name="昨天")
    with time_machine.travel(datetime(2025, 3, 10, 0, 10, tzinfo=SHANGHAI), tick=False):
        prospect_create(consultant=consultant, name="今天")
        response = login(showroom_manager).get(reverse("leads:signoff_queue"), {"day": "2025-03-09"})

    assert _names(response) == ["昨天"]


def test_consultant_filter_of_another_team_is_refused_with_a_message(login, showroom_manager, consultant, other_consultant):
    prospect_create(consultant=consultant, name="甲")

    response = login(showroom_manager).get(reverse("leads:signoff_queue"), {"consultant": other_consultant.pk, "day": "not-a-day"})

    assert response.status_code == 200
    assert response.context["filters"].errors.keys() == {"consultant", "day"}
    assert "invalid-feedback" in response.text
    assert _names(response) == ["甲"]


@pytest.mark.parametrize("rows", [10, 200])
def test_filtered_queue_runs_a_constant_number_of_queries(login, showroom_manager, consultant, django_assert_max_num_queries, rows):
    model, channel = CarModel.objects.create(name="途观 (测试)"), Channel.objects.create(code="Y", name="网站 (测试)")
    CustomerFactory.create_batch(rows, consultant=consultant, car_model=model, channel=channel)
    client = login(showroom_manager)

    with django_assert_max_num_queries(12):  # the filter's consultant is looked up once
        response = client.get(reverse("leads:signoff_queue"), {"consultant": consultant.pk})

    assert response.context["page"].paginator.count == rows


# --- bulk sign-off -----------------------------------------------------------------------------


def test_bulk_sign_asks_first_listing_the_ticked_cards(login, showroom_manager, consultant):
    cards = [prospect_create(consultant=consultant, name=name) for name in ("一", "二", "三")]

    response = login(showroom_manager).post(reverse("leads:cards_sign"), {"cards": [c.pk for c in cards]})

    assert response.status_code == 200
    assert "Sign these 3 cards?" in response.text
    assert Customer.objects.filter(card_status=Customer.CardStatus.SIGNED).count() == 0


def test_bulk_sign_signs_the_ticked_cards_in_one_post(login, showroom_manager, consultant, teammate):
    cards = [prospect_create(consultant=consultant), prospect_create(consultant=teammate), prospect_create(consultant=consultant)]
    left = prospect_create(consultant=consultant)

    response = login(showroom_manager).post(reverse("leads:cards_sign"), {"cards": [c.pk for c in cards], **CONFIRM}, follow=True)

    assert [m.message for m in response.context["messages"]] == ["3 cards signed."]
    assert set(Customer.objects.filter(card_status="signed").values_list("pk", flat=True)) == {c.pk for c in cards}
    assert CustomerChange.objects.filter(field="card", new_value="signed", changed_by=showroom_manager).count() == 3
    assert _names(response) == [left.name]


def test_bulk_sign_sent_twice_signs_each_card_once(login, showroom_manager, consultant):
    cards = [prospect_create(consultant=consultant) for _ in range(2)]
    client = login(showroom_manager)
    data = {"cards": [c.pk for c in cards], **CONFIRM}

    client.post(reverse("leads:cards_sign"), data, follow=True)
    response = client.post(reverse("leads:cards_sign"), data, follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["info"]
    assert CustomerChange.objects.filter(field="card", new_value="signed").count() == 2


def test_bulk_sign_with_another_teams_card_signs_nothing(login, showroom_manager, consultant, other_consultant):
    mine, theirs = prospect_create(consultant=consultant), prospect_create(consultant=other_consultant)

    response = login(showroom_manager).post(reverse("leads:cards_sign"), {"cards": [mine.pk, theirs.pk], **CONFIRM}, follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Customer.objects.filter(card_status="signed").exists()


def test_bulk_sign_with_nothing_ticked_says_so(login, showroom_manager, consultant):
    prospect_create(consultant=consultant)

    response = login(showroom_manager).post(reverse("leads:cards_sign"), CONFIRM, follow=True)

    assert [m.message for m in response.context["messages"]] == ["Tick the cards to sign."]


def test_bulk_sign_skips_a_card_signed_meanwhile(login, showroom_manager, sales_manager, consultant):
    first, second = prospect_create(consultant=consultant), prospect_create(consultant=consultant)
    card_sign(customer=first, by=sales_manager)

    login(showroom_manager).post(reverse("leads:cards_sign"), {"cards": [first.pk, second.pk], **CONFIRM})

    first.refresh_from_db(); second.refresh_from_db()
    assert (first.card_signed_by, second.card_signed_by) == (sales_manager, showroom_manager)


@pytest.mark.parametrize("role", ["consultant", "reception"])
def test_bulk_sign_is_404_for_consultant_and_reception(request, login, consultant, role):
    card = prospect_create(consultant=consultant)

    response = login(request.getfixturevalue(role)).post(reverse("leads:cards_sign"), {"cards": [card.pk], **CONFIRM})

    assert response.status_code == 404
    card.refresh_from_db()
    assert card.is_card_pending
