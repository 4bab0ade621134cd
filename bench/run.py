"""`make bench`: build the scale data once, serve it with gunicorn, measure, write BENCHMARKS.md and JSON.

    .venv/bin/python -m bench.run [--scale 1] [--requests 30] [--users 20] [--duration 60]

PostgreSQL comes from DATABASE_URL (default postgres://postgres@127.0.0.1:5432/showroom_bench; the
database is created if missing). Each page is requested a fixed number of times, one after the
other, per role (consultant, showroom manager, sales manager), after a short warm-up; the floor
(bench/views.py) is measured the same way and every page is reported as a ratio to it. Then a mixed
load of concurrent users, the daily job on the full data (time and peak memory of the process), and
the gunicorn workers' peak memory. The measuring functions (`login`, `measure`, `markdown`) are also
used by the smoke test against a live server.
"""

import argparse
import http.client
import json
import os
import platform
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone as dt_timezone
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/showroom_bench"
RESULTS_JSON = ROOT / "bench" / "results.json"
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"
NOTES_MD = ROOT / "bench" / "notes.md"

# Targets (--scale 1, two cores): p95 in ms and p50 as a multiple of the floor, per kind.
TARGETS = {"page": {"p95_ms": 150, "floor_ratio": 4}, "report": {"p95_ms": 300, "floor_ratio": 10}}
CONCURRENT_ROLES = ["consultant"] * 10 + ["showroom_manager"] * 6 + ["sales_manager"] * 4


# --- HTTP ----------------------------------------------------------------------------------------


class Session:
    """A minimal cookie-keeping HTTP client on one keep-alive connection (http.client, no dependencies)."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.setdefault("Host", f"{self.host}:{self.port}")
        for attempt in (1, 2):
            try:
                started = time.perf_counter()
                self.conn.request(method, path, body=body, headers=headers)
                response = http.client.HTTPConnection.getresponse(self.conn)
                data = response.read()
                elapsed = (time.perf_counter() - started) * 1000
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return response, data, elapsed

    def get(self, path: str):
        return self.request("GET", path)

    def close(self):
        self.conn.close()


def login(base_url: str, username: str, password: str) -> Session:
    session = Session(base_url)
    response, body, _ = session.get("/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if response.status != 200 or token is None:
        raise RuntimeError(f"login page answered {response.status}")
    form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token.group(1).decode()})
    response, _, _ = session.request(
        "POST", "/accounts/login/", body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": f"{base_url}/accounts/login/"},
    )
    if response.status != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"login of {username} failed ({response.status})")
    return session


# --- Pages ---------------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    kind: str  # "page" or "report"
    path: str
    page_ok: bool = True  # answered 200 for the role when measured


def pages_for(username: str, *, deep_page: int = 400) -> list[Page]:
    """The measured pages for one user (needs Django set up: it picks a visible customer and phone)."""
    from django.urls import reverse

    from accounts import permissions
    from accounts.models import User
    from leads.models import Customer
    from leads.selectors import customers_for_user

    user = User.objects.get(username=username)
    visible = customers_for_user(user)
    # The card: a busy prospect of a consultant everyone measured may see (the first bench consultant's).
    card = (
        visible.filter(status=Customer.Status.ACTIVE, consultant__username__endswith="consultant01")
        .order_by("-last_contact_on", "pk").first()
        or visible.order_by("pk").first()
    )
    phone = card.phone if card else "13800000000"
    customers = reverse("leads:customer_list")
    return [
        Page("floor", "page", reverse("bench_floor")),
        Page("today", "page", reverse("followups:today")),
        Page("customer list", "page", customers),
        Page(f"customer list, page {deep_page}", "page", f"{customers}?{urlencode({'page': deep_page})}"),
        Page("customer list, phone search", "page", f"{customers}?{urlencode({'q': phone[-8:]})}"),
        Page("customer card", "page", reverse("leads:customer_detail", args=[card.pk]) if card else customers),
        Page("visit register, busy day", "page", reverse("leads:visit_register")),
        Page("daily report", "report", reverse("reports:daily")),
        Page("progress sheet", "report", reverse("reports:progress")),
        Page("performance board", "report", reverse("reports:board")),
        Page("defeat analysis", "report", reverse("reports:defeats")),
        Page("H-grade list", "report", reverse("followups:h_list")),
        Page("actual vs target", "report", reverse("reports:actual_vs_target")),
        Page("current vs history", "report", reverse("reports:history")),
        *([Page("export log", "page", reverse("reports:exports"))] if permissions.may_read_export_log(user) else []),
        *([Page("improvement actions", "page", reverse("reports:improvement_actions"))] if permissions.may_plan_improvements(user) else []),
        *([Page("success plans", "page", reverse("reports:plans"))] if permissions.may_read_success_plans(user) else []),
        *([Page("staff list", "page", reverse("staff:staff_list"))] if permissions.may_open_staff(user) else []),
    ]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Result:
    role: str
    page: str
    kind: str
    path: str
    status: int
    requests: int
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0
    server_p50_ms: float | None = None
    rps: float = 0.0
    queries: int | None = None
    queries_max: int | None = None
    floor_ratio: float | None = None
    misses: list[str] = field(default_factory=list)


def measure(session: Session, page: Page, *, role: str, requests: int, warmup: int = 2) -> Result:
    """Request one page `requests` times in a row; latency as the client sees it (same machine)."""
    for _ in range(warmup):
        response, _, _ = session.get(page.path)
        if response.status != 200:
            return Result(role, page.name, page.kind, page.path, response.status, 0)
    latencies, server, queries = [], [], []
    started = time.perf_counter()
    status = 200
    for _ in range(requests):
        response, _, elapsed = session.get(page.path)
        status = response.status if response.status != 200 else status
        latencies.append(elapsed)
        if response.getheader("X-Server-Ms"):
            server.append(float(response.getheader("X-Server-Ms")))
        if response.getheader("X-Queries"):
            queries.append(int(response.getheader("X-Queries")))
    total = time.perf_counter() - started
    return Result(
        role, page.name, page.kind, page.path, status, requests,
        p50_ms=round(statistics.median(latencies), 2), p95_ms=round(percentile(latencies, 0.95), 2),
        max_ms=round(max(latencies), 2), server_p50_ms=round(statistics.median(server), 2) if server else None,
        rps=round(requests / total, 1), queries=min(queries) if queries else None,
        queries_max=max(queries) if queries else None,
    )


def judge(results: list[Result]) -> None:
    """Ratio to the same role's floor, and the targets each result misses."""
    floors = {r.role: r.p50_ms for r in results if r.page == "floor" and r.requests}
    for r in results:
        if not r.requests:
            continue
        floor = floors.get(r.role)
        r.floor_ratio = round(r.p50_ms / floor, 1) if floor else None
        target = TARGETS[r.kind]
        if r.page == "floor":
            continue
        if r.p95_ms >= target["p95_ms"]:
            r.misses.append(f"p95 ≥ {target['p95_ms']} ms")
        if r.floor_ratio is not None and r.floor_ratio > target["floor_ratio"]:
            r.misses.append(f"p50 > {target['floor_ratio']}× floor")
        if r.queries is not None and r.queries != r.queries_max:
            r.misses.append("queries vary")
        if r.status != 200:
            r.misses.append(f"HTTP {r.status}")


def concurrent_load(base_url: str, logins: list[tuple[str, str, str]], pages: dict[str, list[Page]], *, seconds: float) -> dict:
    """Each (role, username, password) is one user clicking through their pages for `seconds`."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = [0.0]
    started = [0.0]

    def go():  # once every user is logged in: the measured period starts
        started[0] = time.perf_counter()
        deadline[0] = started[0] + seconds

    start_barrier = threading.Barrier(len(logins), action=go)

    def user(index: int, role: str, username: str, password: str):
        rng = random.Random(index)
        try:
            session = login(base_url, username, password)
        except Exception as error:  # noqa: BLE001 - any failure is an error of the run
            with lock:
                errors.append(f"{username}: {error}")
            start_barrier.wait()
            return
        start_barrier.wait()
        mine = [p for p in pages[role] if p.page_ok]
        while time.perf_counter() < deadline[0]:
            page = rng.choice(mine)
            try:
                response, _, elapsed = session.get(page.path)
                ok = response.status == 200
            except Exception as error:  # noqa: BLE001
                ok, elapsed = False, 0.0
                response = error
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors.append(f"{role} {page.path}: {getattr(response, 'status', response)}")
        session.close()

    threads = [threading.Thread(target=user, args=(i, *login_)) for i, login_ in enumerate(logins)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started[0]
    return {
        "users": len(logins), "seconds": round(elapsed, 1), "requests": len(latencies) + len(errors),
        "errors": len(errors), "error_samples": errors[:5], "rps": round(len(latencies) / elapsed, 1) if elapsed else 0,
        "p50_ms": round(percentile(latencies, 0.5), 1), "p95_ms": round(percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies), 1) if latencies else 0,
    }


# --- Output --------------------------------------------------------------------------------------


def _fmt(value, suffix="") -> str:
    return "—" if value is None else f"{value:g}{suffix}" if isinstance(value, float) else f"{value}{suffix}"


def markdown(report: dict, previous: dict | None = None) -> str:
    """BENCHMARKS.md from a run's report (and the previous run's, for a p50 comparison column)."""
    before = {}
    if previous:
        before = {(r["role"], r["page"]): r.get("p50_ms") for r in previous.get("pages", [])}
    lines = [
        "# Benchmarks",
        "",
        f"Run {report['date']} on {report['machine']}; scale {report['scale']:g} "
        f"({report.get('data', {}).get('leads_customer', '?')} customers); {report['requests_per_page']} sequential "
        "requests per page and role after a warm-up; gunicorn with 2 workers, DEBUG off; client on the same machine.",
        "Times are what the client measured (ms); queries are counted server-side (X-Queries). "
        "Ratio: p50 over the floor's p50 for the same role (a login-protected page with one indexed query). "
        "Targets: pages p95 < 150 ms and ≤ 4× floor; reports p95 < 300 ms and ≤ 10× floor.",
        "",
        "| role | page | kind | p50 | p95 | max | req/s | queries | p50 ÷ floor | previous p50 | misses |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in report["pages"]:
        if not r["requests"]:
            lines.append(f"| {r['role']} | {r['page']} | {r['kind']} | — | — | — | — | — | — | — | not available to this role (HTTP {r['status']}) |")
            continue
        queries = _fmt(r["queries"]) if r["queries"] == r["queries_max"] else f"{r['queries']}–{r['queries_max']}"
        lines.append(
            f"| {r['role']} | {r['page']} | {r['kind']} | {_fmt(r['p50_ms'])} | {_fmt(r['p95_ms'])} | {_fmt(r['max_ms'])} "
            f"| {_fmt(r['rps'])} | {queries} | {_fmt(r['floor_ratio'], '×')} | {_fmt(before.get((r['role'], r['page'])))} "
            f"| {', '.join(r['misses']) or 'ok'} |"
        )
    load = report.get("concurrent")
    if load:
        lines += [
            "",
            f"## {load['users']} concurrent users for {load['seconds']:g} s (mixed roles)",
            "",
            f"{load['requests']} requests, {load['errors']} errors, {load['rps']:g} req/s, "
            f"p50 {load['p50_ms']:g} ms, p95 {load['p95_ms']:g} ms, max {load['max_ms']:g} ms.",
        ]
    job = report.get("daily_job")
    if job:
        lines += [
            "", "## Daily job (`run_followups`) on the full data", "",
            f"{job['seconds']:g} s, peak memory {job['max_rss_mb']:g} MB (targets: < 60 s, < 500 MB). "
            f"Output: `{job['output']}`",
        ]
    if report.get("gunicorn_worker_peak_mb") is not None:
        lines += ["", "## Web server", "", f"Peak memory of a gunicorn worker: {report['gunicorn_worker_peak_mb']:g} MB."]
    if report.get("notes"):
        lines += ["", "## Notes", "", *report["notes"]]
    if NOTES_MD.exists():  # the standing analysis of known misses, kept by hand
        lines += ["", NOTES_MD.read_text().strip()]
    return "\n".join(lines) + "\n"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} × {cpu}{memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


# --- The run -------------------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                            password=parts.password, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def manage(*args: str, env: dict) -> str:
    out = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return out.stdout


def scale_build(scale: float, *, env: dict) -> str:
    """`python -m bench.scale`: builds the data set, or says it is already there."""
    command = [PYTHON, "-m", "bench.scale", "--scale", f"{scale:g}"]
    return subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout


def timed_subprocess(cmd: list[str], env: dict) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) and output of a child process (os.wait4: that child's own rusage)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{output}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024, output.strip()


def worker_peaks(master_pid: int) -> list[float]:
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", text, re.M):
            found = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
            if found:
                peaks.append(int(found.group(1)) / 1024)
    return peaks


def wait_for(base_url: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            Session(base_url).get("/accounts/login/")
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=30, help="sequential requests per page and role")
    parser.add_argument("--users", type=int, default=20, help="concurrent users (mixed roles)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of concurrent load")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--skip-job", action="store_true", help="do not run the daily job")
    args = parser.parse_args(argv)

    env = dict(os.environ)
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    env["DJANGO_SETTINGS_MODULE"] = "crm_project.settings"
    os.environ.update({"DATABASE_URL": env["DATABASE_URL"], "DJANGO_SETTINGS_MODULE": "crm_project.settings"})
    ensure_database(env["DATABASE_URL"])
    print(f"Database: {env['DATABASE_URL']}", flush=True)
    manage("migrate", "--no-input", "-v0", env=env)
    print(scale_build(args.scale, env=env), flush=True)

    import django

    django.setup()
    from bench.scale import CONSULTANT_USERNAME, MARKER_USERNAME, PASSWORD, SHOWROOM_USERNAME
    from django.db import connection

    with connection.cursor() as cursor:
        counts = {}
        for table in ("leads_customer", "leads_contact", "followups_task", "leads_visit", "owners_vehicle", "leads_defeat"):
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
            counts[table] = int(cursor.fetchone()[0])

    web_env = dict(env, DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0",
                   ALLOWED_HOSTS="127.0.0.1", BENCH_COUNT_QUERIES="1", LOG_LEVEL="WARNING")
    manage("collectstatic", "--no-input", "-v0", env=web_env)
    base_url = f"http://127.0.0.1:{args.port}"
    gunicorn = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "crm_project.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{args.port}",
         "--access-logfile", "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null", "--timeout", "120"],
        cwd=ROOT, env=web_env,
    )
    report = {
        "date": datetime.now(dt_timezone.utc).isoformat(timespec="seconds"), "machine": machine(), "scale": args.scale,
        "requests_per_page": args.requests, "data": counts, "pages": [], "notes": [],
    }
    try:
        wait_for(base_url)
        roles = {"consultant": CONSULTANT_USERNAME, "showroom_manager": SHOWROOM_USERNAME, "sales_manager": MARKER_USERNAME}
        pages = {role: pages_for(username) for role, username in roles.items()}
        results = []
        for role, username in roles.items():
            session = login(base_url, username, PASSWORD)
            for page in pages[role]:
                result = measure(session, page, role=role, requests=args.requests)
                page.page_ok = result.status == 200 and result.requests > 0
                results.append(result)
                print(f"{role:<17} {page.name:<32} {result.status} p50 {result.p50_ms:>7} p95 {result.p95_ms:>7} "
                      f"q {result.queries}", flush=True)
            session.close()
        judge(results)
        report["pages"] = [asdict(r) for r in results]

        logins = []
        usernames = {"consultant": [f"bench_consultant{i + 1:02d}" for i in range(10)],
                     "showroom_manager": [f"bench_showroom{i + 1}" for i in range(6)], "sales_manager": [MARKER_USERNAME]}
        for i, role in enumerate((CONCURRENT_ROLES * 2)[: args.users]):
            names = usernames[role]
            logins.append((role, names[i % len(names)], PASSWORD))
        if args.users and args.duration:
            # The measured card belongs to the first consultant: other consultants and teams would get 404.
            shared = {role: [p for p in pages[role] if p.name != "customer card" or role == "sales_manager"] for role in pages}
            report["concurrent"] = concurrent_load(base_url, logins, shared, seconds=args.duration)
            print(f"concurrent: {report['concurrent']}", flush=True)
        peaks = worker_peaks(gunicorn.pid)
        report["gunicorn_worker_peak_mb"] = round(max(peaks), 1) if peaks else None
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(30)

    if not args.skip_job:
        seconds, rss, output = timed_subprocess([PYTHON, "manage.py", "run_followups"], env)
        report["daily_job"] = {"seconds": round(seconds, 1), "max_rss_mb": round(rss, 1), "output": output}
        print(f"run_followups: {seconds:.1f} s, {rss:.0f} MB", flush=True)

    previous = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else None
    BENCHMARKS_MD.write_text(markdown(report, previous))
    RESULTS_JSON.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    print(f"Wrote {BENCHMARKS_MD.name} and {RESULTS_JSON.relative_to(ROOT)}")
    misses = [r for r in report["pages"] if r["misses"]]
    for r in misses:
        print(f"MISS {r['role']} {r['page']}: {', '.join(r['misses'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
