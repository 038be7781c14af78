"""The deployment recipe under deploy/ names real settings and commands, and holds together.

Nothing here builds or runs a container: the image's install steps run in a plain venv
in tests/test_wheels.py. These checks read the files: every ``PDMS_*`` variable is one
``Settings.from_env`` reads, every ``pdms ...`` command line names a command and
options the CLI has, the compose file's services start in the right order, the
Containerfile serves what the settings say, and the systemd units hold the keys the
docs rely on.
"""

from __future__ import annotations

import configparser
import dataclasses
import json
import re
import shutil
import subprocess
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import click
import pytest
import yaml
from packaging.specifiers import SpecifierSet

from pdms_core.cli import build_cli
from pdms_core.cli.context import CliState
from pdms_core.host import installed_entry_points
from pdms_core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
DOCS = ROOT / "docs" / "deployment.md"
CONTAINERFILE = DEPLOY / "Containerfile"
COMPOSE = DEPLOY / "compose.yaml"
ENV_EXAMPLE = DEPLOY / "pdms.env.example"
WORKER = DEPLOY / "worker.sh"
SYSTEMD = DEPLOY / "systemd"

#: The recipe's files (git's own ignore file aside).
RECIPE = sorted(path for path in DEPLOY.rglob("*") if path.is_file() and path.name != ".gitignore")

#: Commands to run on a schedule, and how often: each that the CLI has must be run by
#: the container worker and by the systemd units. Modules' commands can join this.
PERIODIC: dict[tuple[str, ...], str] = {
    ("notifications", "send"): "frequent",
    ("notifications", "status"): "frequent",
    ("reminders", "run"): "daily",
    ("documents", "purge"): "daily",
}

#: A whole variable name; families written ``PDMS_SMTP_*`` are not one.
VARIABLE = re.compile(r"(?<![A-Za-z0-9_])PDMS_[A-Z0-9_]*[A-Z0-9](?![A-Za-z0-9_*])")
#: Where a command line ends.
STOP = {"&&", "||", ";", "|", ">", ">>", "2>", "2>&1", ")", "\\", "&"}


# -- settings -----------------------------------------------------------------------


def setting_variables() -> set[str]:
    """What ``Settings.from_env`` reads: ``PDMS_<FIELD>`` for each field (as
    tests/test_readme_settings.py derives them), and ``PDMS_CONFIG``."""
    return {
        f"PDMS_{field.name.upper()}"
        for field in dataclasses.fields(Settings)
        if field.name != "plugin_sections"
    } | {"PDMS_CONFIG"}


def cli_variables() -> set[str]:
    """What the CLI reads from the environment itself (``PDMS_ADMIN_PASSWORD`` ...)."""
    pattern = re.compile(r"environ(?:\.get\(|\[)\s*\"(PDMS_[A-Z0-9_]+)\"")
    return {
        name
        for path in (ROOT / "pdms_core" / "cli").rglob("*.py")
        for name in pattern.findall(path.read_text(encoding="utf-8"))
    }


def plugin_names() -> set[str]:
    return {entry_point.name for entry_point in installed_entry_points()}


def test_every_pdms_variable_in_the_recipe_is_a_setting():
    known, plugins = setting_variables() | cli_variables(), plugin_names()
    assert plugins, "no plugin is installed: run the suite in the project's venv"
    unknown = []
    seen = set()
    for path in [*RECIPE, DOCS]:
        for name in VARIABLE.findall(path.read_text(encoding="utf-8")):
            seen.add(name)
            plugin, sep, field = name[len("PDMS_") :].partition("__")
            if sep:  # a plugin's field, PDMS_<PLUGIN>__<FIELD>
                if plugin.lower() not in plugins or not field:
                    unknown.append(f"{path.relative_to(ROOT)}: {name}")
            elif name not in known:
                unknown.append(f"{path.relative_to(ROOT)}: {name}")
    assert not unknown, f"not settings PDMS reads: {unknown}"
    # the recipe sets the essentials
    assert {"PDMS_DATABASE_URL", "PDMS_REDIS_URL", "PDMS_PUBLIC_URL", "PDMS_DATA_DIR"} <= seen


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines, as both compose's env_file and systemd's EnvironmentFile read
    them when values are unquoted."""
    values = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Z][A-Z0-9_]*", key), f"{path.name}:{number}: {line!r}"
        # compose and systemd treat quotes differently: keep values unquoted
        assert not value.startswith(("'", '"')), f"{path.name}:{number}: quoted value"
        values[key] = value
    return values


def test_the_example_settings_are_read_and_consistent():
    env = read_env_file(ENV_EXAMPLE)
    settings = Settings.from_env(env)  # raises on a value PDMS refuses
    defaults = Settings.from_env({})
    for name, value in env.items():
        if not name.startswith("PDMS_") or not value:
            continue
        field = name[len("PDMS_") :].lower()
        assert getattr(settings, field) != getattr(defaults, field), f"{name} changes nothing"
    # production: PostgreSQL, HTTPS links, Secure cookies, no debug
    url = urlsplit(settings.database_url or "")
    assert url.scheme == "postgresql"
    assert settings.public_url.startswith("https://")
    assert settings.secure_cookies and not settings.debug and not settings.dev_superuser
    # the bundled PostgreSQL's password is the one in the URL, and its host a service
    assert url.password == env["POSTGRES_PASSWORD"]
    assert url.hostname in compose()["services"]


# -- commands -----------------------------------------------------------------------


@dataclass(frozen=True)
class CommandLine:
    where: str
    words: tuple[str, ...]


def command_lines(path: Path) -> list[CommandLine]:
    """Every ``pdms`` command written in ``path``: after a word ``pdms`` (or a path to
    it), up to the end of the line, a shell operator or a closing quote. In comments
    and prose, commands are written in backticks; JSON exec forms are read as words."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":  # only the fenced code blocks and `code` of a document
        lines, fenced = [], False
        for line in text.splitlines():
            if line.lstrip().startswith("```"):
                fenced, line = not fenced, ""
            lines.append(line if fenced else " ` ".join(re.findall(r"`([^`\n]+)`", line)))
        text = "\n".join(lines)
    text = text.replace("\\\n", " ")  # continuation lines
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        line = re.sub(r'"\s*,\s*"', " ", line)  # ["pdms", "serve"] -> ["pdms serve"]
        for segment in re.split(r"[`'\"\[\]]", line):
            words = segment.split()
            for index, word in enumerate(words):
                if word != "pdms" and not word.endswith("/bin/pdms"):
                    continue
                if index and words[index - 1].startswith("-") and words[index - 1] != "-c":
                    continue  # an option's value (pg_isready -U pdms), not the program
                rest = []
                for following in words[index + 1 :]:
                    if following in STOP or following.startswith("#"):
                        break
                    rest.append(following)
                if rest:
                    found.append(CommandLine(f"{path.relative_to(ROOT)}:{number}", tuple(rest)))
    return found


@pytest.fixture(scope="module")
def cli() -> click.Group:
    """The CLI with every installed module's group, as tests/test_cli.py builds it."""
    return build_cli(CliState(Settings()))


def resolve(cli: click.Group, words: tuple[str, ...]) -> tuple[click.Command, list[str]]:
    """The command ``words`` name, and the words after it; AssertionError when none."""
    context = click.Context(cli, info_name="pdms")
    command: click.Command = cli
    rest = list(words)
    path = ["pdms"]
    while isinstance(command, click.Group):
        assert rest and not rest[0].startswith("-"), f"'{' '.join(path)}' needs a command"
        sub = command.get_command(context, rest[0])
        assert sub is not None, f"'{' '.join(path)}' has no command {rest[0]!r}"
        path.append(rest.pop(0))
        context = click.Context(sub, parent=context, info_name=path[-1])
        command = sub
    return command, rest


def check_arguments(command: click.Command, rest: list[str]) -> None:
    options = {"--help": None, "-h": None}
    for param in command.params:
        if isinstance(param, click.Option):
            for name in [*param.opts, *param.secondary_opts]:
                options[name] = param
    arguments = [param for param in command.params if isinstance(param, click.Argument)]
    positional = 0
    index = 0
    while index < len(rest):
        word = rest[index]
        if word.startswith("-"):
            name = word.split("=", 1)[0]
            assert name in options, f"{command.name} has no option {name}"
            param = options[name]
            if param is not None and not param.is_flag and not param.count and "=" not in word:
                index += 1  # its value
        else:
            positional += 1
        index += 1
    if not any(argument.nargs == -1 for argument in arguments):
        assert positional <= len(arguments), f"{command.name} takes no argument {rest}"


def test_every_pdms_command_line_is_a_real_command(cli):
    lines = [line for path in [*RECIPE, DOCS] for line in command_lines(path)]
    assert len(lines) >= 8, lines
    wrong = []
    for line in lines:
        try:
            command, rest = resolve(cli, line.words)
            check_arguments(command, rest)
        except AssertionError as exc:
            wrong.append(f"{line.where}: pdms {' '.join(line.words)}: {exc}")
    assert not wrong, "\n".join(wrong)


def test_the_command_walk_refuses_what_the_cli_lacks(cli):
    """The checker itself: it must fail on a misspelt command or option."""
    for words in [
        ("serve", "--hots", "0.0.0.0"),
        ("db", "upgrad"),
        ("notifications",),
        ("reminders", "run", "today"),
    ]:
        with pytest.raises(AssertionError):
            command, rest = resolve(cli, words)
            check_arguments(command, rest)
    command, rest = resolve(cli, ("reminders", "run", "--due-soon-days", "3"))
    check_arguments(command, rest)


def commands_in(paths: list[Path]) -> set[tuple[str, ...]]:
    return {line.words for path in paths for line in command_lines(path)}


def test_the_worker_and_the_timers_run_every_periodic_command(cli):
    worker = commands_in([WORKER])
    units = commands_in(sorted(SYSTEMD.glob("*.service")))
    for words, how_often in PERIODIC.items():
        try:
            resolve(cli, words)
        except AssertionError:
            continue  # not a command of this version
        assert words in worker, f"deploy/worker.sh does not run pdms {' '.join(words)}"
        assert words in units, f"no systemd unit runs pdms {' '.join(words)}"
        function = "frequent" if how_often == "frequent" else "daily"
        body = re.search(rf"^{function}\(\) {{\n(.*?)^}}", WORKER.read_text(), re.S | re.M)
        assert body and f"pdms {' '.join(words)}" in body[1], (
            f"deploy/worker.sh should run pdms {' '.join(words)} in {function}()"
        )


def test_the_worker_script_stops_on_sigterm_and_survives_failures(tmp_path: Path):
    """Runs deploy/worker.sh with a stand-in ``pdms`` that fails its daily command."""
    fake = tmp_path / "bin" / "pdms"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\necho "ran $*" >> "$LOG"\n[ "$1" = reminders ] && exit 3\nexit 0\n')
    fake.chmod(0o755)
    log = tmp_path / "log"
    env = {
        "PATH": f"{fake.parent}:/usr/bin:/bin",
        "LOG": str(log),
        "WORKER_INTERVAL_SECONDS": "0.2",
        "WORKER_DAILY_AT": "00:00",
    }
    process = subprocess.Popen(["sh", WORKER], env=env, stdout=subprocess.PIPE, text=True)
    try:
        for _ in range(100):
            if log.exists() and log.read_text().count("notifications send") >= 3:
                break
            time.sleep(0.1)
        process.terminate()
        output, _ = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0
    ran = log.read_text().splitlines()
    # daily work first (the reminders it queues go out in the same pass); a failed daily
    # command is tried again at the next pass, and the loop carries on
    assert ran[0] == "ran reminders run"
    assert ran.index("ran notifications send") > ran.index("ran documents purge")
    assert ran.count("ran reminders run") >= 2
    # GOV.UK Notify's delivery statuses only when it is configured
    assert "ran notifications status" not in ran
    assert "'pdms reminders run' failed (exit 3)" in output
    assert "stopping" in output


# -- compose ------------------------------------------------------------------------


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_compose_starts_the_api_after_a_successful_migration():
    services = compose()["services"]
    assert {"postgres", "redis", "migrate", "api", "worker"} <= set(services)
    for name in ("api", "worker"):
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends["postgres"] == {"condition": "service_healthy"}, name
        assert depends["redis"] == {"condition": "service_healthy"}, name
    assert services["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert services["migrate"]["restart"] == "no"
    migrate = commands_in([COMPOSE])
    assert ("db", "upgrade") in migrate and ("lookups", "sync") in migrate
    migrate_line = " ".join(services["migrate"]["command"])
    assert migrate_line.index("db upgrade") < migrate_line.index("lookups sync")
    assert services["worker"]["command"] == ["pdms-worker"]


def test_compose_services_are_healthchecked_and_keep_data_in_volumes():
    document = compose()
    services = document["services"]
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name
    # the image's HEALTHCHECK probes HTTP: only the API serves it
    for name in ("migrate", "worker"):
        assert services[name]["healthcheck"] == {"disable": True}, name
    assert "healthcheck" not in services["api"]
    volumes = set(document["volumes"])
    assert any(v.split(":")[0] in volumes for v in services["postgres"]["volumes"])
    data_dir = Settings.from_env(services["api"]["environment"]).data_dir
    for name in ("api", "worker", "migrate"):
        service = services[name]
        assert service["build"]["dockerfile"] == "deploy/Containerfile"
        assert (COMPOSE.parent / service["build"]["context"] / "deploy/Containerfile").is_file()
        assert service["env_file"] == "pdms.env"
        mounts = dict(volume.split(":", 1) for volume in service["volumes"])
        assert set(mounts) <= volumes and mounts.get("pdms-data") == str(data_dir), name
        settings = Settings.from_env(service["environment"])
        assert settings.redis_url == "redis://redis:6379/0"
        assert settings.secure_cookies and not settings.debug
    # the secrets file stays out of git and out of the build context
    assert "pdms.env" in (DEPLOY / ".gitignore").read_text().split()
    assert "deploy/pdms.env" in (DEPLOY / "Containerfile.dockerignore").read_text().split()


# -- Containerfile ------------------------------------------------------------------


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined."""
    text = CONTAINERFILE.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in joined.splitlines()
        if line.strip()
    ]


def test_the_containerfile_builds_wheels_and_serves_as_a_non_root_user():
    steps = instructions()
    image_arg = next(args for kind, args in steps if kind == "ARG" and "PYTHON_IMAGE=" in args)
    image = image_arg.split("=", 1)[1]
    minor = re.fullmatch(r"python:(3\.\d+)-slim(-\w+)?", image)
    assert minor, f"pin the base image by Python minor: {image}"
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert SpecifierSet(requires["requires-python"]).contains(f"{minor[1]}.0")
    stages = [args for kind, args in steps if kind == "FROM"]
    assert stages == ["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE} AS runtime"]
    second_from = [index for index, (kind, _) in enumerate(steps) if kind == "FROM"][1]
    runtime = steps[second_from:]
    runs = [args for kind, args in steps if kind == "RUN"]
    assert any(re.search(r"deploy/install-wheels\.sh .*/opt/pdms/venv", run) for run in runs)
    assert ("COPY", "--from=build /opt/pdms/venv /opt/pdms/venv") in runtime

    env = {}
    for kind, args in runtime:
        if kind == "ENV":
            env.update(re.findall(r"(\w+)=(\S+)", args))
    settings = Settings.from_env(env)
    assert settings.host == "0.0.0.0"
    assert env["PATH"].startswith("/opt/pdms/venv/bin:")
    assert ("EXPOSE", str(settings.port)) in runtime
    assert ("VOLUME", json.dumps([str(settings.data_dir)])) in runtime
    user = next(args for kind, args in runtime if kind == "USER")
    assert re.fullmatch(r"[1-9]\d*:[1-9]\d*", user), "a numeric, non-root user"
    assert ("WORKDIR", str(settings.data_dir)) in runtime
    healthcheck = next(args for kind, args in runtime if kind == "HEALTHCHECK")
    assert "/health" in healthcheck and "PDMS_PORT" in healthcheck
    assert [args for kind, args in runtime if kind == "CMD"] == ['["pdms", "serve"]']
    # the worker's command (compose.yaml) is the worker script, on the PATH
    assert ("COPY", "deploy/worker.sh /opt/pdms/bin/pdms-worker") in runtime
    assert "/opt/pdms/bin" in env["PATH"].split(":")
    copied = [args.split()[0] for kind, args in runtime if kind == "COPY" and "--from" not in args]
    assert all((ROOT / source).is_file() for source in copied), copied


# -- systemd ------------------------------------------------------------------------


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd's keys are case-sensitive
    text = (SYSTEMD / name).read_text(encoding="utf-8")
    parser.read_string(text, source=name)
    return parser


def test_the_systemd_api_unit_is_hardened_and_reads_the_settings_file():
    service = unit("pdms.service")
    section = service["Service"]
    assert section["User"] == "pdms"
    assert section["EnvironmentFile"] == "/etc/pdms/pdms.env"
    assert section["ExecStart"] == "/opt/pdms/venv/bin/pdms serve"
    data_dir = section["Environment"].removeprefix("PDMS_DATA_DIR=")
    assert section["ReadWritePaths"].split() == [data_dir]
    assert section["StateDirectory"] == Path(data_dir).name
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "PrivateTmp": "yes",
        "ProtectHome": "yes",
        "CapabilityBoundingSet": "",
        "Restart": "on-failure",
    }.items():
        assert section[key] == value, key
    assert service["Install"]["WantedBy"] == "multi-user.target"


def test_each_timer_starts_a_oneshot_service_like_the_api_unit():
    timers = sorted(SYSTEMD.glob("*.timer"))
    assert [path.name for path in timers] == ["pdms-daily.timer", "pdms-periodic.timer"]
    api = unit("pdms.service")["Service"]
    for path in timers:
        timer = unit(path.name)
        assert timer["Install"]["WantedBy"] == "timers.target"
        assert {"OnCalendar", "OnUnitActiveSec"} & set(timer["Timer"]), path.name
        service = unit(path.with_suffix(".service").name)["Service"]
        assert service["Type"] == "oneshot"
        for key in ("User", "EnvironmentFile", "Environment", "ReadWritePaths", "ProtectSystem"):
            assert service[key] == api[key], (path.name, key)
    assert unit("pdms-daily.timer")["Timer"]["Persistent"] == "true"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="needs systemd-analyze")
def test_systemd_analyze_verifies_the_units(tmp_path: Path):
    """systemd's own parser, offline: unknown keys and bad values are reported."""
    root = tmp_path / "root"
    units = root / "etc" / "systemd" / "system"
    units.mkdir(parents=True)
    # the system's own units (sysinit.target ...), which the units' defaults pull in
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    pdms = root / "opt" / "pdms" / "venv" / "bin" / "pdms"
    pdms.parent.mkdir(parents=True)
    pdms.write_text("#!/bin/sh\n")
    pdms.chmod(0o755)
    for path in SYSTEMD.iterdir():
        shutil.copy(path, units / path.name)
    result = subprocess.run(
        [
            "systemd-analyze",
            "verify",
            f"--root={root}",
            *(f"/etc/systemd/system/{path.name}" for path in sorted(SYSTEMD.iterdir())),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
