#!/usr/bin/env python3
"""A full disk under SQLite: writes answer a clear error, reads go on, nothing is corrupted, and
writes work again once there is space.

    sudo scripts/durability/disk_full.py target/release/cognate --size-mb 20

Needs root: the database lives on a size-limited tmpfs mounted for the run (unmounted at the
end). Steps: a pool with users, signed-in tokens; then a filler file takes every free block
but `--leave-kb`; then writes (AdminCreateUser, AdminUpdateUserAttributes, CreateGroup, in turns) until a run of
them has failed (they use up what was left, so the disk fills under them), reads (ListUsers,
AdminGetUser, DescribeUserPool, GetUser with a token issued before) and sign-in; then the
filler is removed and writes must work again; the server is stopped and the file must pass
`PRAGMA integrity_check` with every acknowledged user present. Printed: answers by status and
error type for each phase. Exit status 1 on a panic, a corrupt file, a write answered with
anything but 200 or a 5xx InternalErrorException, a read failing, or writes not recovering.
"""
import argparse
import errno
import os
import sqlite3
import subprocess
import sys
import tempfile

from cognate import CallFailed, Server, call, list_usernames, new_pool, ok

PASSWORD = "Durab1lity!Pass"


def tally(answers):
    kinds = {}
    for status, error in answers:
        key = f"{status} {error}".strip()
        kinds[key] = kinds.get(key, 0) + 1
    return ", ".join(f"{n} x {k}" for k, n in sorted(kinds.items()))


def answer(port, op, body):
    try:
        status, parsed = call(port, op, body)
    except CallFailed as error:
        return None, f"no answer ({error})"
    return status, parsed.get("__type", "") if status != 200 else ""


def fill(path):
    """Writes `path` until the filesystem refuses another byte; returns the bytes written."""
    written = 0
    with open(path, "wb", buffering=0) as f:
        for chunk in (1 << 20, 1 << 16, 4096, 512, 1):
            block = b"\0" * chunk
            while True:
                try:
                    done = f.write(block)
                    written += done
                    if done < chunk:  # a short write: the filesystem is nearly full
                        break
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
                    break
    return written


class Writes:
    """AdminCreateUser, AdminUpdateUserAttributes and CreateGroup in turns."""

    def __init__(self, port, pool_id):
        self.port, self.pool_id, self.n = port, pool_id, 0
        self.acked_users = set()

    def next(self):
        self.n += 1
        kind = self.n % 3
        if kind == 0:
            name = f"late-{self.n}"
            status, error = answer(self.port, "AdminCreateUser", {
                "UserPoolId": self.pool_id, "Username": name, "MessageAction": "SUPPRESS"})
            if status == 200:
                self.acked_users.add(name)
        elif kind == 1:
            status, error = answer(self.port, "AdminUpdateUserAttributes", {
                "UserPoolId": self.pool_id, "Username": "user0",
                "UserAttributes": [{"Name": "given_name", "Value": f"v{self.n}" * 40}]})
        else:
            status, error = answer(self.port, "CreateGroup", {
                "UserPoolId": self.pool_id, "GroupName": f"group-{self.n}",
                "Description": "d" * 2000})
        return status, error


def reads(port, pool_id, access_token, client_id):
    return [
        ("ListUsers", answer(port, "ListUsers", {"UserPoolId": pool_id, "Limit": 10})),
        ("AdminGetUser", answer(port, "AdminGetUser", {"UserPoolId": pool_id, "Username": "user1"})),
        ("DescribeUserPool", answer(port, "DescribeUserPool", {"UserPoolId": pool_id})),
        ("GetUser", answer(port, "GetUser", {"AccessToken": access_token})),
        ("InitiateAuth (writes)", answer(port, "InitiateAuth", {
            "ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "user1", "PASSWORD": PASSWORD}})),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("--size-mb", type=int, default=20)
    parser.add_argument("--failures", type=int, default=30, help="failed writes in a row to stop at")
    parser.add_argument("--leave-kb", type=int, default=256,
                        help="free space left after filling, for writes to use up (0: none)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("needs root (mounts a tmpfs)")
    workdir = tempfile.mkdtemp(prefix="cognate-diskfull-")
    mount = os.path.join(workdir, "fs")
    os.mkdir(mount)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={args.size_mb}m", "tmpfs", mount], check=True)
    db = os.path.join(mount, "cognate.db")
    server = None
    failed = False
    try:
        server = Server(args.binary, f"sqlite://{db}", workdir).start()
        port = server.port
        pool_id = new_pool(port, "disk-full")
        client_id = ok(port, "CreateUserPoolClient", {
            "UserPoolId": pool_id, "ClientName": "c",
            "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]})["UserPoolClient"]["ClientId"]
        acked = set()
        for i in range(20):
            ok(port, "AdminCreateUser", {"UserPoolId": pool_id, "Username": f"user{i}", "MessageAction": "SUPPRESS"})
            ok(port, "AdminSetUserPassword", {"UserPoolId": pool_id, "Username": f"user{i}",
                                              "Password": PASSWORD, "Permanent": True})
            acked.add(f"user{i}")
        access_token = ok(port, "InitiateAuth", {
            "ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "user0", "PASSWORD": PASSWORD}})["AuthenticationResult"]["AccessToken"]
        filler = os.path.join(mount, "filler")
        fill(filler)
        size = max(os.path.getsize(filler) - args.leave_kb * 1024, 0)
        os.truncate(filler, size)
        stat = os.statvfs(mount)
        print(f"tmpfs {args.size_mb} MiB; database {os.path.getsize(db)} bytes + WAL "
              f"{os.path.getsize(db + '-wal') if os.path.exists(db + '-wal') else 0}; filler {size} bytes; "
              f"free now {stat.f_bavail * stat.f_frsize} bytes")

        writes = Writes(port, pool_id)
        full_answers, in_a_row = [], 0
        while in_a_row < args.failures and len(full_answers) < 5000:
            status, error = writes.next()
            full_answers.append((status, error))
            in_a_row = in_a_row + 1 if status != 200 else 0
        first_failure = next((i for i, (s, _) in enumerate(full_answers) if s != 200), None)
        print(f"disk full, writes: {tally(full_answers)} (first failure at write {first_failure})")
        bad = [a for a in full_answers if a[0] != 200 and not (a[0] and a[0] >= 500 and a[1] == "InternalErrorException")]
        failed |= bool(bad) or first_failure is None
        answers = reads(port, pool_id, access_token, client_id)
        print("disk full, reads: " + "; ".join(f"{op} {s} {e}".strip() for op, (s, e) in answers))
        failed |= any(s != 200 for op, (s, _) in answers if op != "InitiateAuth (writes)")
        acked |= writes.acked_users

        os.remove(filler)
        writes.acked_users = set()
        after = [writes.next() for _ in range(30)]
        print(f"space freed, writes: {tally(after)}")
        failed |= any(s != 200 for s, _ in after)
        acked |= writes.acked_users
        sign_in = answer(port, "InitiateAuth", {
            "ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "user1", "PASSWORD": PASSWORD}})
        print(f"space freed, sign-in: {sign_in[0]} {sign_in[1]}".rstrip())
        failed |= sign_in[0] != 200
        present = list_usernames(port, pool_id)
        missing = acked - present
        panics = server.panicked()
        server.stop()
        server = None
        conn = sqlite3.connect(db)
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        conn.close()
        print(f"after stop: integrity_check {check}; {len(acked)} acknowledged users, {len(missing)} missing; "
              f"panics in the log: {'yes' if panics else 'none'}")
        failed |= check != "ok" or bool(missing) or panics
    finally:
        if server:
            server.stop()
        subprocess.run(["umount", mount], check=False)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
