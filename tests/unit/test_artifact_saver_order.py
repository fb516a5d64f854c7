"""The saver creates the versions of one artifact in the order ``log_artifact`` was called, though
it runs two saves at once: a save that is ready first waits for the earlier one's version. Without
that, a checkpoint logged an epoch later could become the lower version and ``latest`` would end on
the older checkpoint."""

from __future__ import annotations

import threading
import time
from typing import Any

from trackwell.artifacts.saver import SaveJob, Saver


class _Client:
    """What a save asks of the server: versions are numbered as they are created."""

    def __init__(self) -> None:
        self.created: list[str] = []
        self._lock = threading.Lock()

    def viewer_entity(self) -> str:
        return "me"

    def create_version(self, entity: str, project: str, name: str, create: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.created.append(create["label"])
            return {"version": f"v{len(self.created) - 1}", "created": True}


def _job(client: _Client, name: str, label: str, run_exists: threading.Event | None) -> SaveJob:
    record = {"client_id": label, "name": name, "create": {"label": label, "manifest": {"contents": {}}}}
    return SaveJob(
        client,  # type: ignore[arg-type]
        entity=None,
        project="p",
        record=record,
        missing=set(),
        run_exists=run_exists,
        use_cache=False,
    )


def test_versions_of_one_artifact_are_created_in_log_order() -> None:
    client, saver = _Client(), Saver(threads=2)
    slow = threading.Event()  # the first save waits (for its run to exist) while the second is ready
    first = saver.submit(_job(client, "model-x", "epoch-0", slow))
    second = saver.submit(_job(client, "model-x", "epoch-1", None))
    time.sleep(0.3)
    assert client.created == [] and not second.done.is_set(), "the later save waits for the earlier"
    slow.set()
    assert (first.wait(5)["version"], second.wait(5)["version"]) == ("v0", "v1")
    assert client.created == ["epoch-0", "epoch-1"]
    # another artifact's save does not wait for model-x's
    other = saver.submit(_job(client, "dataset", "other", None))
    assert other.previous is None and other.wait(5)["version"] == "v2"
    assert first.previous is None and second.previous is None  # no chain of jobs kept alive
