"""Live events between processes on one machine, without Redis.

`make run` starts the web server and the Celery worker as separate processes: a message
the worker ingests is published there, while the browser's stream waits in the web
process. A process with live subscribers binds one Unix datagram socket in a directory
shared by every process on the same database, and a daemon thread hands what arrives to
its subscribers; publishers send a copy to every other socket in that directory.

Best effort, like the rest of the live updates: a full or vanished peer costs that peer
an event, never the write that published it. Without AF_UNIX (Windows) events stay in
their process.
"""

import atexit
import hashlib
import json
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)
# One datagram per published batch, split so that each stays far below the receive
# buffer: events hold ids only (~200 bytes), and Linux queues only 10 datagrams per socket.
EVENTS_PER_DATAGRAM = 50
MAX_DATAGRAM = 64 * 1024

Encoded = list[tuple[list[str], str]]
Deliver = Callable[[list[str], str], None]

_lock = threading.Lock()
# (pid, socket path or None when binding failed): a forked child binds its own.
_bound: tuple[int, Path | None] | None = None


def directory() -> Path:
    """Keyed by database, so a test run (its own SQLite file) never hears the demo."""
    name = str(settings.DATABASES["default"]["NAME"])
    return Path(settings.VAR_DIR) / "live" / hashlib.sha256(name.encode()).hexdigest()[:12]


def own_path() -> Path | None:
    bound = _bound
    return bound[1] if bound and bound[0] == os.getpid() else None


def listen(deliver: Deliver) -> None:
    """Bind this process's socket and start its reader, once per process."""
    global _bound
    if not hasattr(socket, "AF_UNIX"):
        return
    with _lock:
        if _bound and _bound[0] == os.getpid():
            return
        path = directory() / f"{os.getpid()}-{secrets.token_hex(3)}.sock"
        _bound = (os.getpid(), None)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            # Only this user's processes may put events on its agents' screens.
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            sock.bind(str(path))
        except OSError:
            sock.close()
            log.warning("live events stay in this process: cannot bind %s", path, exc_info=True)
            return
        _bound = (os.getpid(), path)
    atexit.register(_remove, os.getpid(), path)
    threading.Thread(target=_read, args=(sock, deliver), name="live-socket", daemon=True).start()


def _read(sock: socket.socket, deliver: Deliver) -> None:
    while True:
        datagram = sock.recv(MAX_DATAGRAM)
        try:
            for streams, data in json.loads(datagram):
                deliver(streams, data)
        except Exception:  # noqa: BLE001 - one bad datagram must not end the reader
            log.warning("live datagram not delivered", exc_info=True)


def _remove(pid: int, path: Path) -> None:
    # atexit handlers survive fork: only the process that bound the file removes it.
    if os.getpid() == pid:
        path.unlink(missing_ok=True)
        # Each test run has its own directory; the last process out takes it along.
        with suppress(OSError):
            path.parent.rmdir()


def send(encoded: Encoded) -> None:
    """Copy events to every other process listening on this database. Never raises."""
    if not encoded or not hasattr(socket, "AF_UNIX"):
        return
    try:
        peers = [p for p in directory().glob("*.sock") if p != own_path()]
        if not peers:
            return
        datagrams = list(_datagrams(encoded))
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.setblocking(False)
            for peer in peers:
                _send_to(sock, peer, datagrams)
    except OSError:  # no directory yet (nobody listens), or out of file descriptors
        log.debug("live events not sent to other processes", exc_info=True)


def _datagrams(encoded: Encoded) -> Iterator[bytes]:
    for start in range(0, len(encoded), EVENTS_PER_DATAGRAM):
        yield json.dumps(encoded[start : start + EVENTS_PER_DATAGRAM]).encode()


def _send_to(sock: socket.socket, peer: Path, datagrams: list[bytes]) -> None:
    try:
        for datagram in datagrams:
            sock.sendto(datagram, str(peer))
    except (ConnectionRefusedError, FileNotFoundError):
        # Its process died without cleaning up (killed): nobody will read it again.
        peer.unlink(missing_ok=True)
    except OSError:
        # Most likely its queue is full (a busy or stuck reader); it misses these events.
        log.warning("live events not sent to %s", peer.name, exc_info=True)
