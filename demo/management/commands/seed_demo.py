import os
import random
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from demo import followups, history, owners, planning, prospects, registers, targets
from demo.staff import DEMO_PASSWORD, DEMO_STAFF, build_staff, demo_staff_exists

# In this order: registers attach to existing customers, the orders and deliveries of the three months
# need both, owners need prospects, the daily job and the targets and the weekly management loop
# (improvement actions, success plans) come next; last, every stamp is moved to its event's time.
BUILDERS = [
    prospects.build, registers.build, history.orders, owners.build, followups.build, targets.build, planning.build,
    history.finish,
]


class Command(BaseCommand):
    help = "Build the demo dealership once (does nothing if the demo users already exist)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed: the same seed gives the same data")
        parser.add_argument(
            "--scale", type=float, default=None,
            help="build the benchmark data set instead: runs `python -m bench.scale --scale N --seed S`",
        )

    def handle(self, *args, seed, scale=None, **options):
        if scale is not None:
            self.bench_scale(scale=scale, seed=seed)
            return
        started = time.monotonic()
        if demo_staff_exists():
            self.stdout.write("Demo data already present; nothing to do.")
        else:
            rng = random.Random(seed)
            today = timezone.localdate()
            with transaction.atomic():
                staff = build_staff()
                for build in BUILDERS:
                    step = time.monotonic()
                    build(rng=rng, today=today, staff=staff)
                    if options.get("verbosity", 1) > 1:
                        self.stdout.write(f"  {build.__module__}.{build.__name__}: {time.monotonic() - step:.1f} s")
            self.stdout.write(self.style.SUCCESS(f"Demo dealership created in {time.monotonic() - started:.1f} s."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, last_name, first_name, role, _team in DEMO_STAFF:
            self.stdout.write(f"  {username:<12} {last_name}{first_name}  ({role.label})")

    def bench_scale(self, *, scale: float, seed: int) -> None:
        """`--scale` is the benchmark builder's alias: bench/ is run as its own process, never imported here."""
        command = [sys.executable, "-m", "bench.scale", "--scale", f"{scale:g}", "--seed", str(seed)]
        try:
            subprocess.run(command, cwd=settings.BASE_DIR, env=dict(os.environ), check=True)
        except subprocess.CalledProcessError as failure:
            raise CommandError(f"{' '.join(command[1:])} failed (exit status {failure.returncode}).") from failure
