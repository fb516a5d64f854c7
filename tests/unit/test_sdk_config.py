"""run.config behaves like wandb.config: access styles, wandb's ConfigError, namespaces, sink."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from trackwell.sdk.config import Config, filter_keys
from trackwell.sdk.errors import ConfigError, Error


def test_attribute_item_and_mapping_access() -> None:
    c = Config()
    c.update({"lr": 0.1, "nested": {"a": 1}})
    c.batch = 32
    c["epochs"] = 3
    assert (c.lr, c["batch"], c.get("epochs"), c.get("missing", 7)) == (0.1, 32, 3, 7)
    assert "lr" in c and "zzz" not in c
    assert type(c.nested) is dict and c.nested == {"a": 1}
    assert set(c.keys()) == {"lr", "nested", "batch", "epochs"}
    assert dict(c.items())["batch"] == 32
    assert c.as_dict() == {"lr": 0.1, "nested": {"a": 1}, "batch": 32, "epochs": 3}
    with pytest.raises(AttributeError, match="config has no key 'nope'"):
        _ = c.nope


def test_changing_a_value_raises_wandbs_config_error() -> None:
    c = Config()
    c.update({"a": 1})
    expected = (
        'Attempted to change value of key "a" from 1 to 5\n'
        "If you really want to do this, pass allow_val_change=True to config.update()"
    )
    for change in (lambda: c.update({"a": 5}), lambda: setattr(c, "a", 5), lambda: c.__setitem__("a", 5)):
        with pytest.raises(ConfigError) as info:
            change()
        assert str(info.value) == expected
        assert isinstance(info.value, Error)
    c.update({"a": 1})  # the same value is fine
    c.update({"a": 5}, allow_val_change=True)
    assert c.a == 5


def test_allow_val_change_default_from_init() -> None:
    c = Config(allow_val_change=True)
    c.a = 1
    c.a = 2
    assert c.a == 2


def test_namespace_and_setdefaults() -> None:
    c = Config()
    c.update(argparse.Namespace(lr=0.01, epochs=2))
    c.setdefaults({"lr": 99, "seed": 1})
    assert c.as_dict() == {"lr": 0.01, "epochs": 2, "seed": 1}


def test_values_are_made_json_friendly() -> None:
    class Scalar:
        def item(self) -> float:
            return 0.5

    c = Config()
    c.update({"p": Path("/data/x"), "s": Scalar(), "t": (1, 2), "o": object})
    assert c.p == "/data/x" and c.s == 0.5 and c.t == [1, 2] and isinstance(c.o, str)


def test_number_bool_and_none_keys_become_json_text_as_in_wandb() -> None:
    # transformers puts a model config's id2label ({0: "LABEL_0"}) in the run config; wandb's JSON
    # round trip gives {"0": "LABEL_0"}. Keys JSON cannot write keep the dict as readable text.
    config = Config()
    config.update({"id2label": {0: "NEG", 1: "POS"}, "deep": {"x": {2: 3, True: None, 1.5: Path("/p")}}})
    config["tuple_keys"] = {(1, 2): 3}
    assert config["id2label"] == {"0": "NEG", "1": "POS"}
    assert config["deep"] == {"x": {"2": 3, "true": None, "1.5": "/p"}}
    assert config["tuple_keys"] == "{(1, 2): 3}"


def test_every_change_reaches_the_sink() -> None:
    seen: list[dict[str, Any]] = []
    c = Config(seen.append)
    c.update({"a": 1})
    c.b = 2
    assert seen == [{"a": 1}, {"a": 1, "b": 2}]


def test_bad_input_names_the_problem() -> None:
    c = Config()
    with pytest.raises(TypeError, match="dict or an argparse.Namespace"):
        c.update(5)
    with pytest.raises(TypeError, match="keys must be strings"):
        c.update({1: 2})
    with pytest.raises(ValueError, match="reserved"):
        c.update({"_wandb": 1})


def test_include_exclude_keys() -> None:
    cfg = {"a": 1, "b": 2}
    assert filter_keys(cfg, ["a"], None) == {"a": 1}
    assert filter_keys(cfg, None, ["a"]) == {"b": 2}
    with pytest.raises(ValueError, match="not both"):
        filter_keys(cfg, ["a"], ["b"])
