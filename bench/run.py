#!/usr/bin/env python3
"""Wayfinder benchmarks (SPEC §14), reported as ratios to baselines measured in the same run.

Builds the release binary, loads demo data (N kiosk sessions, 10,000 extra users) into a fresh
SQLite database, starts `wayfinder serve` on loopback and measures:
  - the users grid (median and p99 latency) against /healthz, the cheapest handler there is;
  - sign-in request and code-verify throughput against /healthz at the same concurrency;
  - sessions.csv for the whole range: rows/s and the server's peak memory, against the sqlite3
    command-line tool writing the equivalent rows.
Only loopback is contacted. Usage: python3 bench/run.py [--sessions N]
"""

import argparse
import concurrent.futures
import datetime
import email
import glob
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "wayfinder")
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
            total, lines = 0, 0
            while chunk := response.read(1 << 16):
                total += len(chunk)
                lines += chunk.count(b"\n")
            return response.status, (total, lines)
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


SQLITE_EQUIVALENT = """
SELECT s.id, strftime('%Y-%m-%dT%H:%M:%S+00:00', s.started_at / 1000000, 'unixepoch'),
  strftime('%Y-%m-%dT%H:%M:%S+00:00', s.ended_at / 1000000, 'unixepoch'),
  (s.ended_at - s.started_at) / 1000000, s.outcome, st.name, s.gender, s.age, s.indigenous_status,
  (SELECT group_concat(name, '; ') FROM (SELECT name FROM kiosk_session_categories c
     WHERE c.session_id = s.id ORDER BY position)),
  (SELECT group_concat(provider_name || ' — ' || listing_name, '; ') FROM (SELECT * FROM kiosk_selections x
     WHERE x.session_id = s.id AND kind = 'information' ORDER BY position)),
  (SELECT group_concat(provider_name || ' — ' || listing_name || ' @ ' ||
     strftime('%Y-%m-%dT%H:%M:%S+00:00', slot_starts_at / 1000000, 'unixepoch'), '; ')
     FROM (SELECT * FROM kiosk_selections x WHERE x.session_id = s.id AND kind = 'booking' ORDER BY position)),
  CASE WHEN EXISTS (SELECT 1 FROM kiosk_selections x WHERE x.session_id = s.id AND x.is_fallback = 1)
    THEN 'true' ELSE 'false' END
FROM kiosk_sessions s JOIN stations st ON st.id = s.station_id ORDER BY s.started_at, s.id;
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=10_000)
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    data = tempfile.mkdtemp(prefix="wayfinder-bench-")
    server = None
    try:
        started = time.perf_counter()
        subprocess.run([BIN, "demo", "--sessions", str(args.sessions), "--users", str(args.users),
                        "--data-dir", data], check=True, stdout=subprocess.DEVNULL)
        demo_seconds = time.perf_counter() - started
        port = free_port()
        env = dict(os.environ, RUST_LOG="warn")
        server = subprocess.Popen([BIN, "serve", "--data-dir", data, "--listen", f"127.0.0.1:{port}",
                                   "--trust-proxy"], env=env, stdout=subprocess.DEVNULL)
        wait_until_up(port)
        admin = sign_in(port, os.path.join(data, "outbox"))
        results = {"sessions": args.sessions, "users": args.users + 7,
                   "demo_load_seconds": round(demo_seconds, 1)}

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

        rss_before = peak_rss_kib(server.pid)
        started = time.perf_counter()
        today = datetime.date.today()
        span = f"from={today - datetime.timedelta(days=100)}&to={today + datetime.timedelta(days=1)}"
        status, (size, lines) = admin.request("GET", f"/api/v1/reports/sessions.csv?{span}", sink=True)
        export_seconds = time.perf_counter() - started
        assert status == 200 and lines == args.sessions + 1, (status, lines)
        rss_after = peak_rss_kib(server.pid)

        started = time.perf_counter()
        with open(os.devnull, "w") as devnull:
            subprocess.run(["sqlite3", "-csv", os.path.join(data, "wayfinder.db"), SQLITE_EQUIVALENT],
                           check=True, stdout=devnull)
        sqlite_seconds = time.perf_counter() - started
        results.update(
            export_rows_per_s=round(args.sessions / export_seconds),
            export_mib=round(size / 2**20, 1),
            sqlite3_cli_rows_per_s=round(args.sessions / sqlite_seconds),
            export_vs_sqlite3_ratio=round(sqlite_seconds / export_seconds, 2),
            server_peak_rss_before_export_mib=round(rss_before / 1024, 1),
            server_peak_rss_after_export_mib=round(rss_after / 1024, 1),
        )
        print(json.dumps(results, indent=2))
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
