"""``trackwell runs archive|unarchive|tag|untag|move|delete`` against a live server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.integration.test_api_client import seed_run
from tests.integration.test_cli_commands import cli, home  # noqa: F401  (the fixture)
from trackwell.sdk.api_client import ApiClient
from trackwell.store.base.runs import EVERY_RUN


def test_archive_tag_move_and_delete_from_the_command_line(live_server: Any, home: Path) -> None:  # noqa: F811
    with ApiClient(live_server.url, live_server.api_key) as client:
        entity = client.viewer().entity
        for run_id in ("k1", "k2", "k3"):
            seed_run(client, entity, "cli-bulk", run_id, rows=[{"loss": 1.0}])
        env = {"WANDB_BASE_URL": live_server.url, "WANDB_API_KEY": live_server.api_key}

        def ids(project: str, filters: Any = None) -> list[str]:
            return sorted(r.id for r in client.query_runs(entity, project, filters).runs)

        tagged = cli("runs", "tag", "cli-bulk", "k1", "k2", "--tag", "best", "--tag", "v2", home=home, **env)
        assert tagged.returncode == 0, tagged.stderr
        assert "2 changed" in tagged.stdout
        assert client.get_run(entity, "cli-bulk", "k2").tags == ["best", "v2"]
        archived = cli("runs", "archive", f"{entity}/cli-bulk", "k1", "k2", home=home, **env)
        assert archived.returncode == 0, archived.stderr
        assert ids("cli-bulk") == ["k3"]
        assert cli("runs", "unarchive", "cli-bulk", "k2", home=home, **env).returncode == 0
        assert ids("cli-bulk") == ["k2", "k3"]
        moved = cli("runs", "move", "cli-bulk", "k3", "--to", "cli-other", home=home, **env)
        assert moved.returncode == 0, moved.stderr
        assert ids("cli-other") == ["k3"]
        refused = cli("runs", "delete", "cli-bulk", "k2", home=home, **env)
        assert refused.returncode != 0 and "--yes" in refused.stderr
        assert cli("runs", "delete", "cli-bulk", "k2", "--yes", home=home, **env).returncode == 0
        assert ids("cli-bulk", EVERY_RUN) == ["k1"]
