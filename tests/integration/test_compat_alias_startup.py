"""The start-up side of the alias, in process: ``apply_from_environment`` (what the .pth hook runs)
reads ``TRACKWELL_ALIAS_WANDB``, aliases only when it is on, and never raises; and the name table
maps wandb's module names the documented way."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from trackwell import compat
from trackwell.compat import _startup, is_aliased, unalias_wandb
from trackwell.compat._table import target_of


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("TRACKWELL_ALIAS_WANDB", raising=False)
    yield
    unalias_wandb()


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_on_values_alias(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("TRACKWELL_ALIAS_WANDB", value)
    assert _startup.apply_from_environment() is True and is_aliased()


@pytest.mark.parametrize("value", [None, "", "0", "false", "Off", "no"])
def test_off_values_do_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], value: str | None
) -> None:
    if value is not None:
        monkeypatch.setenv("TRACKWELL_ALIAS_WANDB", value)
    assert _startup.apply_from_environment() is False and not is_aliased()
    assert capsys.readouterr().err == ""


def test_a_failure_is_one_warning_never_an_exception(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> None:
        raise OSError("read-only sys.meta_path")

    monkeypatch.setattr(compat, "alias_wandb", broken)
    monkeypatch.setenv("TRACKWELL_ALIAS_WANDB", "1")
    assert _startup.apply_from_environment() is False
    assert capsys.readouterr().err == (
        "trackwell: WARNING TRACKWELL_ALIAS_WANDB is set but the wandb alias could not be applied: "
        "OSError('read-only sys.meta_path')\n"
    )


@pytest.mark.parametrize(
    ("wandb_name", "trackwell_name"),
    [
        ("wandb", "trackwell"),
        ("wandb.sdk.wandb_run", "trackwell.sdk.wandb_run"),
        ("wandb.integration.keras", "trackwell.integration.keras"),
        ("wandb.integration.keras.callbacks", "trackwell.integration.keras.callbacks"),
        ("wandb.sdk.lib.config_util", "trackwell.compat.wandb_config_util"),
        ("wandb.sdk.lib", "trackwell.sdk.lib"),
        ("wandb.sdk.data_types.image", "trackwell.data_types.image"),
        ("wandb.wandb_sdk.wandb_run", "trackwell.sdk.wandb_run"),
        ("wandb.keras", "trackwell.integration.keras"),
        ("wandb.env", "trackwell.compat.wandb_env"),
        ("wandbx", None),
        ("trackwell", None),
    ],
)
def test_the_name_table(wandb_name: str, trackwell_name: str | None) -> None:
    assert target_of(wandb_name) == trackwell_name
