#!/usr/bin/env python3
"""kill -9 under write load loses no acknowledged write.

    scripts/durability/kill9.py target/release/cognate --backend sqlite
    scripts/durability/kill9.py target/release/cognate --backend postgres --rounds 5 --writers 16

Each round: `--writers` threads call AdminCreateUser (each call once, no retry) against a
`cognate serve` child; after a random 1.5-4 s the child is killed with SIGKILL, restarted on
the same database (SQLite file, or a private Postgres cluster started for the run on a free
port, never the system one), and the pool's users are listed. Printed per round: calls
acknowledged (HTTP 200), calls without an answer (in flight at the kill), users present,
acknowledged users missing (must be 0), and present users whose call got no answer (allowed:
committed just before the kill). SQLite: `PRAGMA integrity_check` of the file after each kill.
Exit status 1 if any acknowledged user is missing or the database is damaged.
"""
import argparse
import os
import random
import sqlite3
import sys
import tempfile
import time

from cognate import PrivatePostgres, Server, WriteLoad, list_usernames, new_pool


def integrity(path):
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    workdir = tempfile.mkdtemp(prefix="cognate-kill9-")
    postgres = None
    if args.backend == "sqlite":
        db_path = os.path.join(workdir, "cognate.db")
        url = f"sqlite://{db_path}"
    else:
        postgres = PrivatePostgres().start()
        url = postgres.create_database("cognate")
    print(f"backend {args.backend}, {args.writers} writers, {args.rounds} rounds, seed {args.seed}")
    print(f"binary {args.binary}, work dir {workdir}")
    print(f"{'round':>5} {'load s':>6} {'acked':>6} {'no answer':>9} {'present':>7} "
          f"{'acked lost':>10} {'unacked present':>15} {'check':>6}")
    totals = {"acked": 0, "lost": 0, "extra": 0, "unknown": 0}
    damaged = False
    server = Server(args.binary, url, workdir).start()
    try:
        for round_no in range(1, args.rounds + 1):
            pool_id = new_pool(server.port, f"kill9-{round_no}")
            load = WriteLoad(server.port, pool_id, args.writers).start()
            load_secs = rng.uniform(1.5, 4.0)
            time.sleep(load_secs)
            server.kill9()
            load.stop()
            check = integrity(db_path) if args.backend == "sqlite" else "-"
            damaged |= check not in ("ok", "-")
            server = Server(args.binary, url, workdir, port=server.port).start()
            present = list_usernames(server.port, pool_id)
            lost = load.acked - present
            extra = present - load.acked
            stray = extra - load.unknown  # present yet never asked for: must not happen
            print(f"{round_no:>5} {load_secs:>6.1f} {len(load.acked):>6} {len(load.unknown):>9} "
                  f"{len(present):>7} {len(lost):>10} {len(extra):>15} {check:>6}")
            if stray:
                print(f"  users nobody created: {sorted(stray)[:5]}")
                damaged = True
            totals["acked"] += len(load.acked)
            totals["lost"] += len(lost)
            totals["extra"] += len(extra)
            totals["unknown"] += len(load.unknown)
            if load.refused:
                print(f"  refused calls: {load.refused}")
        panics = server.panicked()
    finally:
        server.stop()
        if postgres:
            postgres.remove()
    print(f"total: {totals['acked']} acknowledged creates, {totals['lost']} of them lost; "
          f"{totals['unknown']} calls without an answer, {totals['extra']} of those committed; "
          f"panics in the log: {'yes' if panics else 'none'}")
    sys.exit(1 if totals["lost"] or damaged else 0)


if __name__ == "__main__":
    main()
