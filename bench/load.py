"""Load from a separate process: clients that sign in, then ask for one path.

``measure()`` starts ``python -m bench.load`` with a plan as JSON on standard
input and reads the result as JSON from its standard output, so the load never
shares an interpreter (or its lock) with the server it measures. By hand:

    echo '{"url": "http://127.0.0.1:8000", "path": "/", "username": "fi-admin",
           "password": "flexwatch-demo", "clients": 4, "warmup_s": 1,
           "duration_s": 5}' | .venv/bin/python -m bench.load

Each client is a thread with its own keep-alive connection (``http.client``)
and cookies. It fetches the sign-in form for the CSRF cookie and token, posts
the username and password, and keeps the session cookie. When every client has
signed in, all of them ask for ``path`` over and over, each waiting for its
answer before the next question, for ``warmup_s`` and then ``duration_s``
seconds. Only answers that arrive inside the measured window count.

A plan with ``tokens`` is for the API: its clients do not sign in but send
``Authorization: Bearer TOKEN`` with every request, client ``i`` the token
``tokens[i % len(tokens)]``.

An answer is good when its status is 200, it holds every ``expect`` text and
none of the ``refuse`` texts; anything else, including a broken connection,
is an error and is counted by kind.
"""

import http.client
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench.options import BenchmarkError

# Named, not __name__: run with -m, this module is "__main__".
log = logging.getLogger("bench.load")

SIGN_IN_PATH = "/accounts/sign-in/"
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_REQUEST_TIMEOUT_S = 30.0
# Every client has its password hashed on the server (PBKDF2, half a second of
# CPU each on a small machine), so signing twenty in takes a while.
_SIGN_IN_TIMEOUT_S = 120.0
_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Plan:
    """What load to make: where, as whom, how many clients, for how long."""

    url: str
    path: str
    username: str
    password: str
    clients: int
    warmup_s: float
    duration_s: float
    expect: list[str] = field(default_factory=list)
    refuse: list[str] = field(default_factory=list)
    watch_pids: dict[str, int] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)

    def token_for(self, client: int) -> str | None:
        """The API token client number ``client`` sends; None to sign in."""
        return self.tokens[client % len(self.tokens)] if self.tokens else None


@dataclass(frozen=True)
class Result:
    """What the measured window saw. Latencies are of good answers only."""

    good: int
    errors: int
    error_kinds: dict[str, int]
    window_s: float
    requests_per_second: float
    p50_ms: float | None
    p95_ms: float | None
    max_ms: float | None
    sign_in_s: float
    cpu_percent: dict[str, float | None]


def measure(plan: Plan) -> Result:
    """Run the plan in a separate load process and return what it measured.

    Raises:
        BenchmarkError: The load process failed or overran its time.
    """
    limit = _SIGN_IN_TIMEOUT_S + plan.warmup_s + plan.duration_s + 60
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.load"],
            input=json.dumps(asdict(plan)),
            stdout=subprocess.PIPE,
            text=True,
            cwd=_ROOT,
            timeout=limit,
            check=False,
        )
    except subprocess.TimeoutExpired as problem:
        raise BenchmarkError(f"The load process ran over {limit:.0f} s.") from problem
    if done.returncode != 0:
        raise BenchmarkError(f"The load process failed (status {done.returncode}).")
    return Result(**json.loads(done.stdout))


class _Client:
    """One visitor: a keep-alive connection, its cookies or its API token."""

    def __init__(self, plan: Plan, token: str | None = None) -> None:
        parts = urlsplit(plan.url)
        self.plan = plan
        self.token = token
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1", parts.port or 80, timeout=_REQUEST_TIMEOUT_S
        )

    def request(
        self, method: str, path: str, form: str | None = None
    ) -> tuple[int, str]:
        headers = {"Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"

        try:
            self.connection.request(method, path, body=form, headers=headers)
            response = self.connection.getresponse()
            page = response.read().decode("utf-8", errors="replace")
        except (OSError, http.client.HTTPException):
            # A fresh connection opens on the next request.
            self.connection.close()
            raise

        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, page

    def sign_in(self) -> None:
        status, page = self.request("GET", SIGN_IN_PATH)
        token = _CSRF_FIELD.search(page)
        if status != 200 or token is None:
            raise BenchmarkError(
                f"GET {SIGN_IN_PATH} answered {status} without a CSRF token."
            )

        form = urlencode(
            {
                "csrfmiddlewaretoken": token[1],
                "username": self.plan.username,
                "password": self.plan.password,
            }
        )
        status, _page = self.request("POST", SIGN_IN_PATH, form)
        if status != 302:
            raise BenchmarkError(
                f"Signing in as {self.plan.username!r} was refused (status {status})."
            )

    def judge(self, status: int, page: str) -> str | None:
        """None for a good answer, else the kind of error."""
        if status != 200:
            return f"status {status}"
        if any(text in page for text in self.plan.refuse):
            return "refused text present"
        if not all(text in page for text in self.plan.expect):
            return "expected text missing"
        return None


class _Run:
    """The shared clock and the samples of one load run."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.created = time.perf_counter()
        self.started = threading.Event()
        self.start = 0.0
        self.barrier = threading.Barrier(plan.clients, action=self._go)
        self.samples: list[tuple[float, str | None]] = []
        self.failures: list[BaseException] = []
        self.lock = threading.Lock()

    def _go(self) -> None:
        self.start = time.perf_counter()
        self.started.set()

    @property
    def window(self) -> tuple[float, float]:
        begin = self.start + self.plan.warmup_s
        return begin, begin + self.plan.duration_s

    def client(self, number: int) -> None:
        """The body of client thread ``number``."""
        visitor = _Client(self.plan, self.plan.token_for(number))
        try:
            if visitor.token is None:
                visitor.sign_in()
            self.barrier.wait(timeout=_SIGN_IN_TIMEOUT_S)
        except Exception as problem:
            self.failures.append(problem)
            self.barrier.abort()
            return

        begin, end = self.window
        mine: list[tuple[float, str | None]] = []
        while (sent := time.perf_counter()) < end:
            try:
                kind = visitor.judge(*visitor.request("GET", self.plan.path))
            except (OSError, http.client.HTTPException) as problem:
                kind = type(problem).__name__
            answered = time.perf_counter()
            if begin <= answered <= end:
                mine.append((answered - sent, kind))
        with self.lock:
            self.samples.extend(mine)


def drive(plan: Plan) -> Result:
    """Run the plan with threads in this process (``measure`` runs it apart)."""
    run = _Run(plan)
    threads = [
        threading.Thread(target=run.client, args=(number,))
        for number in range(plan.clients)
    ]
    for thread in threads:
        thread.start()

    cpu = _CpuWatch(plan.watch_pids)
    if run.started.wait(timeout=_SIGN_IN_TIMEOUT_S):
        log.info("%s clients signed in; measuring", plan.clients)
        begin, end = run.window
        time.sleep(max(0.0, begin - time.perf_counter()))
        cpu.mark()
        time.sleep(max(0.0, end - time.perf_counter()))
        cpu.mark()
    for thread in threads:
        thread.join(timeout=_REQUEST_TIMEOUT_S + 5)

    _raise_first_failure(run.failures)
    return _summarise(run, cpu.percent())


def _raise_first_failure(failures: list[BaseException]) -> None:
    # A client that failed breaks the barrier for all the others; report the
    # cause, not the broken barrier.
    causes = [f for f in failures if not isinstance(f, threading.BrokenBarrierError)]
    if causes:
        raise causes[0]
    if failures:
        raise BenchmarkError("The clients did not all sign in in time.")


def _summarise(run: _Run, cpu_percent: dict[str, float | None]) -> Result:
    latencies = sorted(seconds * 1000 for seconds, kind in run.samples if kind is None)
    kinds = Counter(kind for _seconds, kind in run.samples if kind is not None)
    return Result(
        good=len(latencies),
        errors=sum(kinds.values()),
        error_kinds=dict(kinds),
        window_s=run.plan.duration_s,
        requests_per_second=len(latencies) / run.plan.duration_s,
        p50_ms=_percentile(latencies, 50),
        p95_ms=_percentile(latencies, 95),
        max_ms=latencies[-1] if latencies else None,
        sign_in_s=run.start - run.created,
        cpu_percent=cpu_percent,
    )


def _percentile(ordered: list[float], percent: int) -> float | None:
    if len(ordered) < 2:
        return ordered[0] if ordered else None
    return statistics.quantiles(ordered, n=100, method="inclusive")[percent - 1]


class _CpuWatch:
    """CPU used by this process and by watched processes between two marks.

    Reported as percent of one core, so 200 means two cores kept busy.
    """

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.marks: list[tuple[float, float, dict[str, float | None]]] = []

    def mark(self) -> None:
        others = {name: _cpu_seconds(pid) for name, pid in self.pids.items()}
        self.marks.append((time.perf_counter(), time.process_time(), others))

    def percent(self) -> dict[str, float | None]:
        if len(self.marks) != 2:
            return {}
        (wall0, own0, others0), (wall1, own1, others1) = self.marks
        wall = wall1 - wall0
        used: dict[str, float | None] = {"load": 100 * (own1 - own0) / wall}
        for name in self.pids:
            before, after = others0[name], others1[name]
            if before is None or after is None:
                used[name] = None
            else:
                used[name] = 100 * (after - before) / wall
        return used


def _cpu_seconds(pid: int) -> float | None:
    """CPU time a process has used so far (Linux ``/proc``; None elsewhere)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return None
    # Fields 14 and 15 are user and system time in clock ticks; the command
    # name before them may hold spaces, so count from its closing ")".
    fields = stat.rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s"
    )
    plan = Plan(**json.load(sys.stdin))
    try:
        result = drive(plan)
    except (BenchmarkError, OSError, http.client.HTTPException) as problem:
        log.error("%s", problem)
        sys.exit(1)
    print(json.dumps(asdict(result)))


if __name__ == "__main__":
    main()
