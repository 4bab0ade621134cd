import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, DEMO_STAFF, build_staff, demo_staff_exists
from followups import demo as followups_demo
from leads import demo as leads_demo
from leads import demo_registers
from owners import demo as owners_demo
from reports import demo as reports_demo

# In this order: registers attach to existing customers, owners need prospects, the daily job and
# the targets come last.
BUILDERS = [leads_demo.build, demo_registers.build, owners_demo.build, followups_demo.build, reports_demo.build]


class Command(BaseCommand):
    help = "Build the demo dealership once (does nothing if the demo users already exist)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed: the same seed gives the same data")
        parser.add_argument(
            "--scale", type=float, default=None,
            help="build the benchmark data set instead (1 = one large dealership; bulk inserts; see bench/scale.py)",
        )

    def handle(self, *args, seed, scale=None, **options):
        started = time.monotonic()
        if scale is not None:
            from bench import scale as bench_scale

            bench_scale.build(scale=scale, seed=seed, log=self.stdout.write)
            self.stdout.write(self.style.SUCCESS(f"seed_demo --scale {scale:g}: {time.monotonic() - started:.1f} s."))
            self.stdout.write(f"Benchmark logins (password for all: {bench_scale.PASSWORD}): "
                              f"{bench_scale.CONSULTANT_USERNAME}, {bench_scale.SHOWROOM_USERNAME}, {bench_scale.MARKER_USERNAME}")
            return
        if demo_staff_exists():
            self.stdout.write("Demo data already present; nothing to do.")
        else:
            rng = random.Random(seed)
            today = timezone.localdate()
            with transaction.atomic():
                staff = build_staff()
                for build in BUILDERS:
                    build(rng=rng, today=today, staff=staff)
            self.stdout.write(self.style.SUCCESS(f"Demo dealership created in {time.monotonic() - started:.1f} s."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, last_name, first_name, role, _team in DEMO_STAFF:
            self.stdout.write(f"  {username:<12} {last_name}{first_name}  ({role.label})")
