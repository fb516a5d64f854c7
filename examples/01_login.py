"""Log in with the key from the environment (never hard-code it).

Run: WANDB_API_KEY=<key> python examples/01_login.py   (with a local server, `init()` needs no login at all)
"""

from __future__ import annotations

import os

import trackwell as wandb


def login_to_wandb() -> None:
    api_key: str | None = os.getenv("WANDB_API_KEY")
    if not api_key:
        raise RuntimeError("WANDB_API_KEY is not set in the environment.")
    # Read the key from the environment instead of hardcoding secrets in source.
    wandb.login(key=api_key, relogin=True)


if __name__ == "__main__":
    login_to_wandb()
