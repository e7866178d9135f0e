#!/usr/bin/env python3
"""How `wayfinder serve` copes with slow clients (issue 8, item 5; SPEC §13).

Starts the given binary on a free loopback port with a temporary SQLite data directory and
measures, each on a fresh server:
  - how long a half-sent request header stays open (the server closing it ends the wait);
  - the server's resident memory (VmRSS) before and with 300 connections that each sent an
    unfinished 390 KB header;
  - how long SIGTERM takes to end the server while one client holds a half-sent request.
Every wait is capped (--cap seconds, default 60); a capped figure reads "> cap".
Usage: python3 bench/slow_clients.py BINARY [--cap 60]
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

HALF_HEADER = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(binary, home):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WAYFINDER_", "DATABASE_"))}
    proc = subprocess.Popen(
        [binary, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", home],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if s.recv(100).startswith(b"HTTP/1.1 200"):
                    return proc, port
        except OSError:
            pass
        time.sleep(0.05)
    proc.kill()
    sys.exit("the server did not start")


def open_half_sent(port, extra=b""):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(HALF_HEADER + extra)
    return s


def seconds_until_closed(s, cap):
    started = time.monotonic()
    s.settimeout(cap)
    try:
        while s.recv(65536):
            pass
    except (socket.timeout, TimeoutError):
        return None
    except OSError:
        pass
    return time.monotonic() - started


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def fmt(value, cap):
    return f"> {cap} s" if value is None else f"{value:.1f} s"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--cap", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        proc, port = start(args.binary, os.path.join(home, "a"))
        print("half-sent header stays open:", fmt(seconds_until_closed(open_half_sent(port), args.cap), args.cap))
        before = rss_mb(proc.pid)
        big = b"a" * 390_000
        held = []
        for _ in range(300):
            try:
                held.append(open_half_sent(port, big))
            except OSError:
                break
        time.sleep(3)
        print(f"RSS: {before:.0f} MB idle, {rss_mb(proc.pid):.0f} MB with {len(held)} unfinished large headers")
        for s in held:
            s.close()
        proc.kill()
        proc.wait()

        proc, port = start(args.binary, os.path.join(home, "b"))
        holder = open_half_sent(port)
        time.sleep(0.5)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=args.cap)
            print("SIGTERM with a half-sent request:", fmt(time.monotonic() - started, args.cap))
        except subprocess.TimeoutExpired:
            print("SIGTERM with a half-sent request:", fmt(None, args.cap))
            proc.kill()
            proc.wait()
        holder.close()


if __name__ == "__main__":
    main()
