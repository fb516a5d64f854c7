"""``trackwell.init()``: resolve settings, reach the server (or not), and start a run.

The order matters and follows wandb: settings (arguments win) → reinit policy → disabled mode →
run dir → in online mode the server: a rejected or missing key fails here, at once, with what to
do; an unreachable server only warns (the run spools to its log and delivers later, except for
``resume="must"``, which needs the server's answer) → processor and uploader threads → the run
becomes ``trackwell.run``.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

from trackwell.schema.errors import Conflict, InvalidArgument, NotFound, TrackwellError, Unauthorized
from trackwell.sdk import active, exit_hooks, term
from trackwell.sdk.api_client import ApiClient, TransportError
from trackwell.sdk.config import Config, filter_keys
from trackwell.sdk.context.options import ContextOptions
from trackwell.sdk.context.session import ContextSession
from trackwell.sdk.disabled import RunDisabled
from trackwell.sdk.errors import AuthenticationError, CommError, UsageError
from trackwell.sdk.ids import new_run_id, new_run_name, new_session_id
from trackwell.sdk.login import resolve_endpoint
from trackwell.sdk.processor import Processor
from trackwell.sdk.reinit import before_init, reinit_policy, started
from trackwell.sdk.run import Run, RunInfo
from trackwell.sdk.runlog import RunLogWriter, encode_record
from trackwell.sdk.settings import Settings
from trackwell.sdk.summary_state import SummaryState
from trackwell.sdk.uploader import Uploader
from trackwell.sdk.wandb_setup import setup_overrides
from trackwell.sdk.wire import RunStart, StartedRun
from trackwell.sweeps.join import join_sweep

log = logging.getLogger("trackwell.sdk")
log.addHandler(logging.NullHandler())

DEFAULT_PROJECT = "uncategorized"


def init(
    entity: str | None = None,
    project: str | None = None,
    dir: str | os.PathLike[str] | None = None,
    id: str | None = None,
    name: str | None = None,
    notes: str | None = None,
    tags: Any = None,
    config: Any = None,
    config_exclude_keys: list[str] | None = None,
    config_include_keys: list[str] | None = None,
    allow_val_change: bool | None = None,
    group: str | None = None,
    job_type: str | None = None,
    mode: str | None = None,
    force: bool | None = None,
    reinit: bool | str | None = None,
    resume: bool | str | None = None,
    resume_from: str | None = None,
    fork_from: str | None = None,
    save_code: bool | None = None,
    tensorboard: bool | None = None,
    sync_tensorboard: bool | None = None,
    monitor_gym: bool | None = None,
    settings: Any = None,
    anonymous: str | None = None,
) -> Run | RunDisabled:
    """Start a run (wandb's ``init``); see the wandb reference section 1.2 for every argument."""
    if resume_from is not None or fork_from is not None:
        raise UsageError("init(resume_from=/fork_from=) is not supported yet; use resume='allow' with id=")
    try:
        resolved = _settings(
            settings,
            entity=entity,
            project=project,
            root_dir=dir,
            run_id=id,
            run_name=name,
            notes=notes,
            tags=tags,
            run_group=group,
            job_type=job_type,
            mode=mode,
            resume=resume,
            save_code=save_code,
        )
    except InvalidArgument as exc:
        # wandb raises UsageError for a bad setting (e.g. "Invalid project name"), before anything
        # is created or logged.
        raise UsageError(str(exc)) from None
    term.set_silent(resolved.silent)
    policy = reinit_policy(reinit if reinit is not None else resolved.reinit)
    previous = before_init(policy)
    if previous is not None:
        return previous
    config_dict = filter_keys(_config_mapping(config), config_include_keys, config_exclude_keys)
    resolved, config_dict, trial = join_sweep(resolved, config_dict)  # a sweep trial's run id, params
    if resolved.mode == "disabled":
        run: Run | RunDisabled = RunDisabled(
            settings=resolved, config=config_dict, allow_val_change=bool(allow_val_change)
        )
    else:
        run = _start(resolved, config_dict, bool(allow_val_change))
    started(run, policy)
    if trial is not None:
        trial.attach(run)
    return run


def _settings(given: Any, **args: Any) -> Settings:
    overrides: dict[str, Any] = setup_overrides()  # trackwell.setup(settings=...), if called
    if isinstance(given, Settings):
        overrides.update(given.explicit())
    elif isinstance(given, dict):
        overrides.update(given)
    elif given is not None:
        raise TypeError(
            f"init(settings=...) takes a trackwell.Settings or a dict, got {type(given).__name__}"
        )
    overrides.update({k: v for k, v in args.items() if v is not None})
    if isinstance(overrides.get("tags"), str):
        overrides["tags"] = [overrides["tags"]]
    return Settings.resolve(None, **overrides)


def _config_mapping(config: Any) -> dict[str, Any]:
    if config is None:
        return {}
    if isinstance(config, str | Path):
        import yaml

        loaded = yaml.safe_load(Path(config).read_text()) or {}
        return {
            k: (v["value"] if isinstance(v, dict) and set(v) <= {"value", "desc"} and "value" in v else v)
            for k, v in loaded.items()
        }
    staging = Config(allow_val_change=True)
    staging.update(config)
    return staging.as_dict()


def _run_dir(settings: Settings, run_id: str, offline: bool) -> Path:
    base = Path(settings.root_dir) / "trackwell"
    stamp = time.strftime("%Y%m%d_%H%M%S")
    run_dir = base / f"{'offline-run' if offline else 'run'}-{stamp}-{run_id}"
    suffix = 1
    while run_dir.exists():  # the same run resumed within the same second gets its own dir
        suffix += 1
        run_dir = base / f"{'offline-run' if offline else 'run'}-{stamp}-{run_id}-{suffix}"
    (run_dir / "files").mkdir(parents=True)
    (run_dir / "logs").mkdir(exist_ok=True)
    latest = base / "latest-run"
    try:
        if latest.is_symlink() or latest.exists():
            latest.unlink()
        latest.symlink_to(run_dir.name)
    except OSError:
        pass  # a shared dir or a platform without symlinks: latest-run is a convenience only
    return run_dir


class _Connection:
    """What talking to the server at init gave us."""

    def __init__(self) -> None:
        self.client: ApiClient | None = None
        self.app_url: str | None = None
        self.entity: str | None = None
        self.out: StartedRun | None = None


def _start(settings: Settings, config_dict: dict[str, Any], allow_val_change: bool) -> Run:
    offline = settings.mode == "offline"
    user_id = settings.run_id
    run_id = user_id or new_run_id()
    resume = settings.resume
    if resume == "auto":
        resume = "allow" if user_id else None
    if resume is None:
        resume = "allow" if user_id else "never"
    if offline and resume == "must":
        raise UsageError("init(resume='must') needs the server; it cannot be used with mode='offline'")
    session_id = new_session_id()
    start_time = time.time()
    # Only a name the user gave is sent: the server names a new run ("swift-river-7") and keeps the
    # stored name of a resumed one (wandb keeps it; the SDK cannot know which case it is in).
    name = settings.run_name or new_run_name()
    upsert = RunStart(
        session_id=session_id,
        resume=resume,
        display_name=settings.run_name,
        group=settings.run_group,
        job_type=settings.job_type,
        tags=list(settings.tags) or None,
        notes=settings.notes,
        config=config_dict or None,
        host=socket.gethostname(),
        program=_program(),
        sweep_id=settings.sweep_id,
        started_at=start_time,
    )
    project = settings.project or DEFAULT_PROJECT
    conn = _Connection() if offline else _connect(settings, project, run_id, upsert)
    run_dir = _run_dir(settings, run_id, offline)
    handler = _debug_log(run_dir)

    info = RunInfo(
        id=run_id,
        project=project,
        entity=conn.entity or settings.entity,
        name=name,
        run_dir=run_dir,
        session_id=session_id,
        mode=settings.mode,
        group=settings.run_group,
        job_type=settings.job_type,
        tags=tuple(settings.tags),
        notes=settings.notes,
        base_url=conn.app_url,
        start_time=start_time,
        sweep_id=settings.sweep_id,
    )
    config = Config(allow_val_change=allow_val_change)
    summary = SummaryState()
    runtime_offset = 0.0
    out = conn.out
    if out is not None:
        info.entity, info.name = out.entity, out.display_name or name
        info.resumed = out.resumed
        if out.resumed:
            info.starting_step = out.last_step + 1 if out.last_step is not None else 0
            runtime_offset = out.runtime
            summary.last.update(out.summary)
            # What the user did not pass on resume is what the server kept.
            info.tags = tuple(out.tags) if settings.tags == () else info.tags
            info.group = settings.run_group or out.group
            info.job_type = settings.job_type or out.job_type
            info.notes = settings.notes if settings.notes is not None else out.notes
        config._load(out.config, emit=False)
    config._load(config_dict, emit=False)

    writer = RunLogWriter(run_dir / f"run-{run_id}.twlog")
    header_upsert = upsert.to_dict()
    header_upsert["resume"] = "allow"
    if out is None and user_id is None:
        # A new run the server has not seen (offline, or the server was away): `trackwell sync`
        # creates it with the name printed now. With a user's id it may be a resume: no name.
        header_upsert["display_name"] = name
    writer.append(
        encode_record(
            {
                "kind": "session",
                "session_id": session_id,
                "entity": info.entity,
                "project": project,
                "run_id": run_id,
                "upsert": header_upsert,
                "started_at": start_time,
            }
        )
    )
    writer.flush()
    processor = Processor(
        writer=writer,
        files_dir=run_dir / "files",
        start_time=start_time,
        runtime_offset=runtime_offset,
        starting_step=info.starting_step,
        summary=summary,
        run_id=run_id,
    )
    uploader = None
    if conn.client is not None:
        uploader = Uploader(
            writer.path,
            conn.client,
            upserted=conn.out is not None,
            heartbeat=settings.heartbeat_interval,
            log_closed=lambda: processor.closed,
        )
    run = Run(
        info, processor=processor, uploader=uploader, settings=settings, config=config, app_url=conn.app_url
    )
    run._on_finish.append(active.clear_if_current)
    run._on_closed.append(lambda _: close_debug_log(handler))
    processor.start()
    if uploader is not None:
        uploader.start()
    _start_context(run, settings, run_dir, start_time)
    if settings.save_code and settings.code_dir:
        run.log_code(settings.code_dir)  # wandb: Settings(code_dir=...) saves that directory's code
    exit_hooks.install()
    if not settings.quiet:
        where = f" → {run.url}" if run.url else f" (offline, in {run_dir})" if offline else ""
        verb = "resumed" if info.resumed else "started"
        term.termlog(f"run {info.name} ({run_id}) {verb}{where}")
    log.info("run %s started in %s (mode %s)", run_id, run_dir, settings.mode)
    return run


def _start_context(run: Run, settings: Settings, run_dir: Path, start_time: float) -> None:
    """Capture what makes the run reproducible and debuggable: code version, environment, console
    output, system metrics, and ``run.save()`` files. Metadata is collected on its own thread; each
    part has a switch in Settings."""
    options = ContextOptions.from_process(
        disable_git=settings.disable_git,
        disable_code=settings.disable_code,
        save_code=settings.save_code,
        capture_packages=not settings.disable_packages,
    )
    context = ContextSession(
        run._record,
        run_dir / "files",
        options,
        console=settings.console,
        stats_interval=None if settings.disable_stats else settings.stats_interval,
        disable_meta=settings.disable_meta,
        start_time=start_time,
    )
    context.start()
    run._file_saver = context.files
    # Stopped first thing in finish(), so the last console lines and samples precede the exit record.
    run._on_finish.insert(0, lambda _: context.stop())


def _connect(settings: Settings, project: str, run_id: str, upsert: RunStart) -> _Connection:
    conn = _Connection()
    try:
        endpoint = resolve_endpoint(settings)
    except Unauthorized as exc:  # wandb raises AuthenticationError (a CommError) for a refused key
        raise AuthenticationError(str(exc)) from None
    except TrackwellError as exc:
        if upsert.resume == "must":
            raise CommError(f"resume='must' needs the server, which is not available: {exc}") from None
        term.termwarn(
            f"no server available ({exc}); the run is recorded locally, upload it later with `trackwell sync`"
        )
        return conn
    client = endpoint.client(timeout=settings.http_timeout)
    conn.client, conn.app_url = client, endpoint.url
    try:
        conn.entity = settings.entity or client.viewer_entity()
        conn.out = client.upsert_run(conn.entity, project, run_id, upsert)
    except TransportError as exc:
        if upsert.resume == "must":
            client.close()
            raise CommError(f"resume='must' needs the server, which did not answer: {exc}") from None
        term.termwarn(
            f"the server at {endpoint.url} is not reachable ({exc.message}); logging continues "
            "locally and is uploaded when it comes back"
        )
    except Unauthorized as exc:
        client.close()
        raise AuthenticationError(str(exc)) from None
    except NotFound as exc:
        client.close()
        if upsert.resume == "must":
            raise UsageError(
                f"Run ({run_id}) does not exist or has not been initialized, but your resume setting "
                "requires an existing run; use resume='allow' to create it"
            ) from None
        raise CommError(str(exc)) from None
    except Conflict as exc:
        client.close()
        if upsert.sweep_id:  # the sweep refused the run (its lease expired): the server's words
            raise UsageError(f"{exc.message}; {exc.hint}") from None
        raise UsageError(
            f"run {run_id} already exists in {conn.entity}/{project} ({exc.message}); pass resume='allow' "
            "to continue it, or another id"
        ) from None
    except TrackwellError as exc:
        client.close()
        raise CommError(f"the server refused to start the run: {exc}") from None
    return conn


def _program() -> str | None:
    argv0 = sys.argv[0] if sys.argv else ""
    return os.path.basename(argv0) or None


def _debug_log(run_dir: Path) -> logging.Handler:
    handler = logging.FileHandler(run_dir / "logs" / "debug.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(message)s"))
    logger = logging.getLogger("trackwell")
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    return handler


def close_debug_log(handler: logging.Handler) -> None:
    logging.getLogger("trackwell").removeHandler(handler)
    handler.close()
