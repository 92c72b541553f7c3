"""A FLEX Watch site for a benchmark: a workspace, the demo data, a server.

The site runs as ``flexwatch`` subprocesses exactly as an operator would run
it (``init``, ``demo``, ``serve``), so what is measured is the real server and
not a test client.
"""

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from bench.options import BenchmarkError

log = logging.getLogger(__name__)

_SETUP_TIMEOUT_S = 180.0
_START_TIMEOUT_S = 30.0
_STOP_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Site:
    """A running server: where it answers and which process it is."""

    url: str
    pid: int
    threads: int


@contextmanager
def running_site(
    database_url: str,
    threads: int,
    prepare: Callable[[dict[str, str]], None] | None = None,
) -> Iterator[Site]:
    """Prepare a workspace with the demo data and serve it until exit.

    Args:
        database_url: An empty database for ``FLEXWATCH_DATABASE_URL``.
        threads: Request threads for ``flexwatch serve``.
        prepare: Called with the environment the ``flexwatch`` commands get,
            once the demo is loaded and before the server starts, to add a
            benchmark's own data.

    Yields:
        The site, once ``/health`` answers.

    Raises:
        BenchmarkError: A step failed or took too long; the server is stopped.
    """
    with tempfile.TemporaryDirectory(prefix="flexwatch-bench-") as folder:
        env = _environment(database_url, Path(folder))
        _flexwatch("init", env=env)
        _flexwatch("demo", env=env)
        if prepare is not None:
            prepare(env)
        log_path = Path(folder) / "server.log"
        with log_path.open("wb") as server_log:
            process, url = _serve(env, threads, server_log)
            try:
                _wait_until_healthy(url, process)
                yield Site(url=url, pid=process.pid, threads=threads)
            except BaseException:
                _show_tail(log_path)
                raise
            finally:
                _stop(process)


def _environment(database_url: str, folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLEXWATCH_")}
    return env | {
        "FLEXWATCH_DATABASE_URL": database_url,
        "FLEXWATCH_DATA_DIR": str(folder),
        "FLEXWATCH_DEBUG": "false",
        "FLEXWATCH_LOG_LEVEL": "WARNING",
    }


def _command() -> str:
    # The script installed beside this interpreter, so a virtualenv's python
    # runs the same installation's flexwatch.
    beside = Path(sys.executable).with_name("flexwatch")
    found = str(beside) if beside.exists() else shutil.which("flexwatch")
    if found is None:
        raise BenchmarkError(
            "The flexwatch command was not found; run `make install` first."
        )
    return found


def _flexwatch(*args: str, env: dict[str, str]) -> None:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [_command(), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=_SETUP_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as problem:
        raise BenchmarkError(
            f"flexwatch {' '.join(args)} took more than {_SETUP_TIMEOUT_S:.0f} s."
        ) from problem
    if done.returncode != 0:
        raise BenchmarkError(
            f"flexwatch {' '.join(args)} failed with status {done.returncode}:\n"
            f"{done.stdout}{done.stderr}"
        )
    log.info("flexwatch %s: %.1f s", " ".join(args), time.perf_counter() - started)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(
    env: dict[str, str], threads: int, server_log: IO[bytes]
) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = [_command(), "serve", "--port", str(port), "--threads", str(threads)]
    process = subprocess.Popen(
        command, env=env, stdout=server_log, stderr=subprocess.STDOUT
    )
    return process, f"http://127.0.0.1:{port}"


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchmarkError(
                f"flexwatch serve stopped with status {process.returncode}."
            )
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                if answer.status == 200:
                    log.info("Server answering at %s (pid %s)", url, process.pid)
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise BenchmarkError(
        f"flexwatch serve did not answer {url}/health within {_START_TIMEOUT_S:.0f} s."
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=_STOP_TIMEOUT_S)
    log.info("Server stopped (status %s)", process.returncode)


def _show_tail(log_path: Path, lines: int = 40) -> None:
    tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    if tail:
        log.error("Last lines of the server's output:\n%s", "\n".join(tail))
