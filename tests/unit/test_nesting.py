"""``trackwell.schema.nesting``: rows flattened for storage with each nested key's path, and put
back in the shape they were logged (the one rule the server's rows and the client's frames share)."""

from __future__ import annotations

from trackwell.schema.nesting import flatten, nest, path_json, path_of_json

IMG = {"_type": "image-file", "path": "media/a.png"}


def test_flat_rows_pass_through_without_paths() -> None:
    assert flatten({"loss": 1.0, "lr.group0": 0.1}) == ({"loss": 1.0, "lr.group0": 0.1}, None, [])


def test_nested_leaves_keep_their_labels_dots_and_all() -> None:
    flat, paths, clashes = flatten({"a": {"b": 1, "c.d": {"e": 2}}, "x.y": 3, "img": {"k": IMG}, "empty": {}})
    assert flat == {"a.b": 1, "a.c.d.e": 2, "x.y": 3, "img.k": IMG, "empty": {}}
    assert paths == {"a.b": ("a", "b"), "a.c.d.e": ("a", "c.d", "e"), "img.k": ("img", "k")}
    assert clashes == []
    assert nest(flat, paths) == {"a": {"b": 1, "c.d": {"e": 2}}, "x.y": 3, "img": {"k": IMG}, "empty": {}}


def test_a_name_logged_both_ways_in_one_row_keeps_the_nested_value() -> None:
    for row in ({"a.b": 1, "a": {"b": 2}}, {"a": {"b": 2}, "a.b": 1}):
        flat, paths, clashes = flatten(row)
        assert (flat, paths, clashes) == ({"a.b": 2}, {"a.b": ("a", "b")}, ["a.b"])


def test_nest_never_loses_a_value() -> None:
    # "a" holds a value (or a media reference) and "a.b" was logged under it: the child stays flat
    assert nest({"a": 1, "a.b": 2}, {"a.b": ("a", "b")}) == {"a": 1, "a.b": 2}
    assert nest({"a": IMG, "a.b": 2}, {"a.b": ("a", "b")}) == {"a": IMG, "a.b": 2}
    assert nest({"a.b": 2, "a.b.c": 3}, {"a.b": ("a", "b"), "a.b.c": ("a.b", "c")}) == {
        "a": {"b": 2},
        "a.b": {"c": 3},
    }


def test_paths_round_trip_as_text() -> None:
    for path in (("a", "b"), ("gradients", "fc1.weight"), ("ü", '"q"', "\x00")):
        assert path_of_json(path_json(path)) == path
    assert path_json(None) is None and path_of_json(None) is None
