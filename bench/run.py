#!/usr/bin/env python3
"""Wayfinder benchmarks (SPEC §14), reported as ratios to baselines measured in the same run.

Builds the release binary and, for each backend (SQLite, then PostgreSQL on a throwaway cluster
from scripts/pg-throwaway), loads demo data (N kiosk sessions, 10,000 extra users) into a fresh
database, starts `wayfinder serve` on loopback and measures:
  - the users grid (median and p99 latency) against /healthz, the cheapest handler there is;
  - sign-in request and code-verify throughput against /healthz at the same concurrency;
  - sessions.csv for the whole range: rows/s and the server's peak memory, against the database's
    own command-line client (sqlite3, psql) writing the equivalent rows as CSV.
Only loopback is contacted; databases, clusters and temporary directories are removed afterwards,
also on failure. Usage: python3 bench/run.py [--sessions N] [--backend sqlite|postgres|both]
"""

import argparse
import concurrent.futures
import contextlib
import csv
import datetime
import email
import glob
import http.client
import io
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target"),
                   "release", "wayfinder")
PG_THROWAWAY = os.path.join(ROOT, "scripts", "pg-throwaway")
ADMIN = "alex.morgan@example.org"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive connection, with the session cookie once signed in."""

    def __init__(self, port, ip="192.0.2.1"):
        self.port, self.ip, self.cookies = port, ip, {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def request(self, method, path, body=None, headers=None, sink=False):
        all_headers = {"Origin": f"http://127.0.0.1:{self.port}", "X-Forwarded-For": self.ip}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = json.dumps(body)
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        self.conn.request(method, path, body=body, headers=all_headers)
        response = self.conn.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        if sink:
            # Count the body without keeping it, except a prefix to compare with the baseline.
            total, lines, head = 0, 0, b""
            while chunk := response.read(1 << 16):
                total += len(chunk)
                lines += chunk.count(b"\n")
                if len(head) < SAMPLE_BYTES:
                    head += chunk
            return response.status, (total, lines, head)
        return response.status, response.read()


def wait_until_up(port):
    for _ in range(200):
        try:
            if Client(port).request("GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit("the server did not start")


def newest_code(outbox, before):
    for _ in range(200):
        files = sorted(set(glob.glob(os.path.join(outbox, "*.eml"))) - before, key=os.path.getmtime)
        if files:
            text = email.message_from_bytes(open(files[-1], "rb").read()).get_payload(decode=True).decode()
            return next(w for w in text.split() if len(w) == 6 and w.isdigit())
        time.sleep(0.05)
    sys.exit("no sign-in email arrived")


def sign_in(port, outbox):
    client = Client(port)
    before = set(glob.glob(os.path.join(outbox, "*.eml")))
    assert client.request("POST", "/api/v1/auth/sign-in", {"email": ADMIN})[0] == 202
    code = newest_code(outbox, before)
    status, body = client.request("POST", "/api/v1/auth/verify", {"email": ADMIN, "code": code})
    assert status == 200, body
    client.csrf = json.loads(body)["csrf_token"]
    return client


def latencies(client, paths, count):
    times = []
    for i in range(count):
        started = time.perf_counter()
        status, _ = client.request("GET", paths[i % len(paths)])
        times.append(time.perf_counter() - started)
        assert status == 200, status
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def throughput(port, make_request, count, workers=8):
    """Requests per second with `workers` clients, each from its own address."""
    def work(worker):
        client = Client(port, ip=f"192.0.2.{worker + 10}")
        for i in range(count // workers):
            make_request(client, worker, i)
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        list(pool.map(work, range(workers)))
    return count / (time.perf_counter() - started)


def peak_rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


# The rows of sessions.csv (after its header), as each database's own client would write them:
# times in ISO 8601 at UTC (the server's default time zone), lists joined with "; ",
# "Provider — Listing", bookings "Provider — Listing @ time", fallback true/false.
SQLITE_EQUIVALENT = """
SELECT s.id, strftime('%Y-%m-%dT%H:%M:%S+00:00', s.started_at / 1000000, 'unixepoch'),
  strftime('%Y-%m-%dT%H:%M:%S+00:00', s.ended_at / 1000000, 'unixepoch'),
  (s.ended_at - s.started_at) / 1000000, s.outcome, st.name, s.gender, s.age, s.indigenous_status,
  (SELECT group_concat(name, '; ') FROM (SELECT name FROM kiosk_session_categories c
     WHERE c.session_id = s.id ORDER BY position)),
  (SELECT group_concat(provider_name || ' — ' || listing_name, '; ') FROM (SELECT * FROM kiosk_selections x
     WHERE x.session_id = s.id AND kind = 'information' ORDER BY position)),
  (SELECT group_concat(provider_name || ' — ' || listing_name || coalesce(' @ ' ||
     strftime('%Y-%m-%dT%H:%M:%S+00:00', slot_starts_at / 1000000, 'unixepoch'), ''), '; ')
     FROM (SELECT * FROM kiosk_selections x WHERE x.session_id = s.id AND kind = 'booking' ORDER BY position)),
  CASE WHEN EXISTS (SELECT 1 FROM kiosk_selections x WHERE x.session_id = s.id AND x.is_fallback = 1)
    THEN 'true' ELSE 'false' END
FROM kiosk_sessions s JOIN stations st ON st.id = s.station_id
WHERE s.started_at >= {start} AND s.started_at < {until}
ORDER BY s.started_at, s.id
"""

POSTGRES_ISO = """'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'"""
POSTGRES_EQUIVALENT = f"""
SELECT s.id, to_char(s.started_at AT TIME ZONE 'UTC', {POSTGRES_ISO}),
  to_char(s.ended_at AT TIME ZONE 'UTC', {POSTGRES_ISO}),
  trunc(extract(epoch FROM s.ended_at - s.started_at))::int8, s.outcome, st.name, s.gender, s.age,
  s.indigenous_status,
  (SELECT string_agg(c.name, '; ' ORDER BY c.position) FROM kiosk_session_categories c
     WHERE c.session_id = s.id),
  (SELECT string_agg(x.provider_name || ' — ' || x.listing_name, '; ' ORDER BY x.position)
     FROM kiosk_selections x WHERE x.session_id = s.id AND x.kind = 'information'),
  (SELECT string_agg(x.provider_name || ' — ' || x.listing_name || coalesce(' @ ' ||
       to_char(x.slot_starts_at AT TIME ZONE 'UTC', {POSTGRES_ISO}), ''), '; ' ORDER BY x.position)
     FROM kiosk_selections x WHERE x.session_id = s.id AND x.kind = 'booking'),
  CASE WHEN EXISTS (SELECT 1 FROM kiosk_selections x WHERE x.session_id = s.id AND x.is_fallback)
    THEN 'true' ELSE 'false' END
FROM kiosk_sessions s JOIN stations st ON st.id = s.station_id
WHERE s.started_at >= '{{start}}' AND s.started_at < '{{until}}'
ORDER BY s.started_at, s.id
"""

# Rows of the download compared with the baseline's first rows, so that the baseline is known
# to write the same thing; the bytes of the download kept for that.
SAMPLE_ROWS = 300
SAMPLE_BYTES = 256 * 1024


class Backend:
    """How to point `wayfinder` at a database, and its client's command for a CSV of a query."""

    def __init__(self, name, env, client, csv_command):
        self.name, self.env, self.client, self.csv_command = name, env, client, csv_command


@contextlib.contextmanager
def sqlite_backend(data):
    db = os.path.join(data, "wayfinder.db")

    def csv_command(start, until, limit=None):
        # Stored times are microseconds since the epoch.
        micros = {k: int(v.timestamp()) * 1_000_000 for k, v in (("start", start), ("until", until))}
        query = SQLITE_EQUIVALENT.format(**micros) + (f" LIMIT {limit}" if limit else "")
        return ["sqlite3", "-csv", db, query]

    backend = Backend("sqlite", {}, "sqlite3 CLI", csv_command)
    backend.db = db  # for benchmarks that count rows with the database's own client
    yield backend


@contextlib.contextmanager
def postgres_backend():
    """A throwaway cluster (the one scripts/test uses) with a fresh database; stopped and removed
    on the way out, whatever happened."""
    # The directory is made here, so that the `finally` knows it even if we are stopped while
    # the cluster is starting.
    cluster = tempfile.mkdtemp(prefix="wayfinder-pg.")
    try:
        started = subprocess.run([PG_THROWAWAY, "start", cluster], check=True,
                                 stdout=subprocess.PIPE, text=True)
        values = dict(line.split("=", 1) for line in started.stdout.splitlines())
        server = values["PG_THROWAWAY_URL"]
        psql = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1"]
        subprocess.run(psql + [server, "-c", "CREATE DATABASE wayfinder_bench"], check=True)
        url = server.rsplit("/", 1)[0] + "/wayfinder_bench"

        def csv_command(start, until, limit=None):
            query = POSTGRES_EQUIVALENT.format(start=start.isoformat(), until=until.isoformat())
            query += f" LIMIT {limit}" if limit else ""
            # COPY … TO STDOUT is what psql's \copy does, without \copy's one-line limit.
            return psql + [url, "-c", f"COPY ({query}) TO STDOUT WITH (FORMAT csv)"]

        backend = Backend("postgres", {"DATABASE_URL": url}, "psql COPY", csv_command)
        backend.url = url  # for benchmarks that count rows with the database's own client
        yield backend
    finally:
        subprocess.run([PG_THROWAWAY, "stop", cluster], check=False)


def check_same_rows(backend, start, until, head):
    """The download's first rows equal the baseline's: the baseline does the same work."""
    ours = list(csv.reader(io.StringIO(head.decode(errors="replace"))))[1:SAMPLE_ROWS + 1]
    theirs = subprocess.run(backend.csv_command(start, until, SAMPLE_ROWS), check=True,
                            stdout=subprocess.PIPE, text=True).stdout
    theirs = list(csv.reader(io.StringIO(theirs)))
    assert len(ours) == SAMPLE_ROWS, len(ours)
    for row, (a, b) in enumerate(zip(ours, theirs)):
        assert a == b, f"{backend.name}: row {row + 1} differs:\n  app:      {a}\n  baseline: {b}"
    assert len(theirs) == SAMPLE_ROWS, len(theirs)


def measure_requests(admin, port, results):
    """Users grid latency and sign-in/verify throughput, each against /healthz."""
    base = latencies(admin, ["/healthz"], 300)
    grid = latencies(admin, [f"/api/v1/users?page={p}" for p in (1, 50, 120, 201)], 300)
    search = latencies(admin, ["/api/v1/users?q=chen", "/api/v1/users?q=grace.davies"], 300)
    for name, (median, p99) in {"healthz": base, "users_page": grid, "users_search": search}.items():
        results[f"{name}_median_ms"] = round(median * 1000, 2)
        results[f"{name}_p99_ms"] = round(p99 * 1000, 2)
    results["users_page_median_ratio"] = round(grid[0] / base[0], 1)
    results["users_search_median_ratio"] = round(search[0] / base[0], 1)

    health_rps = throughput(port, lambda c, w, i: c.request("GET", "/healthz"), 800)
    sign_in_rps = throughput(port, lambda c, w, i: c.request(
        "POST", "/api/v1/auth/sign-in", {"email": f"bench{w}.{i}@example.org"}), 200)
    verify_rps = throughput(port, lambda c, w, i: c.request(
        "POST", "/api/v1/auth/verify", {"email": f"bench{w}.{i}@example.org", "code": "000000"}), 400)
    results.update(healthz_rps=round(health_rps), sign_in_rps=round(sign_in_rps),
                   verify_rps=round(verify_rps),
                   sign_in_ratio=round(sign_in_rps / health_rps, 3),
                   verify_ratio=round(verify_rps / health_rps, 3))


def measure_sign_in_answer_time(admin, port, results, count=150):
    """SPEC §4: the answer to a sign-in request takes the same time whether the address has an
    account or not. Known and unknown addresses alternate, each client sending 20 (the per-IP
    limit is 30 per 10 minutes). A pause after each pair lets the background work finish."""
    known = []
    for page in range(1, 4):
        items = json.loads(admin.request("GET", f"/api/v1/users?role=user&page={page}")[1])["items"]
        known += [user["email"] for user in items]
    times = {"known": [], "unknown": []}
    for i in range(count):
        client = Client(port, ip=f"192.0.2.{100 + i // 10}")
        pair = [("known", known[i]), ("unknown", f"nobody.{i}@example.org")]
        # Alternate which goes first, so that neither pays for the other's background work.
        for kind, address in pair if i % 2 else reversed(pair):
            started = time.perf_counter()
            status, _ = client.request("POST", "/api/v1/auth/sign-in", {"email": address})
            times[kind].append(time.perf_counter() - started)
            assert status == 202, status
            time.sleep(0.02)
    known_median, unknown_median = (statistics.median(times[k]) for k in ("known", "unknown"))
    results.update(sign_in_known_median_ms=round(known_median * 1000, 2),
                   sign_in_unknown_median_ms=round(unknown_median * 1000, 2),
                   sign_in_known_vs_unknown_ratio=round(known_median / unknown_median, 2))


def measure_export(backend, admin, server, sessions, results):
    """sessions.csv of every session against the database's client writing the same rows."""
    today = datetime.date.today()
    first, last = today - datetime.timedelta(days=100), today + datetime.timedelta(days=1)
    # The instants the server makes of the range in its default time zone, UTC.
    start = datetime.datetime.combine(first, datetime.time(), datetime.timezone.utc)
    until = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(),
                                      datetime.timezone.utc)

    rss_before = peak_rss_kib(server.pid)
    started = time.perf_counter()
    status, (size, lines, head) = admin.request(
        "GET", f"/api/v1/reports/sessions.csv?from={first}&to={last}", sink=True)
    export_seconds = time.perf_counter() - started
    assert status == 200 and lines == sessions + 1, (status, lines)
    rss_after = peak_rss_kib(server.pid)

    started = time.perf_counter()
    subprocess.run(backend.csv_command(start, until), check=True, stdout=subprocess.DEVNULL)
    baseline_seconds = time.perf_counter() - started
    check_same_rows(backend, start, until, head)
    results.update(
        export_rows_per_s=round(sessions / export_seconds),
        export_mib=round(size / 2**20, 1),
        baseline=backend.client,
        baseline_rows_per_s=round(sessions / baseline_seconds),
        export_vs_baseline_ratio=round(baseline_seconds / export_seconds, 2),
        server_peak_rss_before_export_mib=round(rss_before / 1024, 1),
        server_peak_rss_after_export_mib=round(rss_after / 1024, 1),
    )


def run_backend(backend, data, args):
    """Loads the demo data through `backend`, serves it and measures; the server is stopped on
    the way out."""
    env = dict(os.environ, RUST_LOG="warn", **backend.env)
    started = time.perf_counter()
    subprocess.run([BIN, "demo", "--sessions", str(args.sessions), "--users", str(args.users),
                    "--data-dir", data], check=True, stdout=subprocess.DEVNULL, env=env)
    results = {"sessions": args.sessions, "users": args.users + 7,
               "demo_load_seconds": round(time.perf_counter() - started, 1)}
    port = free_port()
    server = subprocess.Popen([BIN, "serve", "--data-dir", data, "--listen", f"127.0.0.1:{port}",
                               "--trust-proxy"], env=env, stdout=subprocess.DEVNULL)
    try:
        wait_until_up(port)
        admin = sign_in(port, os.path.join(data, "outbox"))
        measure_requests(admin, port, results)
        measure_sign_in_answer_time(admin, port, results)
        measure_export(backend, admin, server, args.sessions, results)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def run_all(args, run_backend):
    """Builds the release binary, then runs `run_backend(backend, data, args)` on each backend
    chosen by `args.backend`, each in a fresh data directory (and database), removed afterwards
    whatever happens; prints the report as JSON."""
    # A plain `kill` must still run the clean-up below (the `finally` blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    report = {"load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    for name in backends:
        data = tempfile.mkdtemp(prefix="wayfinder-bench-")
        try:
            with (sqlite_backend(data) if name == "sqlite" else postgres_backend()) as backend:
                report[name] = run_backend(backend, data, args)
                print(f"{name}: {json.dumps(report[name])}", file=sys.stderr, flush=True)
        finally:
            shutil.rmtree(data, ignore_errors=True)
    report["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=2))


@contextlib.contextmanager
def demo_server(backend, data):
    """`wayfinder demo --sessions 0 --users 0` loaded into `data`, then `wayfinder serve` on a
    free loopback port; yields the port and a signed-in administrator, and stops the server."""
    env = dict(os.environ, RUST_LOG="warn", **backend.env)
    subprocess.run([BIN, "demo", "--sessions", "0", "--users", "0", "--data-dir", data],
                   check=True, stdout=subprocess.DEVNULL, env=env)
    port = free_port()
    server = subprocess.Popen([BIN, "serve", "--data-dir", data, "--listen", f"127.0.0.1:{port}",
                               "--trust-proxy"], env=env, stdout=subprocess.DEVNULL)
    try:
        wait_until_up(port)
        yield port, sign_in(port, os.path.join(data, "outbox"))
    finally:
        server.terminate()
        server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    run_all(parser.parse_args(), run_backend)


if __name__ == "__main__":
    main()
