"""Decisions that can't be mis-clicked, in real Chromium (issue 14):

1. A double click on "approve" asks once (nothing decided), the confirmation double-clicked decides one
   defeat, and the request stays where it was (the next one does not slide under the cursor).
2. Three cards ticked in the sign-off queue are signed with one confirmed POST.
"""

import pytest
from django.urls import reverse

from leads.models import Customer, Defeat, DefeatReason
from leads.services import defeat_file
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.factories import prospect_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _url(live_server, name, *args):
    return live_server.url + reverse(name, args=args)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_double_click_on_approve_decides_one_defeat_and_the_row_stays(open_page, live_server, showroom_manager, consultant, size):
    reason = DefeatReason.objects.create(name="价格 (浏览器)", sort_order=0)
    defeats = [
        defeat_file(customer=prospect_create(consultant=consultant, name=name), by=consultant,
                    fields={"reason": reason, "analysis": "买了别的品牌"})
        for name in ("第一位", "第二位", "第三位")
    ]
    page = open_page(showroom_manager, size=size)
    page.goto(_url(live_server, "leads:defeat_queue"))
    first = page.locator(f"#defeat-{defeats[0].pk}")
    top = first.bounding_box()["y"]

    first.get_by_test_id("approve").dblclick()
    page.locator(f"#defeat-{defeats[0].pk}[data-confirming=approve]").wait_for()
    assert Defeat.objects.filter(status=Defeat.Status.PENDING).count() == 3
    screenshot(page, f"decisions-defeat-confirm-{size['width']}")

    page.locator(f"#defeat-{defeats[0].pk}").get_by_test_id("confirm-yes").dblclick()
    page.locator(f"#defeat-{defeats[0].pk}[data-decided=approved]").wait_for()
    page.wait_for_timeout(300)
    screenshot(page, f"decisions-defeat-decided-{size['width']}")

    assert list(Defeat.objects.exclude(status=Defeat.Status.PENDING).values_list("pk", flat=True)) == [defeats[0].pk]
    assert abs(page.locator(f"#defeat-{defeats[0].pk}").bounding_box()["y"] - top) < 1
    assert page.locator('[data-testid="defeat-item"]').count() == 2
    assert "2" in page.get_by_test_id("pending-count").inner_text()

    # the undo brings it back, in place
    page.locator(f"#defeat-{defeats[0].pk}").get_by_test_id("undo").click()
    page.locator(f"#defeat-{defeats[0].pk}[data-testid=defeat-item]").wait_for()
    assert Defeat.objects.filter(status=Defeat.Status.PENDING).count() == 3
    assert Customer.objects.get(pk=defeats[0].customer_id).has_pending_defeat


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_three_cards_are_signed_at_once(open_page, live_server, showroom_manager, consultant, size):
    cards = [prospect_create(consultant=consultant, name=name) for name in ("甲一", "乙二", "丙三", "丁四")]
    page = open_page(showroom_manager, size=size)
    page.goto(_url(live_server, "leads:signoff_queue"))
    for card in cards[:3]:
        page.locator(f"#tick-{card.pk}").check()
    screenshot(page, f"decisions-signoff-ticked-{size['width']}")

    page.get_by_test_id("bulk-sign").click()
    page.get_by_test_id("bulk-confirm-list").wait_for()
    screenshot(page, f"decisions-signoff-bulk-confirm-{size['width']}")
    page.get_by_test_id("confirm-yes").click()
    page.get_by_test_id("signoff-filters").wait_for()
    screenshot(page, f"decisions-signoff-bulk-done-{size['width']}")

    signed = set(Customer.objects.filter(card_status=Customer.CardStatus.SIGNED).values_list("pk", flat=True))
    assert signed == {card.pk for card in cards[:3]}
    assert page.locator('[data-testid="signoff-row"]').count() == 1
    assert "1" in page.get_by_test_id("pending-count").inner_text()
    assert page.get_by_test_id("just-signed").is_visible()
