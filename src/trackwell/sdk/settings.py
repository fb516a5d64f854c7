"""SDK settings: one typed, immutable object built once at each entry point.

Why this module exists: wandb code configures itself through a mix of ``WANDB_*`` variables, a
settings file and ``init()`` arguments. Reading those in one place, with one documented precedence,
means every layer below (``Run``, the uploader, ``Api``, the CLI) gets a plain object and never reads
``os.environ`` itself; tests build a ``Settings(...)`` instead of patching the environment.

Precedence, lowest first::

    1. defaults (the field defaults below)
    2. <config dir>/settings.toml     config dir = TRACKWELL_CONFIG_DIR, else
                                       $XDG_CONFIG_HOME/trackwell, else ~/.config/trackwell
    3. WANDB_* aliases                 WANDB_MODE, WANDB_API_KEY, WANDB_DIR, WANDB_NAME, ...
    4. TRACKWELL_* variables           TRACKWELL_<FIELD>; TRACKWELL_DIR is root_dir
    5. explicit arguments              Settings.resolve(**overrides) / init(...) arguments

A value of ``None`` in the explicit arguments means "not given" and never hides a lower layer.
Bad values raise :class:`~trackwell.schema.errors.InvalidArgument` naming where the value came from,
e.g. ``WANDB_MODE='onlin' is not one of online, offline, disabled``.

Imports: the standard library and pydantic-free parts of ``trackwell.schema`` only: settings are
read at the top of ``init()``, whose whole budget (50 ms) is less than importing pydantic.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from trackwell.schema.errors import InvalidArgument
from trackwell.sdk.settings_coerce import coerce
from trackwell.sdk.settings_wandb import alias_of, translate

Mode = Literal["online", "offline", "disabled"]
Console = Literal["auto", "off"]
Resume = Literal["allow", "must", "never", "auto"]
Reinit = Literal["default", "return_previous", "finish_previous", "create_new"]


# WANDB_* variable -> field. Only the names wandb documents; WANDB_DATA_DIR is wandb's staging
# folder, not our server's data dir, so it is deliberately absent.
WANDB_ALIASES: dict[str, str] = {
    "WANDB_MODE": "mode",
    "WANDB_BASE_URL": "base_url",
    "WANDB_API_KEY": "api_key",
    "WANDB_PROJECT": "project",
    "WANDB_ENTITY": "entity",
    "WANDB_DIR": "root_dir",
    "WANDB_RUN_ID": "run_id",
    "WANDB_NAME": "run_name",
    "WANDB_RUN_GROUP": "run_group",
    "WANDB_JOB_TYPE": "job_type",
    "WANDB_TAGS": "tags",
    "WANDB_NOTES": "notes",
    "WANDB_RESUME": "resume",
    "WANDB_SILENT": "silent",
    "WANDB_QUIET": "quiet",
    "WANDB_CONSOLE": "console",
    "WANDB_INIT_TIMEOUT": "init_timeout",
    "WANDB_HTTP_TIMEOUT": "http_timeout",
    "WANDB_DISABLE_GIT": "disable_git",
    "WANDB_DISABLE_CODE": "disable_code",
    "WANDB_SAVE_CODE": "save_code",
    "WANDB_SWEEP_ID": "sweep_id",
    "WANDB_X_STATS_SAMPLING_INTERVAL": "stats_interval",
    "WANDB_X_DISABLE_STATS": "disable_stats",
    "WANDB_X_DISABLE_META": "disable_meta",
    # wandb's private spelling WANDB__X for setting x_X, and its code_dir variable
    "WANDB__DISABLE_STATS": "disable_stats",
    "WANDB__DISABLE_META": "disable_meta",
    "WANDB__STATS_SAMPLING_INTERVAL": "stats_interval",
    "WANDB_CODE_DIR": "code_dir",
}

# Fields whose TRACKWELL_* name is not TRACKWELL_<FIELD>.
_TRACKWELL_SPECIAL: dict[str, str] = {
    "TRACKWELL_DIR": "root_dir",
    "TRACKWELL_NAME": "run_name",
    "NETRC": "netrc_path",  # honoured by wandb and curl alike
}


def _default_home() -> Path:
    return Path.home()


@dataclass(frozen=True, init=False)
class Settings:
    """Everything the SDK, ``Api`` and the CLI need to know about where and how to run.

    Build it with :meth:`resolve` at an entry point (see the module docstring for the precedence);
    ``Settings(...)`` directly gives defaults plus the given fields only, coerced and checked like
    the environment is. Immutable: use :meth:`updated` for a changed copy. The API key is left out
    of ``repr``/``str`` and of :meth:`as_dict`, so logging a ``Settings`` never leaks it.
    """

    field_names: ClassVar[tuple[str, ...]]

    mode: Mode = "online"
    """online: upload while running; offline: write the run dir only (``trackwell sync`` later);
    disabled: every call is a no-op."""
    base_url: str | None = None
    """Server URL, e.g. ``https://trackwell.example.com``. None: the local server (started on demand)."""
    api_key: str | None = field(default=None, repr=False)
    """API key for ``base_url``. None: the stored credentials for the host, or the local server's key."""
    project: str | None = None
    entity: str | None = None
    """None: the viewer's default entity."""
    root_dir: Path = field(default_factory=Path.cwd)
    """Parent of the ``trackwell/`` folder that holds run dirs (``TRACKWELL_DIR``/``WANDB_DIR``)."""
    data_dir: Path = field(default_factory=lambda: _default_home() / ".trackwell")
    """The local server's data dir (``TRACKWELL_DATA_DIR``): database, blobs, server.json."""
    config_dir: Path = field(default_factory=lambda: _default_home() / ".config" / "trackwell")
    """Holds settings.toml and credentials.json (``TRACKWELL_CONFIG_DIR``)."""
    netrc_path: Path = field(default_factory=lambda: _default_home() / ".netrc")
    """Read (never written) for keys stored by ``wandb login`` (``NETRC``)."""
    run_id: str | None = None
    run_name: str | None = None
    run_group: str | None = None
    job_type: str | None = None
    tags: tuple[str, ...] = ()
    notes: str | None = None
    resume: Resume | None = None
    """wandb semantics: allow, must, never, or auto (resume the last run of this dir)."""
    sweep_id: str | None = None
    silent: bool = False
    """No console messages at all."""
    quiet: bool = False
    """Fewer console messages (no run summary at exit)."""
    console: Console = "auto"
    """auto: capture stdout/stderr into the run's console log; off: leave them alone."""
    stats_interval: float = 10.0
    """Seconds between system-metrics samples."""
    disable_stats: bool = False
    disable_meta: bool = False
    """Capture no run context at all: no git, environment, packages or code (console and system
    metrics have their own switches)."""
    disable_packages: bool = False
    """Do not write requirements.txt (the installed packages)."""
    heartbeat_interval: float = 15.0
    """Seconds between heartbeats while nothing else is uploaded."""
    finish_timeout: float = 30.0
    """Seconds ``finish()`` waits for the upload before leaving the rest to ``trackwell sync``."""
    init_timeout: float = 90.0
    """Seconds ``init()`` waits for the server (including starting the local one)."""
    http_timeout: float = 10.0
    """Seconds one HTTP request may take."""
    disable_git: bool = False
    """Record no git state (commit, branch, remote, diff)."""
    disable_code: bool = False
    """Save neither the uncommitted diff nor the main script; the commit is still recorded."""
    save_code: bool = True
    """Save the main script's source as a run file (wandb defaults to False; reproducibility wins here)."""
    code_dir: str | None = None
    """With ``save_code``, ``init()`` also saves this directory's source files (``run.log_code``)."""
    http_proxy: str | None = None
    """wandb's setting: the proxy for an http ``base_url`` (default: ``HTTP_PROXY`` from the environment)."""
    https_proxy: str | None = None
    """wandb's setting: the proxy for an https ``base_url`` (default: ``HTTPS_PROXY``)."""
    reinit: Reinit = "default"
    """What ``init()`` does while a run is active (wandb's ``reinit``; ``True``/``False`` are read as
    ``finish_previous``/``return_previous``): see docs/sdk.md."""

    _explicit: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    def __init__(self, **values: Any) -> None:
        values = translate(values, self.field_names)  # wandb's field names too (settings_wandb.py)
        _reject_unknown(values)
        for f in _FIELDS:
            if f.name in values:
                # Direct construction gets the same coercion and messages as the environment does.
                value = coerce(f.name, values[f.name], source=f.name)
            elif f.default_factory is not dataclasses.MISSING:
                value = f.default_factory()
            else:
                value = f.default
            object.__setattr__(self, f.name, value)
        object.__setattr__(self, "_explicit", frozenset(values))

    def __str__(self) -> str:
        return self.__repr__()

    def __getattr__(self, name: str) -> Any:
        # wandb's name of a setting Trackwell has under its own (``settings.x_disable_stats``).
        target = alias_of(name) if not name.startswith("__") else None
        if target is None:
            raise AttributeError(f"'Settings' object has no attribute {name!r}")
        return getattr(self, target)

    def as_dict(self) -> dict[str, Any]:
        """Every setting but the API key (a secret), for logs and diagnostics."""
        return {name: getattr(self, name) for name in self.field_names if name != "api_key"}

    @property
    def is_local(self) -> bool:
        """True when talking to the local server in ``data_dir`` (no base URL configured)."""
        return self.base_url is None

    def explicit(self) -> dict[str, Any]:
        """The fields given explicitly (API key included), for ``resolve(**settings.explicit())``."""
        return {name: getattr(self, name) for name in self._explicit}

    def updated(self, **changes: Any) -> Settings:
        """A validated copy with ``changes`` applied (``None`` values are ignored)."""
        merged = {name: getattr(self, name) for name in self.field_names}
        for name, value in changes.items():
            if value is not None:
                merged[name] = coerce(name, value, source=name)
        explicit = self._explicit | {k for k, v in changes.items() if v is not None}
        return type(self)(**{k: v for k, v in merged.items() if k in explicit})

    @classmethod
    def resolve(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build the settings from every layer (see the module docstring).

        Args:
            environ: the environment to read; ``os.environ`` when None. Tests pass a dict.
            **overrides: explicit values (``init()`` arguments); ``None`` means not given.

        Raises:
            InvalidArgument: a value is malformed or a name is unknown; the message names the source.
        """
        env = os.environ if environ is None else environ
        overrides = translate(overrides, cls.field_names)
        _reject_unknown(overrides)
        values: dict[str, Any] = {}
        home = Path(env["HOME"]) if env.get("HOME") else _default_home()
        values["data_dir"] = home / ".trackwell"
        values["netrc_path"] = home / ".netrc"
        values["config_dir"] = _config_dir(env, home, overrides.get("config_dir"))
        values.update(_read_toml(values["config_dir"] / "settings.toml"))
        values.update(_from_env(env))
        for name, value in overrides.items():
            if value is not None:
                values[name] = coerce(name, value, source=name)
        return cls(**values)


_FIELDS = tuple(f for f in dataclasses.fields(Settings) if f.name != "_explicit")
Settings.field_names = tuple(f.name for f in _FIELDS)


def _reject_unknown(values: Mapping[str, Any]) -> None:
    unknown = sorted(set(values) - set(Settings.field_names))
    if unknown:
        raise InvalidArgument(
            f"unknown setting {unknown[0]!r}",
            field=unknown[0],
            hint="valid settings: " + ", ".join(Settings.field_names),
        )


def _config_dir(env: Mapping[str, str], home: Path, explicit: Any) -> Path:
    if explicit is not None:
        return Path(explicit).expanduser()
    if env.get("TRACKWELL_CONFIG_DIR"):
        return Path(env["TRACKWELL_CONFIG_DIR"]).expanduser()
    if env.get("XDG_CONFIG_HOME"):
        return Path(env["XDG_CONFIG_HOME"]) / "trackwell"
    return home / ".config" / "trackwell"


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    import tomllib  # only when there is a file: it compiles regexes at import (~2 ms)

    try:
        with path.open("rb") as f:
            raw = tomllib.load(f)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidArgument(
            f"cannot read settings file {path}: {exc}", hint="fix or delete the file"
        ) from exc
    # A [default] table is accepted too, as in wandb's settings file.
    table = {k: v for k, v in raw.items() if k != "default"}
    if isinstance(raw.get("default"), dict):
        table.update(raw["default"])
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key == "api_key":
            raise InvalidArgument(
                f"{path} must not hold api_key",
                field="api_key",
                hint="run `trackwell login` to store keys in credentials.json (mode 0600)",
            )
        if key not in Settings.field_names or key == "config_dir":
            raise InvalidArgument(
                f"unknown setting {key!r} in {path}",
                field=key,
                hint="valid settings: " + ", ".join(Settings.field_names),
            )
        values[key] = coerce(key, value, source=f"{key} in {path}")
    return values


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for var, name in WANDB_ALIASES.items():
        if var in env:
            values[name] = coerce(name, env[var], source=var)
    for name in Settings.field_names:
        var = "TRACKWELL_" + name.upper()
        if var in env and name != "config_dir":
            values[name] = coerce(name, env[var], source=var)
    for var, name in _TRACKWELL_SPECIAL.items():
        if var in env:
            values[name] = coerce(name, env[var], source=var)
    return values
