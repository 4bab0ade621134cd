from datetime import date, datetime

import pytest
import time_machine
from django.utils import timezone

TODAY = date(2026, 3, 11)  # a Wednesday


@pytest.fixture
def frozen_today():
    """The clock stopped at 09:00 on TODAY in the dealership's time zone."""
    with time_machine.travel(timezone.make_aware(datetime(2026, 3, 11, 9, 0)), tick=False):
        yield TODAY
