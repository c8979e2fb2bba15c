#!/usr/bin/env python3
"""Postgres restarted under load: Cognate answers InternalErrorException (HTTP 500) while the
database is down and serves again within seconds once it is back, without being restarted.

    scripts/durability/pg_restart.py target/release/cognate --outages 3 --down 5

A private Postgres 15 cluster is started for the run (initdb + pg_ctl on a free port in a
temporary directory, as the postgres user when run as root; never the system cluster on 5432).
`--writers` threads call AdminCreateUser without pause (each call once, no client retry) and
one thread calls DescribeUserPool (a read); each outage stops the cluster (`pg_ctl -m fast`),
waits `--down` seconds, starts it again, and lets the load run `--after` seconds. Printed per
outage: answers while down by status and error type (and the slowest), the time from the
database being back to the first successful write and read, and errors after that; at the
end, acknowledged creates missing from the pool (must be 0). Exit status 1 if a call while
down got anything but a 500 InternalErrorException (or no answer), if service did not come
back, or if an acknowledged user is missing.
"""
import argparse
import sys
import tempfile
import threading
import time

from cognate import PrivatePostgres, Server, WriteLoad, call, CallFailed, list_usernames, new_pool


class ReadLoad(threading.Thread):
    """DescribeUserPool in a loop: (seconds since `started`, status, error type, latency)."""

    def __init__(self, port, pool_id, started):
        super().__init__(daemon=True)
        self.port, self.pool_id, self.started = port, pool_id, started
        self.timeline = []
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            began = time.monotonic()
            try:
                status, answer = call(self.port, "DescribeUserPool", {"UserPoolId": self.pool_id})
                error = answer.get("__type", "") if status != 200 else ""
            except CallFailed:
                status, error = None, "no answer"
            self.timeline.append((began - self.started, status, error, time.monotonic() - began))
            time.sleep(0.02)


def describe(calls):
    kinds = {}
    for _, status, error, _ in calls:
        key = f"{status} {error}".strip()
        kinds[key] = kinds.get(key, 0) + 1
    return ", ".join(f"{count} x {key}" for key, count in sorted(kinds.items())) or "none"


def first_success_after(timeline, t):
    done = [start + latency for start, status, _, latency in timeline if status == 200 and start >= t]
    return min(done) - t if done else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("--outages", type=int, default=3)
    parser.add_argument("--down", type=float, default=5.0, help="seconds the database stays down")
    parser.add_argument("--after", type=float, default=6.0, help="seconds of load after each restart")
    parser.add_argument("--writers", type=int, default=8)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="cognate-pgrestart-")
    postgres = PrivatePostgres().start()
    server = None
    failed = False
    try:
        url = postgres.create_database("cognate")
        server = Server(args.binary, url, workdir).start()
        pool_id = new_pool(server.port, "pg-restart")
        print(f"private Postgres on port {postgres.port}, cognate on {server.port}, "
              f"{args.writers} writers + 1 reader, {args.outages} outages of {args.down:.0f} s")
        writes = WriteLoad(server.port, pool_id, args.writers, keep_going=True).start()
        reads = ReadLoad(server.port, pool_id, writes.started)
        reads.start()
        time.sleep(2)
        for outage in range(1, args.outages + 1):
            down_at = time.monotonic() - writes.started
            postgres.stop("fast")
            stopped_at = time.monotonic() - writes.started
            time.sleep(args.down)
            postgres.start()
            up_at = time.monotonic() - writes.started
            time.sleep(args.after)
            # Calls answered while the database was fully stopped, and calls it came back under.
            calls = writes.timeline + reads.timeline
            during = [c for c in calls if stopped_at <= c[0] + c[3] <= up_at]
            spanning = [c for c in calls if c[0] < up_at < c[0] + c[3]]
            write_back = first_success_after(writes.timeline, up_at)
            read_back = first_success_after(reads.timeline, up_at)
            settled = up_at + max(write_back or 0, read_back or 0)
            after = [c for c in writes.timeline + reads.timeline if c[0] >= settled]
            slowest = max((c[3] for c in during), default=0)
            print(f"outage {outage}: stop took {stopped_at - down_at:.1f} s; while down "
                  f"({len(during)} answers): {describe(during)}; slowest answer {slowest:.2f} s; "
                  f"in flight when it came back: {describe(spanning)}")
            print(f"  back: first write ok {write_back:.2f} s after the database was up, first read "
                  f"ok {read_back:.2f} s; afterwards: {describe(after)}"
                  if write_back is not None and read_back is not None
                  else "  NOT back: no successful call after the restart")
            bad = [c for c in during if c[1] == 200 or (c[1] is not None and c[2] != "InternalErrorException")]
            if bad or write_back is None or read_back is None:
                failed = True
            if [c for c in after if c[1] != 200]:
                failed = True
        writes.stop()
        reads.stopping.set()
        present = list_usernames(server.port, pool_id)
        lost = writes.acked - present
        print(f"total: {len(writes.acked)} acknowledged creates, {len(lost)} missing; "
              f"{len(present - writes.acked)} present without an acknowledgement; "
              f"cognate restarted: no (pid {server.process.pid} throughout); "
              f"panics in the log: {'yes' if server.panicked() else 'none'}")
        failed |= bool(lost) or server.panicked()
    finally:
        if server:
            server.stop()
        postgres.remove()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
