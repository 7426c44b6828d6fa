"""Without Redis, live events cross processes on one machine through Unix datagram
sockets: what the worker process publishes reaches the web process's streams."""

import json
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from inbox import live_socket, realtime

# transaction=True: the second process opens the same test database, unhindered by a
# transaction this one holds open.
pytestmark = pytest.mark.django_db(transaction=True)

EVENT = {"type": "conversation.updated", "conversation": 7, "actor": None}

# The second process: the project's settings, this run's test database (the name the
# sockets are keyed by), no Redis.
CHILD_SETUP = """
import os, django
django.setup()
from django.conf import settings
settings.DATABASES["default"]["NAME"] = os.environ["LIVE_TEST_DATABASE"]
from inbox import realtime
"""


@pytest.fixture(autouse=True)
def no_redis(settings):
    settings.REDIS_URL = ""


def run_in_another_process(code: str) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "socialcare.settings",
        "DEBUG": "1",
        "LIVE_TEST_DATABASE": str(django_settings.DATABASES["default"]["NAME"]),
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", CHILD_SETUP + code],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_it_delivers_an_event_published_in_another_process():
    with realtime.subscription(["account:1"]) as get:
        run_in_another_process(f"realtime.publish(['account:1', 'user:3'], {EVENT!r})")

        assert json.loads(get(5)) == EVENT
        assert get(0.2) is None


def test_it_delivers_once_to_this_processs_own_subscribers():
    with realtime.subscription(["account:1"]) as get:
        realtime.publish(["account:1"], EVENT)

        assert json.loads(get(5)) == EVENT
        assert get(0.2) is None


def test_it_removes_a_stale_socket_and_delivers_the_rest():
    stale = bind_peer("stale")
    stale.close()  # its process died: the file stays, nobody reads it
    with realtime.subscription(["account:1"]) as get:
        realtime.publish(["account:1"], EVENT)

        assert json.loads(get(5)) == EVENT
    assert not (live_socket.directory() / "stale.sock").exists()


def test_it_warns_and_goes_on_when_a_peer_does_not_read(caplog):
    stuck = bind_peer("stuck")
    try:
        with caplog.at_level(logging.WARNING, logger="inbox.live_socket"):
            # Its queue fills (10 datagrams on Linux); publishing never fails for it.
            for _ in range(1000):
                realtime.publish(["account:1"], EVENT)
                if caplog.records:
                    break

        assert "live events not sent to stuck.sock" in caplog.text
    finally:
        stuck.close()
        (live_socket.directory() / "stuck.sock").unlink(missing_ok=True)


def test_a_process_removes_its_socket_when_it_exits():
    path = run_in_another_process(
        "from inbox import live_socket\n"
        "with realtime.subscription(['account:1']):\n"
        "    print(live_socket.own_path())\n"
    ).strip()

    assert path.endswith(".sock")
    assert Path(path).parent == live_socket.directory()
    assert not Path(path).exists()


def bind_peer(name: str) -> socket.socket:
    folder = live_socket.directory()
    folder.mkdir(parents=True, exist_ok=True)
    peer = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    peer.bind(str(folder / f"{name}.sock"))
    return peer
