"""``trackwell.compat.alias_wandb()`` called in this process: which wandb imports resolve to which
trackwell objects (the table of docs/integrations.md, "Aliasing wandb"), what ``importlib.metadata``
answers, what stays not found, that a wandb-style run logs into a real server, and that
``unalias_wandb()`` and an already imported wandb are handled. Subprocess cases (the environment
variable, the .pth hook, the frameworks' own integrations) are in tests/e2e/test_alias_*.py.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import trackwell
from tests.fixtures.live_server import LiveServer
from tests.fixtures.sdk_env import point_artifacts_at
from trackwell.compat import WANDB_VERSION, alias_wandb, is_aliased, unalias_wandb
from trackwell.compat._finder import WandbAliasFinder

REAL_WANDB = importlib.util.find_spec("wandb") is not None and not is_aliased()


@pytest.fixture
def wandb() -> Iterator[ModuleType]:
    alias_wandb()
    try:
        yield importlib.import_module("wandb")
    finally:
        trackwell.finish()
        unalias_wandb()


def test_import_wandb_is_trackwell_under_wandbs_name(wandb: ModuleType) -> None:
    assert is_aliased()
    assert wandb.__name__ == "wandb" and wandb.__version__ == WANDB_VERSION == "0.31.0"
    assert wandb.init is trackwell.init and wandb.log is trackwell.log and wandb.Run is trackwell.Run
    assert wandb.run is None  # read at each access, like trackwell.run
    assert set(wandb.__all__) == set(trackwell.__all__)
    namespace: dict[str, Any] = {}
    exec("from wandb import *", namespace)
    assert namespace["finish"] is trackwell.finish
    with pytest.raises(AttributeError, match="trackwell does not provide wandb.no_such_thing"):
        _ = wandb.no_such_thing


# (wandb import, attribute, the trackwell object it must be): what the frameworks import
_RESOLVES = [
    ("wandb.sdk.lib.config_util", "ConfigError", "trackwell.sdk.errors:ConfigError"),  # transformers
    ("wandb.sdk.lib", "RunDisabled", "trackwell:RunDisabled"),  # Lightning
    ("wandb.wandb_run", "Run", "trackwell:Run"),  # Lightning
    ("wandb.sdk.wandb_run", "Run", "trackwell:Run"),
    ("wandb.wandb_sdk.wandb_run", "Run", "trackwell:Run"),
    ("wandb.sdk.wandb_setup", "setup", "trackwell:setup"),
    ("wandb.sdk.wandb_settings", "Settings", "trackwell:Settings"),
    ("wandb.sdk.wandb_config", "Config", "trackwell:Config"),
    ("wandb.sdk.artifacts.artifact", "Artifact", "trackwell:Artifact"),
    ("wandb.sdk.data_types.image", "Image", "trackwell:Image"),
    ("wandb.sdk.data_types.table", "Table", "trackwell:Table"),
    ("wandb.data_types", "Histogram", "trackwell:Histogram"),
    ("wandb.errors", "CommError", "trackwell.errors:CommError"),
    ("wandb.util", "generate_id", "trackwell.util:generate_id"),
    ("wandb.apis.public", "Api", "trackwell:Api"),
    ("wandb.apis", "Api", "trackwell.apis:Api"),
    ("wandb.apis.public.users", "User", "trackwell.apis:User"),  # admin scripts' type hints
    ("wandb.apis.public.teams", "Team", "trackwell.apis:Team"),
    ("wandb.apis.public", "Member", "trackwell.apis:Member"),
    ("wandb.plot", "line", "trackwell.plot:line"),
    ("wandb.env", "set_project", "trackwell.compat.wandb_env:set_project"),  # transformers' hp search
]


@pytest.mark.parametrize(("module", "name", "target"), _RESOLVES, ids=[r[0] for r in _RESOLVES])
def test_wandb_submodules_resolve_to_trackwells_objects(
    wandb: ModuleType, module: str, name: str, target: str
) -> None:
    target_module, _, target_name = target.partition(":")
    got = getattr(importlib.import_module(module), name)
    assert got is getattr(importlib.import_module(target_module), target_name)
    # the same module object as trackwell's, never a second copy under the wandb name
    assert sys.modules[module].__name__.startswith("trackwell")


def test_the_run_is_an_instance_of_wandbs_run_class_and_config_errors_are_wandbs(
    wandb: ModuleType, live_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_artifacts_at(live_server, tmp_path, monkeypatch)
    from wandb.sdk.lib.config_util import ConfigError
    from wandb.wandb_run import Run

    run = wandb.init(project="alias-inproc", name="in-process", config={"lr": 0.1})
    assert isinstance(run, Run) and isinstance(run, wandb.sdk.wandb_run.Run)
    assert wandb.run is run and wandb.config.lr == 0.1
    with pytest.raises(ConfigError):  # what transformers' callback catches
        wandb.config["lr"] = 0.2
    for step in range(4):
        wandb.log({"loss": 1.0 / (step + 1), "acc": step / 4})
    wandb.summary["best_acc"] = 0.75
    artifact = wandb.Artifact("weights", type="model", metadata={"labels": {0: "cat", 1: "dog"}})
    with artifact.new_file("w.txt") as f:
        f.write("weights")
    run.log_artifact(artifact, aliases=["best"])
    wandb.finish()
    assert wandb.run is None

    api: Any = trackwell.Api(overrides={"base_url": live_server.url}, api_key=live_server.api_key)
    (got,) = list(api.runs("alias-inproc"))
    assert (got.name, got.state, got.config["lr"]) == ("in-process", "finished", 0.1)
    rows = list(got.scan_history())
    assert [r["loss"] for r in rows] == [1.0, 0.5, pytest.approx(1 / 3), 0.25]
    assert got.summary_metrics["best_acc"] == 0.75 and got.summary_metrics["acc"] == 0.75
    (logged,) = list(got.logged_artifacts())
    assert (logged.name, logged.type) == ("weights:v0", "model") and "best" in logged.aliases
    assert logged.metadata == {"labels": {"0": "cat", "1": "dog"}}  # int keys as wandb's JSON keeps them


def test_importlib_metadata_reports_a_wandb_distribution(wandb: ModuleType) -> None:
    assert importlib.util.find_spec("wandb") is not None  # transformers' is_wandb_available()
    assert importlib.metadata.version("wandb") == WANDB_VERSION
    assert importlib.metadata.version("Wandb") == WANDB_VERSION
    assert importlib.metadata.metadata("wandb")["Name"] == "wandb"  # accelerate's check
    assert importlib.metadata.distribution("wandb").requires is None
    # Lightning's WandbLogger gate, evaluated afresh
    from lightning_utilities.core.imports import RequirementCache

    assert bool(RequirementCache("wandb>=0.12.10"))
    assert not bool(RequirementCache("wandb>=99"))
    # a listing of everything installed is not answered by the alias
    assert "wandb" not in {d.metadata["Name"] for d in importlib.metadata.distributions()} or REAL_WANDB


def test_what_the_alias_does_not_cover_is_not_found(wandb: ModuleType) -> None:
    for name in ("wandb.sdk.internal", "wandb.proto", "wandb.sdk.data_types.base_types"):
        assert importlib.util.find_spec(name) is None, name  # optional-feature probes answer None
        with pytest.raises(ModuleNotFoundError, match=name.replace(".", r"\.")):
            importlib.import_module(name)
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("wandb.sdk.data_types.base_types.wb_value")
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("wandb.util.nothing")  # wandb.util is a module, not a package


def test_framework_integrations_resolve_to_trackwells(
    wandb: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    pairs = [
        ("wandb.integration.lightning", "trackwell.integration.lightning"),
        ("wandb.integration.transformers", "trackwell.integration.transformers"),
        ("wandb.integration.xgboost", "trackwell.integration.xgboost"),
        ("wandb.xgboost", "trackwell.integration.xgboost"),
        ("wandb.integration.lightgbm", "trackwell.integration.lightgbm"),
        ("wandb.lightgbm", "trackwell.integration.lightgbm"),
        ("wandb.integration.sklearn", "trackwell.integration.sklearn"),
        ("wandb.sklearn", "trackwell.sklearn"),
    ]
    monkeypatch.setenv("KERAS_BACKEND", os.environ.get("KERAS_BACKEND", "torch"))
    pairs += [
        ("wandb.integration.keras", "trackwell.integration.keras"),
        ("wandb.keras", "trackwell.integration.keras"),
    ]
    for alias, target in pairs:
        try:
            expected = importlib.import_module(target)
        except ImportError as exc:  # the framework itself is not installed here
            pytest.skip(f"{target}: {exc}")
        assert importlib.import_module(alias) is expected, alias


def test_alias_twice_is_a_noop_and_unalias_undoes_it() -> None:
    alias_wandb()
    alias_wandb()
    try:
        import wandb

        assert sum(isinstance(f, WandbAliasFinder) for f in sys.meta_path) == 1 and is_aliased()
        assert isinstance(sys.meta_path[0], WandbAliasFinder)  # ahead of the path finders
        assert wandb.init is trackwell.init
    finally:
        unalias_wandb()
    assert not is_aliased()
    assert not [m for m in sys.modules if m == "wandb" or m.startswith("wandb.")] or REAL_WANDB
    if not REAL_WANDB:
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module("wandb")
        with pytest.raises(importlib.metadata.PackageNotFoundError):
            importlib.metadata.version("wandb")


@pytest.fixture
def installed_wandb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A stand-in for the real wandb package, installed on sys.path with its dist-info."""
    root = tmp_path / "site"
    (root / "wandb").mkdir(parents=True)
    (root / "wandb" / "__init__.py").write_text("__version__ = '0.19.1'\nREAL = True\n")
    (root / "wandb" / "sdk.py").write_text("REAL = True\n")
    dist = root / "wandb-0.19.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: wandb\nVersion: 0.19.1\n")
    monkeypatch.syspath_prepend(str(root))
    try:
        yield
    finally:
        for name in [m for m in sys.modules if m == "wandb" or m.startswith("wandb.")]:
            del sys.modules[name]


def test_the_alias_wins_over_an_installed_wandb(installed_wandb: None) -> None:
    import wandb as before

    assert before.REAL and importlib.metadata.version("wandb") == "0.19.1"
    with pytest.warns(RuntimeWarning, match="the real wandb was imported before the alias"):
        alias_wandb()
    try:
        import wandb
        import wandb.sdk

        assert wandb is not before and wandb.init is trackwell.init and wandb.sdk is trackwell.sdk
        assert importlib.metadata.version("wandb") == WANDB_VERSION
        assert before.REAL  # what already held the real module keeps it
    finally:
        unalias_wandb()
    again = importlib.import_module("wandb")
    assert again.REAL and importlib.metadata.version("wandb") == "0.19.1"
