#!/usr/bin/env python3
"""Slot benchmarks (issue 10, SPEC §14), as ratios to /healthz measured in the same run.

For each backend (SQLite, then PostgreSQL on a throwaway cluster from scripts/pg-throwaway),
loads `wayfinder demo --sessions 0` into a fresh database, starts `wayfinder serve` on loopback,
and through the JSON API gives one new provider 200 booking listings with 100 upcoming slots
each (20,000 slots). Then it measures:
  - creating a 500-slot series (`POST /api/v1/listings/{id}/slots`, count 500) on listings
    without slots, median of the runs, against the median of GET /healthz;
  - the provider's Booking Listings tab (the first page: 50 listings with their categories,
    next free slot and free count this week), median and p99, against /healthz.
Only loopback is contacted; databases, clusters and temporary directories are removed afterwards,
also on failure. Usage: python3 bench/slots.py [--backend sqlite|postgres|both] [--runs 20]
"""

import argparse
import datetime
import json
import statistics
import time

from run import demo_server, latencies, run_all

LISTINGS = 200
SLOTS_PER_LISTING = 100


def call(client, method, path, body=None, expect=(200,)):
    headers = {"X-CSRF-Token": client.csrf} if method != "GET" else None
    status, answer = client.request(method, path, body, headers=headers)
    assert status in expect, (method, path, status, answer[:500])
    return json.loads(answer) if answer else None


def world(admin):
    """A provider with LISTINGS booking listings, each with SLOTS_PER_LISTING upcoming slots from
    tomorrow: 25 days of four 30-minute slots on every weekday."""
    provider = call(admin, "POST", "/api/v1/providers", {"name": "Bench Provider"}, (201,))["id"]
    category = call(admin, "GET", "/api/v1/categories")["items"][0]["id"]
    first = datetime.date.today() + datetime.timedelta(days=1)
    listings = []
    for n in range(LISTINGS):
        body = {"kind": "booking", "name": f"Listing {n:03}", "category_ids": [category]}
        listing = call(admin, "POST", f"/api/v1/providers/{provider}/listings", body, (201,))["id"]
        series = {"starts_at": f"{first}T09:00:00Z", "duration_minutes": 30, "count": 4,
                  "weekdays": [1, 2, 3, 4, 5, 6, 7],
                  "repeat_until": str(first + datetime.timedelta(days=SLOTS_PER_LISTING // 4 - 1))}
        created = call(admin, "POST", f"/api/v1/listings/{listing}/slots", series, (201,))
        assert len(created["items"]) == SLOTS_PER_LISTING, len(created["items"])
        listings.append(listing)
    return provider, category, listings


def measure(admin, provider, category, runs, results):
    base = latencies(admin, ["/healthz"], 300)
    # 500-slot series, each on a fresh listing (so nothing clashes and every run does the same).
    start = datetime.date.today() + datetime.timedelta(days=2)
    times = []
    for n in range(runs):
        body = {"kind": "booking", "name": f"Series {n:03}", "category_ids": [category]}
        listing = call(admin, "POST", f"/api/v1/providers/{provider}/listings", body, (201,))["id"]
        series = {"starts_at": f"{start}T08:00:00Z", "duration_minutes": 5, "count": 500}
        began = time.perf_counter()
        created = call(admin, "POST", f"/api/v1/listings/{listing}/slots", series, (201,))
        times.append(time.perf_counter() - began)
        assert len(created["items"]) == 500
    series_median = statistics.median(times)
    tab = latencies(admin, [f"/providers/{provider}/listings/booking"], 300)
    base_after = latencies(admin, ["/healthz"], 300)
    results.update(
        healthz_median_ms=round(base[0] * 1000, 2), healthz_p99_ms=round(base[1] * 1000, 2),
        healthz_after_median_ms=round(base_after[0] * 1000, 2),
        series_500_median_ms=round(series_median * 1000, 1),
        series_500_max_ms=round(max(times) * 1000, 1),
        series_500_ratio=round(series_median / base[0], 1),
        tab_median_ms=round(tab[0] * 1000, 2), tab_p99_ms=round(tab[1] * 1000, 2),
        tab_median_ratio=round(tab[0] / base[0], 1), tab_p99_ratio=round(tab[1] / base[1], 1),
    )


def run_backend(backend, data, args):
    with demo_server(backend, data) as (_, admin):
        started = time.perf_counter()
        provider, category, _ = world(admin)
        results = {"listings": LISTINGS, "upcoming_slots": LISTINGS * SLOTS_PER_LISTING,
                   "setup_seconds": round(time.perf_counter() - started, 1), "runs": args.runs}
        measure(admin, provider, category, args.runs, results)
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=20)
    run_all(parser.parse_args(), run_backend)


if __name__ == "__main__":
    main()
