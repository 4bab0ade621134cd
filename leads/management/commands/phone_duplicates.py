"""Cards whose phone, once normalised, is another card's phone: candidates for a merge.

Before phones were normalised digit by digit (full-width, Arabic-Indic, Devanagari… digits), a number
typed in another digit form could be stored as a second card for the same phone.
"""

from collections import defaultdict

from django.core.management.base import BaseCommand

from leads.models import Customer
from leads.phones import search_digits

CHUNK = 5000


class Command(BaseCommand):
    help = "List customer cards whose phone normalises to the phone of another card (to be merged)."

    def handle(self, *args, **options):
        cards = defaultdict(list)
        for pk, phone, name in Customer.objects.order_by("pk").values_list("pk", "phone", "name").iterator(CHUNK):
            cards[search_digits(phone)].append((pk, phone, name))
        groups = [group for group in cards.values() if len(group) > 1]
        for group in groups:
            self.stdout.write(" | ".join(f"#{pk} {name} ({phone})" for pk, phone, name in group))
        self.stdout.write(f"{len(groups)} phone(s) shared by more than one card.")
