"""Compiling MongoDB-style run filters to SQL: what each dialect gets, and how bad input is refused.

The behaviour against real databases is in ``tests/contract/test_run_store_contract.py``; these tests
pin the compilation itself (that filters become SQL, with bound parameters, per dialect).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Dialect as SqlDialect
from sqlalchemy.engine import make_url

from trackwell.schema.errors import InvalidArgument
from trackwell.store.sql.dialect import Dialect
from trackwell.store.sql.filters import RunFilter

DIALECTS: dict[str, SqlDialect] = {
    name: make_url(f"{name}://").get_dialect()() for name in ("sqlite", "postgresql")
}


def _sql(dialect: Dialect, filters: dict[str, Any]) -> str:
    return str(RunFilter(dialect).where(filters).compile(dialect=DIALECTS[dialect]))


def _params(dialect: Dialect, filters: dict[str, Any]) -> list[Any]:
    return list(RunFilter(dialect).where(filters).compile(dialect=DIALECTS[dialect]).params.values())


@pytest.mark.parametrize(
    ("dialect", "fragments"),
    [
        ("sqlite", ["json_type(runs.config", "json_extract(runs.config", "REGEXP"]),
        ("postgresql", ["jsonb_typeof(", "runs.config -> ", "runs.summary ->> ", " ~ "]),
    ],
)
def test_json_paths_and_regex_compile_to_each_dialects_functions(
    dialect: Dialect, fragments: list[str]
) -> None:
    sql = _sql(dialect, {"config.lr": {"$gt": 0.1}, "summary_metrics.name": {"$regex": "^a"}})
    for fragment in fragments:
        assert fragment in sql


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_values_are_bound_parameters_never_spliced_into_sql(dialect: Dialect) -> None:
    hostile = "x'; DROP TABLE runs; --"
    sql = _sql(dialect, {"state": hostile, "config.a'b": hostile, "tags": hostile})
    assert "DROP TABLE" not in sql
    assert hostile in _params(dialect, {"state": hostile})


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_tags_membership_is_an_exists_over_the_json_array(dialect: Dialect) -> None:
    sql = _sql(dialect, {"tags": {"$in": ["a", "b"]}})
    assert "EXISTS" in sql
    assert ("json_each" if dialect == "sqlite" else "jsonb_array_elements_text") in sql


def test_iso_times_become_epoch_seconds_utc_when_no_zone_is_given() -> None:
    assert 3600.0 in _params("sqlite", {"created_at": {"$gt": "1970-01-01T01:00:00"}})
    assert 0.0 in _params("sqlite", {"createdAt": {"$gt": "1970-01-01T01:00:00+01:00"}})
    assert 3600.0 in _params("sqlite", {"created_at": {"$gt": "1970-01-01T01:00:00Z"}})


def test_case_insensitive_regex_option() -> None:
    assert "(?i)bert" in _params("postgresql", {"display_name": {"$regex": "bert", "$options": "i"}})


def test_no_filters_match_every_run_that_is_not_archived() -> None:
    assert _sql("sqlite", {}) == _sql("sqlite", {"$and": []})
    where = RunFilter("sqlite").where(None).compile(dialect=DIALECTS["sqlite"])
    assert str(where) == "runs.archived_at IS NULL"


@pytest.mark.parametrize(
    ("filters", "message_part"),
    [
        ({"config.": 1}, "unknown filter field"),
        ({"config..lr": 1}, "empty path segment"),
        ({"summary_metrics.a": {"$gt": True}}, "needs a number or a string"),
        ({"summary_metrics.a": {"b": 1}}, "cannot compare with dict"),
        ({"state": {"$eq": "x", "plain": 1}}, "mixes operators"),
        ({"state": {"$options": "i"}}, "$options without $regex"),
        ({"state": {"$regex": "x", "$options": "m"}}, "unsupported $options"),
        ({"state": {"$regex": 5}}, "$regex needs a string"),
        ({"runtime": {"$regex": "1"}}, "$regex does not apply to runtime"),
        ({"runtime": {"$gt": True}}, "runtime compares with a number"),
        ({"tags": ["a", "b"]}, "tags holds strings"),
        ({"$and": "x"}, "$and needs a list"),
        ({'config.a"b': 1}, "double quote"),
    ],
)
def test_bad_filters_raise_invalid_argument(filters: dict[str, Any], message_part: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        RunFilter("sqlite").where(filters)
    assert message_part in info.value.message
    assert info.value.field == "filters"
    assert info.value.hint


def test_filters_must_be_an_object() -> None:
    with pytest.raises(InvalidArgument, match="must be a JSON object"):
        RunFilter("sqlite").where(["state"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("order", "first"),
    [
        (None, "runs.created_at DESC NULLS LAST"),
        ("created_at", "runs.created_at ASC NULLS LAST"),
        (" +heartbeatAt ", "runs.heartbeat_at ASC NULLS LAST"),
        ("-runtime", "runs.runtime DESC NULLS LAST"),
    ],
)
def test_order_by(order: str | None, first: str) -> None:
    clauses = [
        str(c.compile(dialect=DIALECTS["postgresql"])) for c in RunFilter("postgresql").order_by(order)
    ]
    assert clauses[0] == first
    assert clauses[-1].startswith("runs.id")


def test_order_by_json_sorts_numbers_then_strings() -> None:
    clauses = RunFilter("sqlite").order_by("-summary_metrics.loss")
    assert len(clauses) == 3


@pytest.mark.parametrize("order", ["-", "tags", "colour"])
def test_bad_order_names_the_order_field(order: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        RunFilter("sqlite").order_by(order)
    assert info.value.field == "order"
