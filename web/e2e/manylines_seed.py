"""Seeds the many-lines e2e test (manylines.e2e.ts): project ``manylines``, 250 runs ``ml-000`` ..
``ml-249`` each logging ``loss`` over 50 steps on its own level, written straight into the store
(through the SDK 250 runs take minutes on a loaded machine; the test is about drawing them).

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/manylines_seed.py`` against a running local server.
"""

from __future__ import annotations

import os
import time

import trackwell as wandb
from trackwell.schema.runs import RunUpsert
from trackwell.store.base import HistoryColumns, RunKey
from trackwell.store.sql.database import open_database

PROJECT, RUNS, STEPS = "manylines", 250, 50


def main() -> None:
    entity = wandb.Api().default_entity
    db = open_database(f"sqlite:///{os.environ['TRACKWELL_DATA_DIR']}/trackwell.db", migrate=False)
    now = time.time()
    try:
        for i in range(RUNS):
            name = f"ml-{i:03d}"
            with db.begin() as conn:
                fields = RunUpsert(session_id=f"s-{name}", display_name=name, config={"index": i})
                run = db.runs.create_run(conn, RunKey(entity, PROJECT, name), fields, now + i / 1000)
                steps = list(range(STEPS))
                db.history.append_columns(
                    conn,
                    run.pk,
                    HistoryColumns(
                        steps=steps,
                        timestamps=[now + s for s in steps],
                        runtimes=[float(s) for s in steps],
                        columns={"loss": [float(i) + s / 100 for s in steps]},
                    ),
                )
    finally:
        db.close()


if __name__ == "__main__":
    main()
