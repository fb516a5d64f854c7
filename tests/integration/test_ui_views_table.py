"""A saved view's runs table (hidden runs, pinned, hidden and resized columns, the split) over HTTP
on a real server, on every SQL backend: saved by one user, opened by another, and bad values refused
with a 400 that names the field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures.artifacts import make_user
from tests.fixtures.backends import BACKENDS, server_on_backend
from tests.fixtures.live_server import LiveServer

URL = "/api/v1/views/team/mnist"
TABLE = {
    "hidden_runs": ["r1", "r2"],
    "pinned_columns": ["name", "c:optimizer"],
    "hidden_columns": ["notes"],
    "column_widths": {"name": 320, "s:val/acc": 140},
    "split": {"mode": "table", "width": 700},
}


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir: Path = tmp_path_factory.mktemp(f"views-table-{request.param}") / "data"
    with server_on_backend(request, data_dir) as live:
        yield live


@pytest.fixture(scope="module")
def users(server: LiveServer) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    with (
        httpx.Client(
            base_url=server.url, headers=make_user(server, "erin", admin=False, entity="team"), timeout=30
        ) as erin,
        httpx.Client(
            base_url=server.url, headers=make_user(server, "finn", admin=False, entity="team"), timeout=30
        ) as finn,
    ):
        yield erin, finn


def test_the_table_travels_with_the_view_to_everyone_who_opens_it(
    users: tuple[httpx.Client, httpx.Client],
) -> None:
    erin, finn = users
    made = erin.post(URL, json={"name": "wide table", "state": {"sort": "-s:loss", "table": TABLE}})
    assert made.status_code == 201, made.text
    opened = finn.get(f"{URL}/{made.json()['id']}").json()
    assert opened["state"]["table"] == TABLE and opened["state"]["sort"] == "-s:loss"
    # Saved without a table (as before views held one): null, and the UI keeps the user's own.
    bare = erin.post(URL, json={"name": "no table", "state": {"filter": "lr>0"}}).json()
    assert finn.get(f"{URL}/{bare['id']}").json()["state"]["table"] is None


@pytest.mark.parametrize(
    ("table", "field", "words"),
    [
        ({"hidden_runs": ["a/b"]}, "state.table.hidden_runs.0", "cannot contain"),
        ({"pinned_columns": ["lr"]}, "state.table.pinned_columns.0", "no column of the runs table"),
        ({"hidden_columns": [""]}, "state.table.hidden_columns.0", "at least 1"),
        ({"column_widths": {"name": 20}}, "state.table.column_widths.name", "greater than or equal to 60"),
        ({"column_widths": {"x": 100}}, "state.table.column_widths.x.[key]", "no column"),
        ({"split": {"mode": "side"}}, "state.table.split.mode", "'split', 'list' or 'table'"),
        ({"split": {"mode": "split", "width": 10}}, "state.table.split.width", "greater than or equal"),
        ({"pinned": ["name"]}, "state.table.pinned", "Extra inputs"),
    ],
)
def test_bad_table_values_are_refused_naming_the_field(
    users: tuple[httpx.Client, httpx.Client], table: dict[str, object], field: str, words: str
) -> None:
    erin, _ = users
    r = erin.post(URL, json={"name": "bad", "state": {"table": table}})
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["field"] == field and words in error["message"]


def test_two_users_saving_one_name_get_one_view(users: tuple[httpx.Client, httpx.Client]) -> None:
    erin, finn = users
    first = erin.post(URL, json={"name": "Résumé  of runs"})
    assert first.status_code == 201 and first.json()["name"] == "Résumé of runs"
    second = finn.post(URL, json={"name": "Re\u0301sume\u0301 of runs "})
    assert second.status_code == 409 and second.json()["error"]["field"] == "name"
    names = [v["name"] for v in finn.get(URL).json()["views"]]
    assert names.count("Résumé of runs") == 1
