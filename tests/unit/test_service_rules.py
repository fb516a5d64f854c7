"""Pure rules of the service layer: file path safety, key flattening, API keys, run filters."""

from __future__ import annotations

import re

import pytest

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.file_paths import sanitize_path
from trackwell.service.auth import generate_api_key, hash_api_key
from trackwell.service.history import flatten_values
from trackwell.service.runs import parse_filters

# The wandb client's key-format check: optional "<prefix>-" then >= 40 chars of [A-Za-z0-9_].
WANDB_KEY_FORMAT = re.compile(r"^(?:[A-Za-z0-9]+-)?[A-Za-z0-9_]{40,}$")


@pytest.mark.parametrize("path", ["a.txt", "media/images/x_1.png", "deep/er/file.tar.gz", "..hidden"])
def test_safe_paths_are_kept(path: str) -> None:
    assert sanitize_path(path) == path


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("", "empty"),
        ("/etc/passwd", "absolute"),
        ("C:/x", "absolute"),
        ("../up.txt", "'..'"),
        ("a/../../b", "'..'"),
        ("a/./b", "'.'"),
        ("a\\b", "backslash"),
        ("a\x00b", "NUL"),
        ("a//b", "empty segment"),
        ("a/", "empty segment"),
    ],
)
def test_unsafe_paths_are_refused_naming_the_path(path: str, why: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        sanitize_path(path)
    assert info.value.field == "path"
    assert why in info.value.message
    assert repr(path) in info.value.message


def test_nested_dicts_flatten_with_dots_but_media_references_stay_whole() -> None:
    image = {"_type": "image-file", "path": "media/a.png", "sha256": "ab"}
    flat = flatten_values({"a": {"b": 1, "c": {"d": 2.5}}, "img": image, "empty": {}, "s": "x"})
    assert flat == {"a.b": 1, "a.c.d": 2.5, "img": image, "empty": {}, "s": "x"}


def test_api_keys_pass_wandbs_format_check_and_are_stored_hashed() -> None:
    keys = {generate_api_key() for _ in range(50)}
    assert len(keys) == 50
    for key in keys:
        assert key.startswith("tw-") and len(key) == 43
        assert WANDB_KEY_FORMAT.match(key)
        digest = hash_api_key(key)
        assert re.fullmatch(r"[0-9a-f]{64}", digest) and key not in digest


def test_filters_must_be_a_json_object() -> None:
    assert parse_filters(None) is None
    assert parse_filters('{"state": "finished"}') == {"state": "finished"}
    with pytest.raises(InvalidArgument, match="not valid JSON") as info:
        parse_filters("{state: finished}")
    assert info.value.field == "filters"
    with pytest.raises(InvalidArgument, match="must be a JSON object"):
        parse_filters("[1, 2]")
