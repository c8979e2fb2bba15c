"""Shared pieces of the durability scripts: start and kill a `cognate serve` child, call the
cognito-idp API over plain HTTP (stdlib only, one attempt per call: no SDK retry may turn an
unknown outcome into an acknowledged one), a write load of AdminCreateUser calls, listing a
pool's users, and a private Postgres cluster.

Everything runs on loopback, in temporary directories, against the binary given on the command
line. Nothing here touches the system Postgres on 127.0.0.1:5432.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid

TARGET = "AWSCognitoIdentityProviderService."
# A fixed seal key: the Postgres runs need one, and restarts must open what was sealed before.
SEAL_KEY = "5ea1" * 16


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CallFailed(Exception):
    """No HTTP answer at all (refused, reset, timed out): the outcome of the call is unknown."""


def call(port, op, body, timeout=30):
    """One cognito-idp call: (status, parsed JSON body). Raises CallFailed without an answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/", json.dumps(body), {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": TARGET + op,
        })
        response = conn.getresponse()
        text = response.read()
        try:
            parsed = json.loads(text) if text else {}
        except ValueError:
            parsed = {"__raw": text.decode(errors="replace")}
        return response.status, parsed
    except (OSError, http.client.HTTPException) as error:
        raise CallFailed(repr(error)) from error
    finally:
        conn.close()


def ok(port, op, body):
    status, answer = call(port, op, body)
    if status != 200:
        raise RuntimeError(f"{op}: HTTP {status} {answer}")
    return answer


class Server:
    """`cognate serve` as a child process, its output in `log_path`."""

    def __init__(self, binary, database_url, workdir, extra_env=None, port=None):
        self.binary = binary
        self.database_url = database_url
        self.port = port or free_port()
        self.log_path = os.path.join(workdir, f"cognate-{self.port}.log")
        self.env = dict(os.environ)
        self.env.update({
            "COGNATE_SECURITY__PASSWORD_PROFILE": "dev",
            "COGNATE_SECURITY__SEAL_KEY": SEAL_KEY,
            "COGNATE_SECURITY__KEY_PREFILL": "2",
            "RUST_LOG": "warn,cognate::audit=off",
        })
        self.env.update(extra_env or {})
        self.process = None

    def start(self, timeout=60):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--port", str(self.port), "--database-url", self.database_url],
            stdout=log, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"cognate exited with {self.process.returncode}: see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"cognate did not answer /health within {timeout} s")

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill9()

    def log_text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def panicked(self):
        return "panicked" in self.log_text()


def new_pool(port, name="durability"):
    return ok(port, "CreateUserPool", {"PoolName": name})["UserPool"]["Id"]


def list_usernames(port, pool_id):
    """Every username of the pool, through ListUsers pages."""
    names, token = set(), None
    while True:
        body = {"UserPoolId": pool_id, "Limit": 60}
        if token:
            body["PaginationToken"] = token
        page = ok(port, "ListUsers", body)
        names.update(user["Username"] for user in page.get("Users", []))
        token = page.get("PaginationToken")
        if not token:
            return names


class WriteLoad:
    """`writers` threads creating users in `pool_id` until stopped or the server goes away.

    `acked`: usernames whose AdminCreateUser answered 200. `unknown`: calls without any answer
    (in flight when the server died). `refused`: calls answered with an error, by `__type`.
    `timeline`: (seconds since start, status or None, error type, latency) per call.
    """

    def __init__(self, port, pool_id, writers, prefix=None, keep_going=False):
        self.port, self.pool_id, self.writers = port, pool_id, writers
        self.prefix = prefix or uuid.uuid4().hex[:6]
        self.keep_going = keep_going
        self.acked, self.unknown = set(), set()
        self.refused = {}
        self.timeline = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = []
        self.started = None

    def start(self):
        self.started = time.monotonic()
        for w in range(self.writers):
            thread = threading.Thread(target=self._writer, args=(w,), daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def _writer(self, w):
        n = 0
        while not self.stopping.is_set():
            name = f"{self.prefix}-w{w}-{n}"
            n += 1
            began = time.monotonic()
            try:
                status, answer = call(self.port, "AdminCreateUser", {
                    "UserPoolId": self.pool_id, "Username": name, "MessageAction": "SUPPRESS"})
            except CallFailed:
                with self.lock:
                    self.unknown.add(name)
                    self.timeline.append((began - self.started, None, "no answer", time.monotonic() - began))
                if not self.keep_going:
                    return
                time.sleep(0.05)
                continue
            with self.lock:
                error = answer.get("__type", "") if status != 200 else ""
                self.timeline.append((began - self.started, status, error, time.monotonic() - began))
                if status == 200:
                    self.acked.add(name)
                else:
                    self.refused[error] = self.refused.get(error, 0) + 1

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=120)


class PrivatePostgres:
    """A throw-away Postgres 15 cluster on its own port in a temporary directory, run as the
    `postgres` user when we are root (initdb refuses root). Never the system cluster."""

    BIN = "/usr/lib/postgresql/15/bin"

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="cognate-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def _run(self, tool, *args, check=True):
        command = [os.path.join(self.BIN, tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True)

    def start(self):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=on"
        self._run("pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "pg.log"),
                  "-o", options, "-w", "start")
        return self

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def url(self, database="postgres"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name):
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port),
                  "-U", "postgres", name)
        return self.url(name)

    def remove(self):
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
