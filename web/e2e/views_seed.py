"""Seeds the saved-views e2e test (views.e2e.ts): project ``views``, 6 runs of two optimizers
(``adam``, ``sgd``) logging ``train/loss`` and ``val/acc`` over 20 steps with the real SDK, and a
second, non-admin user ``alice``, a member of root's entity, whose API key is written to
``<data dir>/views-alice-key`` (made in the server's database directly, as an operator's script
would).

Run as ``TRACKWELL_DATA_DIR=<dir> python web/e2e/views_seed.py`` against a running local server.
"""

from __future__ import annotations

import os
from pathlib import Path

import trackwell as wandb
from trackwell.service.auth import AuthService
from trackwell.store.sql.database import open_database

PROJECT = "views"
SECOND_USER = "alice"
OWNER = "root"  # the local user the runs are logged as


def log_runs() -> None:
    for i in range(6):
        optimizer = ("adam", "sgd")[i % 2]
        run = wandb.init(
            project=PROJECT,
            name=f"{optimizer}-{i}",
            group=optimizer,
            config={"lr": 0.001 * (i + 1), "optimizer": optimizer},
            settings=wandb.Settings(x_disable_stats=True),
        )
        for step in range(20):
            loss = 2.0 / (1 + step * (0.1 + 0.05 * i))
            run.log({"train/loss": loss, "val/acc": 1 - loss / 2.5}, step=step)
        run.finish()


def second_user(data_dir: Path) -> None:
    db = open_database(f"sqlite:///{data_dir / 'trackwell.db'}")
    try:
        with db.begin() as conn:
            user = db.users.get_user(conn, SECOND_USER) or db.users.create_user(
                conn, SECOND_USER, is_admin=False, now=1.0
            )
            # A colleague in the entity the runs are logged to (the server's local user's), so
            # that the project and its views are theirs to read (docs/adr/0003).
            owner = db.users.get_user(conn, OWNER)
            assert owner is not None, f"the server has no user {OWNER!r}"
            db.users.set_role(conn, owner.entity, user.id, "member", now=1.0)
        key = AuthService(db).create_key(user, "views e2e")
    finally:
        db.close()
    (data_dir / "views-alice-key").write_text(key)


def main() -> None:
    log_runs()
    second_user(Path(os.environ["TRACKWELL_DATA_DIR"]))


if __name__ == "__main__":
    main()
