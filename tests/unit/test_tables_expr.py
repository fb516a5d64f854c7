"""The table filter language's one parser (the viewer shows its errors as they are): grammar,
precedence, and refusals that name the position and what was expected."""

from __future__ import annotations

import pytest

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.tables import BoolOp, Cmp, Col, Lit, Not
from trackwell.service.tables_expr import ExprError, parse_filter

COLS = ["text", "actual_label", "predicted_label", "confidence"]


def test_the_issue_example_parses_to_a_tree() -> None:
    tree = parse_filter('row["confidence"] < 0.5 and row["actual_label"] != row["predicted_label"]', COLS)
    assert tree == BoolOp(
        "and",
        Cmp("<", Col("confidence"), Lit(0.5)),
        Cmp("!=", Col("actual_label"), Col("predicted_label")),
    )


def test_precedence_or_and_not_and_parentheses() -> None:
    a, b, c = (Cmp("==", Col("text"), Lit(x)) for x in "abc")
    src = 'row["text"] == "a" or row["text"] == "b" and row["text"] == "c"'
    assert parse_filter(src) == BoolOp("or", a, BoolOp("and", b, c))
    src = '(row["text"] == "a" || row["text"] == "b") && !row["text"] == "c"'
    assert parse_filter(src) == BoolOp("and", BoolOp("or", a, b), Not(c))
    assert parse_filter("not not True") == Not(Not(Lit(True)))


def test_literals_and_membership() -> None:
    assert parse_filter('row["confidence"] > -1e3') == Cmp(">", Col("confidence"), Lit(-1000))
    assert parse_filter("row['a'] == 'it\\'s'") == Cmp("==", Col("a"), Lit("it's"))
    assert parse_filter('"x" not in row["text"]') == Cmp("not in", Lit("x"), Col("text"))
    assert parse_filter("None == null") == Cmp("==", Lit(None), Lit(None))
    assert parse_filter("3 == .5") == Cmp("==", Lit(3), Lit(0.5))
    assert isinstance(parse_filter("3").value, int)  # type: ignore[union-attr]


def test_column_names_with_quotes_and_brackets() -> None:
    name = 'say "hi" [x]'
    assert parse_filter('row["say \\"hi\\" [x]"] == 1', [name]) == Cmp("==", Col(name), Lit(1))


@pytest.mark.parametrize(
    ("src", "message", "pos"),
    [
        ('__import__("os")', 'function calls are not allowed: "__import__(" at 1', 0),
        ("__import__", 'unknown name "__import__" at 1', 0),
        ('row["text"].upper()', "attribute access at 12 is not allowed", 11),
        ("row.__class__", "attribute access at 4 is not allowed", 3),
        ('len(row["text"]) > 3', 'function calls are not allowed: "len("', 0),
        ('row["confidence"](1)', "function calls are not allowed", 17),
        ('row["text"][0] == "r"', 'indexing at 12 is allowed only as row["column"]', 11),
        ("row[0]", "takes a quoted column name", 4),
        ('row["nope"] > 1', 'unknown column "nope" (columns: "text", "actual_label"', 4),
        ('row["confidence"] = 1', '"=" at 19: compare with ==', 18),
        ('row["confidence"] < 0.5 row["text"]', "join conditions with and/or", 24),
        ('(row["confidence"] < 0.5', 'expected ")" at 25, found end of expression', 24),
        ('row["confidence"] <', "expression ends too early at 20: expected a value", 19),
        ('"open', "unterminated string starting at 1", 0),
        ("1 < 2 < 3", "chained comparison at 7", 6),
        ('row["text"]; DROP TABLE runs', 'unexpected character ";" at 12', 11),
        ("row['text'] -- comment", 'unexpected "-" at 13: join conditions with and/or', 12),
        ("", "empty expression", 0),
        ("`x`", 'unexpected character "`"', 0),
        ("1x", 'unexpected "x" after number at 2', 1),
    ],
)
def test_refusals_name_the_position_and_what_was_expected(src: str, message: str, pos: int) -> None:
    with pytest.raises(ExprError) as info:
        parse_filter(src, COLS)
    assert message in info.value.message and info.value.pos == pos
    assert isinstance(info.value, InvalidArgument) and info.value.field == "filter"
    assert info.value.hint and "row[" in info.value.hint


def test_deep_nesting_and_huge_input_are_refused_not_crashing() -> None:
    with pytest.raises(ExprError, match="nests deeper"):
        parse_filter("(" * 3000 + "1" + ")" * 3000)
    with pytest.raises(ExprError, match="nests deeper"):
        parse_filter("!" * 5000 + "1")
    with pytest.raises(ExprError, match="the limit is"):
        parse_filter("1 or " * 5000 + "1")
