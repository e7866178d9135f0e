#!/usr/bin/env python3
"""Kiosk benchmarks (issue 11, SPEC §14), as ratios to /healthz measured in the same run.

For each backend (SQLite, then PostgreSQL on a throwaway cluster from scripts/pg-throwaway),
loads `wayfinder demo --sessions 0` into a fresh database, starts `wayfinder serve` on loopback,
adds one station and, through the JSON API, a directory of 1,000 booking listings in ten new
categories with 20 upcoming slots each (20,000 slots). Then it measures:
  - step 4 for a client who chose three of those categories (300 listings shown, each with its
    free times): `GET /api/v1/kiosk/sessions/{id}/listings` and the page `/kiosk/listings`,
    median and p99, against /healthz;
  - 50 kiosks at once, each running whole sessions (start, consent, answers, category, choose a
    free time, submit with a name) against one listing of 100 slots until none is left:
    bookings per second, slots lost to a rival (409), and the double bookings counted in the
    database afterwards with its own client (must be 0);
  - the bytes each kiosk step sends to the browser on the demo directory: the page's HTML plus
    every stylesheet and script it links, as a browser asks for them (gzip; pages themselves
    are never compressed) and uncompressed (aim: under 30 KB per step).
Only loopback is contacted; databases, clusters and temporary directories are removed afterwards,
also on failure. Usage: python3 bench/kiosk.py [--backend sqlite|postgres|both] [--runs 100]
"""

import argparse
import concurrent.futures
import datetime
import json
import random
import re
import statistics
import subprocess
import time

from run import Client, demo_server, latencies, run_all

CATEGORIES = 10
LISTINGS = 1000
SLOTS_PER_LISTING = 20
KIOSKS = 50
RACE_SLOTS = 100


def call(client, method, path, body=None, expect=(200,), headers=None):
    all_headers = dict(headers or {})
    if method != "GET" and getattr(client, "csrf", None):
        all_headers["X-CSRF-Token"] = client.csrf
    status, answer = client.request(method, path, body, headers=all_headers)
    assert status in expect, (method, path, status, answer[:500])
    return json.loads(answer) if answer else None


class Kiosk:
    """A kiosk front-end speaking the kiosk API with the station's token."""

    def __init__(self, port, token, ip):
        self.client = Client(port, ip=ip)
        self.auth = {"Authorization": f"Bearer {token}"}

    def call(self, method, path, body=None, expect=(200,)):
        status, answer = self.client.request(method, "/api/v1/kiosk" + path, body, self.auth)
        assert status in expect, (method, path, status, answer[:500])
        return status, (json.loads(answer) if answer else None)

    def session_at_listings(self, categories):
        """A new session that has answered steps 1–3; its id."""
        _, session = self.call("POST", "/sessions", expect=(201,))
        sid = session["id"]
        self.call("POST", f"/sessions/{sid}/consent", {"consent": True})
        answers = {"gender": "prefer_not_to_say", "age": None,
                   "indigenous_status": "prefer_not_to_say"}
        self.call("PUT", f"/sessions/{sid}/demographics", answers)
        self.call("PUT", f"/sessions/{sid}/categories", {"category_ids": categories})
        return sid


def station_token(admin):
    link = call(admin, "POST", "/api/v1/stations", {"name": "Bench station"}, (201,))["link"]
    return link.split("station=", 1)[1]


def add_slots(admin, listing, first, count):
    """`count` 30-minute slots from 09:00 UTC on `first`, four a day."""
    days = (count + 3) // 4
    series = {"starts_at": f"{first}T09:00:00Z", "duration_minutes": 30, "count": 4,
              "weekdays": [1, 2, 3, 4, 5, 6, 7],
              "repeat_until": str(first + datetime.timedelta(days=days - 1))}
    created = call(admin, "POST", f"/api/v1/listings/{listing}/slots", series, (201,))
    assert len(created["items"]) == count, len(created["items"])


def directory(admin):
    """The 1,000-listing directory; the ids of its categories."""
    provider = call(admin, "POST", "/api/v1/providers", {"name": "Bench Services"}, (201,))["id"]
    categories = [call(admin, "POST", "/api/v1/categories",
                       {"name": f"Bench {n}", "colour": "#1d4ed8"}, (201,))["id"]
                  for n in range(CATEGORIES)]
    first = datetime.date.today() + datetime.timedelta(days=1)
    for n in range(LISTINGS):
        body = {"kind": "booking", "name": f"Bench listing {n:04}",
                "category_ids": [categories[n % CATEGORIES]]}
        listing = call(admin, "POST", f"/api/v1/providers/{provider}/listings", body, (201,))["id"]
        add_slots(admin, listing, first, SLOTS_PER_LISTING)
    return provider, categories


def race_listing(admin, provider):
    """One listing with RACE_SLOTS slots in a category of its own."""
    category = call(admin, "POST", "/api/v1/categories",
                    {"name": "Bench race", "colour": "#1d4ed8"}, (201,))["id"]
    body = {"kind": "booking", "name": "Bench race listing", "category_ids": [category]}
    listing = call(admin, "POST", f"/api/v1/providers/{provider}/listings", body, (201,))["id"]
    add_slots(admin, listing, datetime.date.today() + datetime.timedelta(days=1), RACE_SLOTS)
    return category, listing


def measure_step_four(admin, port, token, categories, runs, results):
    kiosk = Kiosk(port, token, "192.0.2.50")
    sid = kiosk.session_at_listings(categories[:3])
    _, shown = kiosk.call("GET", f"/sessions/{sid}/listings")
    assert len(shown["items"]) >= 3 * LISTINGS // CATEGORIES, len(shown["items"])
    page = Client(port, ip="192.0.2.51")
    page.cookies = {"wayfinder_station": token, "wayfinder_kiosk_session": sid}
    status, body = page.request("GET", "/kiosk/listings")
    assert status == 200 and b"Bench listing" in body, status
    base = latencies(admin, ["/healthz"], runs)
    api = timed(lambda: kiosk.call("GET", f"/sessions/{sid}/listings"), runs)
    html = timed(lambda: page.request("GET", "/kiosk/listings"), runs)
    results.update(
        listings_shown=len(shown["items"]),
        healthz_median_ms=round(base[0] * 1000, 2), healthz_p99_ms=round(base[1] * 1000, 2),
        step4_api_median_ms=round(api[0] * 1000, 1), step4_api_p99_ms=round(api[1] * 1000, 1),
        step4_api_median_ratio=round(api[0] / base[0], 1),
        step4_api_p99_ratio=round(api[1] / base[1], 1),
        step4_page_median_ms=round(html[0] * 1000, 1), step4_page_p99_ms=round(html[1] * 1000, 1),
        step4_page_median_ratio=round(html[0] / base[0], 1),
        step4_page_p99_ratio=round(html[1] / base[1], 1),
        step4_page_bytes=len(body),
    )


def timed(request, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        request()
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.99) - 1, 0)]


def book_until_none_left(port, token, category, listing, worker, tally):
    """One kiosk's sessions until the listing has no free time: each chooses a random free time,
    and on losing it to a rival chooses again; a won time is submitted as a booking."""
    kiosk = Kiosk(port, token, f"192.0.2.{100 + worker}")
    while True:
        sid = kiosk.session_at_listings([category])
        while True:
            _, shown = kiosk.call("GET", f"/sessions/{sid}/listings")
            free = next(i for i in shown["items"] if i["id"] == listing)["free_slots"]
            if not free:
                kiosk.call("POST", f"/sessions/{sid}/terminate", expect=(204,))
                return
            slot = random.choice(free)["id"]
            status, _ = kiosk.call("POST", f"/sessions/{sid}/selections",
                                   {"listing_id": listing, "slot_id": slot}, expect=(201, 409))
            if status == 201:
                break
            tally["lost"][worker] += 1
        kiosk.call("POST", f"/sessions/{sid}/submit", {"client_name": "Bench Client"})
        tally["booked"][worker] += 1


def measure_race(backend, port, token, category, listing, results):
    tally = {"booked": [0] * KIOSKS, "lost": [0] * KIOSKS}
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(KIOSKS) as pool:
        jobs = [pool.submit(book_until_none_left, port, token, category, listing, w, tally)
                for w in range(KIOSKS)]
        for job in jobs:
            job.result()
    elapsed = time.perf_counter() - started
    counts = count_bookings(backend, listing)
    results.update(
        kiosks=KIOSKS, race_slots=RACE_SLOTS, bookings_reported=sum(tally["booked"]),
        times_lost_to_a_rival=sum(tally["lost"]), race_seconds=round(elapsed, 2),
        bookings_per_second=round(sum(tally["booked"]) / elapsed, 1), **counts,
    )
    assert counts["double_bookings"] == 0 and counts["booked_slots"] == RACE_SLOTS, counts


COUNTS = """SELECT
  (SELECT COUNT(*) FROM slots WHERE listing_id = '{listing}' AND booked_by_session IS NOT NULL),
  (SELECT COUNT(*) FROM (SELECT s.slot_id FROM kiosk_selections s
       JOIN kiosk_sessions k ON k.id = s.session_id AND k.outcome = 'completed'
     WHERE s.listing_id = '{listing}' GROUP BY s.slot_id HAVING COUNT(*) > 1) AS twice),
  (SELECT COUNT(*) FROM kiosk_sessions k WHERE k.outcome = 'completed' AND EXISTS
     (SELECT 1 FROM kiosk_selections s WHERE s.session_id = k.id AND s.listing_id = '{listing}'))"""


def count_bookings(backend, listing):
    """Counted by the database's own client, not by the server under test."""
    query = COUNTS.format(listing=listing)
    if backend.name == "sqlite":
        command = ["sqlite3", "-csv", backend.db, query]
    else:
        command = ["psql", "-X", "-q", "-At", "-F", ",", backend.url, "-c", query]
    out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    booked, twice, sessions = (int(x) for x in out.strip().split(","))
    return {"booked_slots": booked, "double_bookings": twice, "completed_with_booking": sessions}


STEPS = ["/kiosk", "/kiosk/consent", "/kiosk/demographics", "/kiosk/categories",
         "/kiosk/listings", "/kiosk/review", "/kiosk/print"]
ASSET = re.compile(rb'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"')


def measure_step_bytes(port, token, results):
    """Walks one session of the demo directory through the API (so each page is the one that
    step shows), and weighs each step's page with the assets it links."""
    kiosk = Kiosk(port, token, "192.0.2.60")
    _, categories = kiosk.call("GET", "/categories")
    chosen = [c["id"] for c in categories["items"] if c["listing_count"]][:3]
    sid = kiosk.session_at_listings(chosen)
    page = Client(port, ip="192.0.2.61")
    page.cookies = {"wayfinder_station": token, "wayfinder_kiosk_session": sid}
    _, shown = kiosk.call("GET", f"/sessions/{sid}/listings")
    info = next(i for i in shown["items"] if i["kind"] == "information")
    booking = next(i for i in shown["items"] if i["kind"] == "booking" and i["free_slots"])
    # The welcome screen forgets a browser's session, so it is weighed from another browser.
    welcome = Client(port, ip="192.0.2.62")
    welcome.cookies = {"wayfinder_station": token}
    weights = {}
    for path in STEPS:
        if path == "/kiosk/review":
            kiosk.call("POST", f"/sessions/{sid}/selections", {"listing_id": info["id"]},
                       expect=(201,))
            kiosk.call("POST", f"/sessions/{sid}/selections",
                       {"listing_id": booking["id"], "slot_id": booking["free_slots"][0]["id"]},
                       expect=(201,))
        if path == "/kiosk/print":
            kiosk.call("POST", f"/sessions/{sid}/submit", {"client_name": "Bench Client"})
        status, body = (welcome if path == "/kiosk" else page).request("GET", path)
        assert status == 200, (path, status)
        assert (path == "/kiosk") == (b"Start session" in body), (path, "welcome screen")
        assets = sorted(a.decode() for a in set(ASSET.findall(body)))
        # As a browser asks for them (gzip), and as they are.
        wire = sum(len(page.request("GET", a, headers={"Accept-Encoding": "gzip"})[1])
                   for a in assets)
        raw = sum(len(page.request("GET", a)[1]) for a in assets)
        weights[path] = {"html": len(body), "total": len(body) + wire,
                         "total_uncompressed": len(body) + raw, "assets": assets}
    results["step_bytes"] = weights
    results["largest_step_kib"] = round(max(w["total"] for w in weights.values()) / 1024, 1)
    results["largest_step_uncompressed_kib"] = round(
        max(w["total_uncompressed"] for w in weights.values()) / 1024, 1)


def run_backend(backend, data, args):
    with demo_server(backend, data) as (port, admin):
        token = station_token(admin)
        results = {}
        measure_step_bytes(port, token, results)
        started = time.perf_counter()
        provider, categories = directory(admin)
        race_category, race = race_listing(admin, provider)
        results.update(listings=LISTINGS, upcoming_slots=LISTINGS * SLOTS_PER_LISTING,
                       setup_seconds=round(time.perf_counter() - started, 1), runs=args.runs)
        measure_step_four(admin, port, token, categories, args.runs, results)
        measure_race(backend, port, token, race_category, race, results)
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=100)
    run_all(parser.parse_args(), run_backend)


if __name__ == "__main__":
    main()
