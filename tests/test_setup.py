"""The set-up a newcomer and an operator rely on: the compose file, the Dockerfile, the
settings' refusals, /healthz, the Makefile, CI's script and the README's promises.

No Docker engine runs here, so the compose file is read as data and every command in it
is checked against the code it would start.
"""

import ast
import importlib
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import yaml
from celery.app.utils import find_app
from celery.bin.celery import celery as celery_cli
from django.conf import settings
from django.core.management import get_commands
from django.urls import resolve

from channels_viber.client import ViberClient, ViberError
from inbox.views.health import healthz
from socialcare import celery_app
from tests.brokers import UNREACHABLE, broker
from tests.helpers import require

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
SHARED_ENVIRONMENT = {
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEY",
    "ALLOWED_HOSTS",
    "SOCIALCARE_PUBLIC_URL",
    "SOCIALCARE_VAR_DIR",
}


@cache
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def commands_of(command: str | list[str]) -> list[list[str]]:
    """The programs a compose command runs: `sh -c "a && exec b"` is two of them."""
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if argv[:2] == ["sh", "-c"]:
        return [_strip_exec(shlex.split(part)) for part in argv[2].split("&&")]
    return [_strip_exec(argv)]


def _strip_exec(argv: list[str]) -> list[str]:
    return argv[1:] if argv[:1] == ["exec"] else argv


def option(argv: list[str], *names: str) -> str | None:
    for index, arg in enumerate(argv):
        if arg in names and index + 1 < len(argv):
            return argv[index + 1]
        for name in names:
            if name.startswith("--") and arg.startswith(name + "="):
                return arg.split("=", 1)[1]
    return None


def routed_queues() -> set[str]:
    return {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {
        settings.CELERY_TASK_DEFAULT_QUEUE
    }


def check_entry_point(argv: list[str]) -> None:
    """Fail unless `argv` starts something that exists in this code base."""
    program = argv[0]
    if program == "python" and argv[1:2] == ["manage.py"]:
        assert argv[2] in get_commands(), f"no management command {argv[2]!r}"
    elif program == "uvicorn":
        target = next(arg for arg in argv[1:] if not arg.startswith("-"))
        module_name, _, attribute = target.partition(":")
        module = importlib.import_module(module_name)
        assert callable(getattr(module, attribute, None)), f"{target} is not an ASGI app"
    elif program == "celery":
        app_name = option(argv, "-A", "--app")
        assert app_name, "celery without -A"
        assert find_app(app_name) is celery_app, f"-A {app_name} is not the project's app"
        subcommand = next(
            arg for arg in argv[argv.index(app_name) + 1 :] if not arg.startswith("-")
        )
        assert subcommand in celery_cli.commands, f"celery has no {subcommand!r} command"
        if subcommand == "worker":
            queues = set((option(argv, "-Q", "--queues") or "").split(","))
            assert routed_queues() <= queues, f"the worker skips {routed_queues() - queues}"
    else:
        pytest.fail(f"unknown entry point: {shlex.join(argv)}")


# --- docker-compose.yml and the Dockerfile --------------------------------------------------


def test_it_defines_the_production_services():
    assert set(compose()["services"]) == {"postgres", "redis", *APP_SERVICES}


@pytest.mark.parametrize("service", APP_SERVICES)
def test_it_points_every_service_command_at_real_code(service):
    command = compose()["services"][service]["command"]
    for argv in commands_of(command):
        check_entry_point(argv)


def test_it_migrates_before_serving():
    programs = [argv[0:3] for argv in commands_of(compose()["services"]["web"]["command"])]
    assert programs[0] == ["python", "manage.py", "migrate"]
    assert programs[-1][0] == "uvicorn"


def test_it_points_the_image_default_command_at_real_code():
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)
    assert cmd, "the Dockerfile has no CMD in exec form"
    check_entry_point(json.loads(cmd.group(1)))


def test_it_builds_on_the_python_the_project_pins():
    pinned = (ROOT / ".python-version").read_text().strip()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(rf"^FROM python:{re.escape(pinned)}-slim$", dockerfile, re.MULTILINE)
    assert "uv sync --frozen --no-dev" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE), "runs as root"


def test_it_gives_web_worker_and_beat_the_same_environment():
    services = compose()["services"]
    keys = {service: set(services[service]["environment"]) for service in APP_SERVICES}
    assert keys["web"] == keys["worker"] == keys["beat"]
    assert keys["web"] >= SHARED_ENVIRONMENT


def test_it_documents_every_required_variable_in_the_env_example():
    required = set(re.findall(r"\$\{(\w+):\?", (ROOT / "docker-compose.yml").read_text()))
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*(\w+)=", example, re.MULTILINE))
    assert required, "the compose file requires nothing from .env"
    assert required <= documented, f"missing from .env.example: {required - documented}"


@pytest.mark.parametrize("service", ["postgres", "redis", *APP_SERVICES])
def test_it_health_checks_every_service_or_waits_for_one(service):
    services = compose()["services"]
    spec = services[service]
    healthy_dependencies = [
        name
        for name, dependency in (spec.get("depends_on") or {}).items()
        if dependency.get("condition") == "service_healthy" and "healthcheck" in services[name]
    ]
    assert "healthcheck" in spec or healthy_dependencies


def test_it_health_checks_web_on_healthz():
    probe = " ".join(compose()["services"]["web"]["healthcheck"]["test"])
    path = re.search(r"http://127\.0\.0\.1:8000(/\S*?)['\"]", probe)
    assert path, probe
    assert resolve(path.group(1), urlconf="socialcare.urls").func is healthz


def test_it_keeps_data_and_media_in_volumes():
    spec = compose()
    volumes = set(spec["volumes"])
    postgres_mounts = dict(m.split(":")[::-1] for m in spec["services"]["postgres"]["volumes"])
    assert postgres_mounts["/var/lib/postgresql/data"] in volumes
    for service in APP_SERVICES:
        environment = spec["services"][service]["environment"]
        mounts = dict(m.split(":")[::-1] for m in spec["services"][service]["volumes"])
        assert mounts[environment["SOCIALCARE_VAR_DIR"]] in volumes


# --- settings refuse to start without production keys ----------------------------------


def start_django(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess:
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "socialcare.settings",
        "SOCIALCARE_VAR_DIR": str(tmp_path / "var"),
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


FERNET_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
STRONG_SECRET = "a-secret-for-this-test-only-0123456789-abcdef"


def test_it_refuses_to_start_without_a_secret_key(tmp_path):
    result = start_django(tmp_path, FIELD_ENCRYPTION_KEY=FERNET_KEY)

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_refuses_to_start_without_an_encryption_key(tmp_path):
    result = start_django(tmp_path, SECRET_KEY=STRONG_SECRET)

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY is not set" in result.stderr


def test_it_refuses_a_weak_secret_key_in_production(tmp_path):
    result = start_django(tmp_path, SECRET_KEY="changeme", FIELD_ENCRYPTION_KEY=FERNET_KEY)

    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_it_refuses_an_encryption_key_that_is_not_a_fernet_key(tmp_path):
    result = start_django(tmp_path, SECRET_KEY=STRONG_SECRET, FIELD_ENCRYPTION_KEY="hunter2")

    assert result.returncode != 0
    assert "must be Fernet keys" in result.stderr


def test_it_starts_in_production_mode_with_both_keys(tmp_path):
    result = start_django(tmp_path, SECRET_KEY=STRONG_SECRET, FIELD_ENCRYPTION_KEY=FERNET_KEY)

    assert result.returncode == 0, result.stderr


def test_a_facebook_app_without_its_secret_stops_start_up_naming_it(tmp_path):
    result = start_django(tmp_path, DEBUG="1", FACEBOOK_APP_ID="1234", FACEBOOK_APP_SECRET="")

    assert result.returncode != 0
    assert "FACEBOOK_APP_SECRET is not set" in result.stderr


def test_the_facebook_channel_starts_with_its_secret(tmp_path):
    result = start_django(tmp_path, DEBUG="1", FACEBOOK_APP_ID="1234", FACEBOOK_APP_SECRET="s" * 32)

    assert result.returncode == 0, result.stderr


def test_it_starts_without_keys_in_debug_mode(tmp_path):
    result = start_django(tmp_path, DEBUG="1")

    assert result.returncode == 0, result.stderr


def test_it_refuses_the_sandbox_in_production_saying_why(tmp_path):
    result = start_django(
        tmp_path, SECRET_KEY=STRONG_SECRET, FIELD_ENCRYPTION_KEY=FERNET_KEY, SOCIALCARE_SANDBOX="1"
    )

    assert result.returncode != 0
    assert "SOCIALCARE_SANDBOX is on while DEBUG is off" in result.stderr
    assert "public app secret" in result.stderr


def test_it_starts_the_sandbox_in_debug_mode_as_make_run_does(tmp_path):
    result = start_django(tmp_path, DEBUG="1", SOCIALCARE_SANDBOX="1")

    assert result.returncode == 0, result.stderr


def test_it_starts_in_production_with_the_sandbox_explicitly_off(tmp_path):
    result = start_django(
        tmp_path, SECRET_KEY=STRONG_SECRET, FIELD_ENCRYPTION_KEY=FERNET_KEY, SOCIALCARE_SANDBOX="0"
    )

    assert result.returncode == 0, result.stderr


# --- /healthz -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_reports_database_and_broker_healthy(client):
    # Both passes run this: the filesystem broker embedded, Redis in CI's second pass.
    assert celery_app.conf.broker_url == (settings.REDIS_URL or "filesystem://")

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() | {"database": "ok", "broker": "ok"} == response.json()


@pytest.mark.django_db
def test_it_answers_503_when_the_broker_is_unreachable(client):
    with broker(UNREACHABLE):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] != "ok"


# --- Makefile and CI ----------------------------------------------------------------------


def make_dry_run(target: str, **environment: str) -> str:
    require(shutil.which("make") is not None, "GNU make is not installed")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SOCIALCARE_SANDBOX", "SOCIALCARE_SANDBOX_URL", "PORT"}
        and not key.startswith("MAKE")
        and key != "MFLAGS"
    }
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", target],
        cwd=ROOT,
        env={**env, **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def line_running(output: str, program: str) -> str:
    lines = [line for line in output.splitlines() if program in line]
    assert lines, f"no line runs {program}:\n{output}"
    return lines[-1]


def test_it_runs_the_demo_with_the_sandbox_on():
    output = make_dry_run("run", PORT="8123")
    honcho = line_running(output, "honcho start")

    assert "SOCIALCARE_SANDBOX=1" in honcho
    assert "DEBUG=1" in honcho
    assert "SOCIALCARE_SANDBOX_URL=http://127.0.0.1:8123" in honcho
    assert "--port 8123" in honcho
    assert "Procfile.dev" in honcho


def test_it_lets_the_environment_turn_the_sandbox_off():
    honcho = line_running(make_dry_run("run", SOCIALCARE_SANDBOX="0"), "honcho start")

    assert "SOCIALCARE_SANDBOX=0" in honcho
    assert "SOCIALCARE_SANDBOX=1" not in honcho


def test_it_migrates_and_loads_the_demo_with_commands_that_exist():
    output = make_dry_run("run")
    commands = re.findall(r"manage\.py (\w+)", output)

    assert commands[:2] == ["migrate", "demo"]
    assert set(commands) <= set(get_commands())


def test_it_starts_web_worker_and_beat_from_the_procfile():
    processes = {}
    for line in (ROOT / "Procfile.dev").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, command = line.partition(":")
            processes[name.strip()] = shlex.split(command.replace("$PORT", "8000"))
    assert set(processes) == {"web", "worker", "beat", "simulator", "viber_simulator"}
    for argv in processes.values():
        check_entry_point(argv)


def test_it_runs_the_tests_in_debug_mode_without_the_sandbox():
    pytest_line = line_running(make_dry_run("test"), "-m pytest")

    assert "DEBUG=1" in pytest_line
    assert "SOCIALCARE_SANDBOX=1" not in pytest_line


def ci_commands() -> list[str]:
    script = (ROOT / ".ci" / "run").read_text().replace("\\\n", " ")
    return [line.strip() for line in script.splitlines() if not line.strip().startswith("#")]


def test_it_runs_ci_twice_embedded_then_on_postgres_and_redis():
    path = ROOT / ".ci" / "run"
    assert os.access(path, os.X_OK), ".ci/run is not executable"
    assert "set -euo pipefail" in ci_commands()
    assert subprocess.run(["bash", "-n", str(path)], capture_output=True).returncode == 0

    passes = [
        line
        for line in ci_commands()
        if re.search(r"\bmake test\b", line) and not line.startswith(("header", "echo", "printf"))
    ]
    assert len(passes) == 2, passes
    embedded, production = passes
    assert "DATABASE_URL=" not in embedded.replace("-u DATABASE_URL", "")
    database = re.search(r"DATABASE_URL=postgres://postgres@127\.0\.0\.1:5432/(\w+)", production)
    assert database, production
    assert "REDIS_URL=redis://127.0.0.1:6379/0" in production
    creates = " ".join(ci_commands())
    assert f"createdb -h 127.0.0.1 -U postgres {database.group(1)}" in creates


@cache
def smoke_driver():
    """.ci/smoke.py as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("ci_smoke", ROOT / ".ci" / "smoke.py")
    module = importlib.util.module_from_spec(spec)
    # Its dataclasses look their module up by name while the class is made.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_it_runs_the_production_smoke_test_after_both_test_passes():
    commands = ci_commands()
    smoke = [index for index, line in enumerate(commands) if re.search(r"\.ci/smoke\b", line)]
    last_test_pass = max(i for i, line in enumerate(commands) if re.search(r"\bmake test\b", line))

    assert smoke and smoke[-1] > last_test_pass, "CI does not run .ci/smoke after make test"
    assert "socialcare_smoke" in commands[smoke[-1]], "the smoke test shares a database"
    path = ROOT / ".ci" / "smoke"
    assert os.access(path, os.X_OK), ".ci/smoke is not executable"
    assert subprocess.run(["bash", "-n", str(path)], capture_output=True).returncode == 0
    script = path.read_text()
    assert "set -euo pipefail" in script
    assert re.search(r"UV_PROJECT_ENVIRONMENT=\S+ \S+ sync --frozen --no-dev", script)
    assert "trap cleanup EXIT" in script


def test_it_smoke_tests_with_the_compose_files_commands():
    smoke = smoke_driver()
    services = compose()["services"]

    assert commands_of(services["web"]["command"]) == [smoke.MIGRATE, smoke.WEB]
    assert commands_of(services["worker"]["command"]) == [smoke.WORKER]
    assert commands_of(services["beat"]["command"]) == [smoke.BEAT]
    assert " ".join(smoke.COLLECTSTATIC) in (ROOT / "Dockerfile").read_text()


def test_it_smoke_tests_with_production_settings_for_every_compose_variable(tmp_path):
    smoke = smoke_driver()
    environment = smoke.Smoke(
        venv=tmp_path, workdir=tmp_path, database_url="postgres://x/y", redis_url="redis://x/1"
    ).env
    fixed = compose()["services"]["web"]["environment"]

    assert set(fixed) <= set(environment), set(fixed) - set(environment)
    assert environment["DEBUG"] == fixed["DEBUG"] == "0"
    assert environment["SOCIALCARE_SANDBOX"] == "0"
    assert len(environment["SECRET_KEY"]) >= 50
    assert str(tmp_path) in environment["PATH"].split(":")[0], "not the runtime venv first"


def test_it_writes_the_smoke_driver_with_the_standard_library_only():
    # The runtime environment that runs it has no dev tools, and it must not need any.
    tree = ast.parse((ROOT / ".ci" / "smoke.py").read_text())
    nodes = list(ast.walk(tree))
    imported = {a.name for n in nodes if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in nodes if isinstance(n, ast.ImportFrom) and n.level == 0}
    tops = {name.split(".")[0] for name in imported}

    assert tops, "found no imports in .ci/smoke.py"
    assert tops <= sys.stdlib_module_names | {"__future__"}, tops - sys.stdlib_module_names


def test_it_smoke_tests_against_a_fake_viber_the_real_client_understands(settings):
    smoke = smoke_driver()
    fake = smoke.FakeViber(token="the-bot-token")
    port = smoke.free_port()
    server = smoke.serve_fake(fake, port)
    settings.VIBER_API_URL = f"http://127.0.0.1:{port}/pa"
    try:
        info = ViberClient("the-bot-token").account_info()
        token = ViberClient("the-bot-token").send_message(
            {"receiver": "abc=", "type": "text", "text": "Hi", "sender": {"name": "Acme"}}
        )
        with pytest.raises(ViberError) as refused:
            ViberClient("another-token").account_info()
        with pytest.raises(ViberError) as unreachable:
            ViberClient("the-bot-token").set_webhook("http://127.0.0.1:9/nowhere/", [])
    finally:
        server.shutdown()

    assert info["id"] == smoke.BOT_ID
    assert token == str(fake.sent[0]["message_token"])
    assert refused.value.token_invalid
    assert refused.value.status == 2
    assert unreachable.value.status == 1


# --- README -------------------------------------------------------------------------------


def readme() -> str:
    return (ROOT / "README.md").read_text()


def makefile_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][\w-]*):(?!=)", makefile, re.MULTILINE))


def test_it_shows_make_run_and_make_test_first():
    quick_start = readme().split("## Quick start", 1)[1].split("\n## ", 1)[0]

    assert "make run" in quick_start
    assert "make test" in quick_start


def readme_commands() -> list[str]:
    """The README's code: each line of its code blocks and each inline code span."""
    text = readme()
    blocks = re.findall(r"```[^\n]*\n(.*?)```", text, re.DOTALL)
    spans = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.DOTALL))
    return [line.strip() for block in blocks for line in block.splitlines()] + spans


def test_it_documents_only_make_targets_that_exist():
    documented = {
        match.group(1)
        for command in readme_commands()
        if (match := re.match(r"(?:\w+=\S+ )*make (\w[\w-]*)", command))
    }

    assert {"run", "test", "bench"} <= documented
    assert documented <= makefile_targets(), documented - makefile_targets()


def test_it_documents_only_management_commands_that_exist():
    documented = set(re.findall(r"manage\.py (\w+)", readme()))

    assert {"channels", "drf_create_token", "replay_events", "createsuperuser"} <= documented
    assert documented <= set(get_commands()), documented - set(get_commands())


def test_it_documents_every_setting_read_from_the_environment():
    source = (ROOT / "socialcare" / "settings.py").read_text()
    names = set(re.findall(r"(?:environ\.get|env_bool|env_list|environ\[)\(?\s*[\"'](\w+)", source))
    table = readme().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(\w+)`", table, re.MULTILINE))

    assert names, "found no environment variables in the settings"
    assert names <= documented, f"not in the README's Configuration table: {names - documented}"
