"""Settings: every precedence layer, the WANDB_* aliases, and clear errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from trackwell.schema.errors import InvalidArgument
from trackwell.sdk.settings import Settings


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def env(home: Path, **variables: str) -> dict[str, str]:
    return {"HOME": str(home), **variables}


def write_toml(home: Path, text: str) -> None:
    path = home / ".config" / "trackwell" / "settings.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_defaults(home: Path) -> None:
    s = Settings.resolve(env(home))
    assert s.mode == "online"
    assert s.base_url is None and s.is_local
    assert s.data_dir == home / ".trackwell"
    assert s.config_dir == home / ".config" / "trackwell"
    assert (s.stats_interval, s.heartbeat_interval, s.finish_timeout) == (10.0, 15.0, 30.0)
    assert s.console == "auto" and s.tags == () and s.resume is None


def test_each_layer_overrides_the_one_below(home: Path) -> None:
    write_toml(home, 'project = "from-toml"\nentity = "toml-entity"\nrun_group = "toml-group"\n')
    assert Settings.resolve(env(home)).project == "from-toml"

    s = Settings.resolve(env(home, WANDB_PROJECT="from-wandb", WANDB_RUN_GROUP="g"))
    assert s.project == "from-wandb"
    assert s.entity == "toml-entity"  # untouched layers still show through
    assert s.run_group == "g"

    s = Settings.resolve(env(home, WANDB_PROJECT="from-wandb", TRACKWELL_PROJECT="from-trackwell"))
    assert s.project == "from-trackwell"

    s = Settings.resolve(env(home, TRACKWELL_PROJECT="from-trackwell"), project="explicit", entity=None)
    assert s.project == "explicit"
    assert s.entity == "toml-entity"  # None means "not given"


def test_config_dir_variable_moves_the_settings_file(home: Path, tmp_path: Path) -> None:
    other = tmp_path / "cfg"
    other.mkdir()
    (other / "settings.toml").write_text('[default]\nbase_url = "http://example.test:9000/"\n')
    s = Settings.resolve(env(home, TRACKWELL_CONFIG_DIR=str(other)))
    assert s.config_dir == other
    assert s.base_url == "http://example.test:9000"
    assert not s.is_local


def test_wandb_aliases(home: Path, tmp_path: Path) -> None:
    s = Settings.resolve(
        env(
            home,
            WANDB_MODE="dryrun",
            WANDB_API_KEY="k" * 40,
            WANDB_BASE_URL="http://127.0.0.1:8080",
            WANDB_ENTITY="team",
            WANDB_DIR=str(tmp_path / "runs"),
            WANDB_RUN_ID="abc123",
            WANDB_NAME="my run",
            WANDB_JOB_TYPE="train",
            WANDB_TAGS="a, b,,c",
            WANDB_NOTES="n",
            WANDB_RESUME="allow",
            WANDB_SILENT="true",
            WANDB_CONSOLE="off",
            WANDB_DISABLE_GIT="1",
            WANDB_SWEEP_ID="sw1",
            WANDB_HTTP_TIMEOUT="3.5",
        )
    )
    assert s.mode == "offline"
    assert s.api_key == "k" * 40
    assert s.base_url == "http://127.0.0.1:8080"
    assert s.entity == "team"
    assert s.root_dir == tmp_path / "runs"
    assert (s.run_id, s.run_name, s.job_type, s.notes) == ("abc123", "my run", "train", "n")
    assert s.tags == ("a", "b", "c")
    assert s.resume == "allow"
    assert s.silent and s.disable_git
    assert s.console == "off"
    assert s.sweep_id == "sw1"
    assert s.http_timeout == 3.5
    assert Settings.resolve(env(home, WANDB_MODE="run")).mode == "online"
    assert Settings.resolve(env(home, WANDB_RESUME="true")).resume == "auto"


def test_trackwell_dir_is_run_root_and_data_dir_is_server_data(home: Path, tmp_path: Path) -> None:
    s = Settings.resolve(
        env(home, TRACKWELL_DIR=str(tmp_path / "runs"), TRACKWELL_DATA_DIR=str(tmp_path / "data"))
    )
    assert s.root_dir == tmp_path / "runs"
    assert s.data_dir == tmp_path / "data"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("WANDB_MODE", "onlin", "WANDB_MODE='onlin' is not one of online, offline, disabled"),
        ("TRACKWELL_MODE", "bogus", "TRACKWELL_MODE='bogus' is not one of online, offline, disabled"),
        ("WANDB_SILENT", "maybe", "WANDB_SILENT='maybe' is not a boolean"),
        ("WANDB_HTTP_TIMEOUT", "-1", "WANDB_HTTP_TIMEOUT='-1' is not a positive number of seconds"),
        ("WANDB_BASE_URL", "localhost:8080", "WANDB_BASE_URL='localhost:8080' is not an http(s) URL"),
        ("WANDB_RUN_ID", "a/b", "WANDB_RUN_ID='a/b' is not a valid run id"),
        ("WANDB_RESUME", "sometimes", "WANDB_RESUME='sometimes' is not one of allow, must, never, auto"),
    ],
)
def test_bad_values_name_the_variable(home: Path, variable: str, value: str, message: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        Settings.resolve(env(home, **{variable: value}))
    assert message in str(info.value)


def test_bad_toml_and_unknown_keys_are_clear(home: Path) -> None:
    write_toml(home, "projekt = 'x'\n")
    with pytest.raises(InvalidArgument, match="unknown setting 'projekt' in .*settings.toml"):
        Settings.resolve(env(home))
    write_toml(home, "mode = 'x'\n")
    with pytest.raises(InvalidArgument, match="mode in .*settings.toml='x' is not one of"):
        Settings.resolve(env(home))
    write_toml(home, "api_key = 'secret'\n")
    with pytest.raises(InvalidArgument, match="must not hold api_key"):
        Settings.resolve(env(home))
    with pytest.raises(InvalidArgument, match="unknown setting 'projet'"):
        Settings.resolve(env(home), projet="x")


def test_api_key_is_never_shown(home: Path) -> None:
    secret = "s3cr3t-" + "x" * 40
    s = Settings.resolve(env(home, WANDB_API_KEY=secret))
    assert s.api_key == secret
    assert secret not in repr(s)
    assert secret not in str(s)
    assert "api_key" not in s.as_dict()
    with pytest.raises(InvalidArgument) as info:
        Settings.resolve(env(home, WANDB_API_KEY="has space " + secret))
    assert secret not in str(info.value)
    assert "WANDB_API_KEY" in str(info.value)


def test_explicit_construction_and_updated_copy(tmp_path: Path) -> None:
    s = Settings(mode="offline", root_dir=tmp_path, tags=["x"])
    assert s.mode == "offline" and s.tags == ("x",)
    assert set(s.explicit()) == {"mode", "root_dir", "tags"}
    with pytest.raises(InvalidArgument, match="mode='onlin' is not one of"):
        Settings(mode="onlin")
    t = s.updated(project="p", mode=None)
    assert (t.project, t.mode) == ("p", "offline")
    assert s.project is None  # immutable
    # Explicit settings layered over the environment keep their precedence.
    r = Settings.resolve({"HOME": str(tmp_path), "WANDB_MODE": "online"}, **s.explicit())
    assert r.mode == "offline"
