"""``wandb.env`` while wandb is aliased: wandb's environment variable names and the getters and
setters that framework code calls (transformers' hyperparameter search calls ``wandb.env.set_project``
and ``set_entity``).

Trackwell reads the same ``WANDB_*`` variables (and its own ``TRACKWELL_*`` first), so setting one
here changes what the next ``init()`` uses, as in wandb.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

Env = MutableMapping[str, str] | None

API_KEY = "WANDB_API_KEY"
BASE_URL = "WANDB_BASE_URL"
DIR = "WANDB_DIR"
ENTITY = "WANDB_ENTITY"
JOB_TYPE = "WANDB_JOB_TYPE"
MODE = "WANDB_MODE"
NAME = "WANDB_NAME"
NOTES = "WANDB_NOTES"
PROJECT = "WANDB_PROJECT"
RESUME = "WANDB_RESUME"
RUN_GROUP = "WANDB_RUN_GROUP"
RUN_ID = "WANDB_RUN_ID"
SILENT = "WANDB_SILENT"
SWEEP_ID = "WANDB_SWEEP_ID"
TAGS = "WANDB_TAGS"
LOG_MODEL = "WANDB_LOG_MODEL"
WATCH = "WANDB_WATCH"


def _env(env: Env) -> MutableMapping[str, str]:
    return os.environ if env is None else env


def get_project(default: str | None = None, env: Env = None) -> str | None:
    return _env(env).get(PROJECT, default)


def get_entity(default: str | None = None, env: Env = None) -> str | None:
    return _env(env).get(ENTITY, default)


def get_run(default: str | None = None, env: Env = None) -> str | None:
    return _env(env).get(RUN_ID, default)


def get_dir(default: str | None = None, env: Env = None) -> str | None:
    return _env(env).get(DIR, default)


def get_base_url(default: str | None = None, env: Env = None) -> str | None:
    value = _env(env).get(BASE_URL, default)
    return value.rstrip("/") if value is not None else None


def get_tags(default: str = "", env: Env = None) -> list[str]:
    return [tag for tag in _env(env).get(TAGS, default).split(",") if tag]


def set_entity(value: str, env: Env = None) -> None:
    _env(env)[ENTITY] = value


def set_project(value: str, env: Env = None) -> None:
    # wandb falls back to "uncategorized" for an empty project name
    _env(env)[PROJECT] = value or "uncategorized"
