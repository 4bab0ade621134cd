from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, DEMO_STAFF, build_staff, demo_staff_exists


class Command(BaseCommand):
    help = "Build the demo dealership (once: does nothing if the demo users already exist)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")

    def handle(self, *args, seed, **options):
        if demo_staff_exists():
            self.stdout.write("Demo data already present; nothing to do.")
        else:
            with transaction.atomic():
                build_staff()
            self.stdout.write(self.style.SUCCESS("Demo dealership created."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, last_name, first_name, role, _ in DEMO_STAFF:
            self.stdout.write(f"  {username:<12} {last_name}{first_name}  ({role.label})")
