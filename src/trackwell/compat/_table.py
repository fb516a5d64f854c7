"""Which trackwell module answers each ``wandb`` module name while wandb is aliased.

One rule and a short table of exceptions, so what the alias covers can be read in one place (the
table is documented in docs/integrations.md, "Aliasing wandb"):

- ``wandb`` itself is a small module whose attributes are trackwell's (``_module.WandbModule``).
- A name in :data:`RENAMED` (or under one: the longest matching prefix wins) maps to the module
  listed there: wandb's module paths that trackwell spells differently, and two shims
  (``wandb.env``, ``wandb.sdk.lib.config_util``) for modules trackwell has no reason to own.
- Every other ``wandb.X.Y`` maps to ``trackwell.X.Y`` when that module exists (``wandb.sdk.wandb_run``,
  ``wandb.apis.public``, ``wandb.errors``, ``wandb.util``, ``wandb.integration.keras``, ...).
- Anything else is not found (``ModuleNotFoundError``, exactly as when wandb lacks a module), so
  ``importlib.util.find_spec`` probes for optional wandb features answer ``None`` instead of failing.
"""

from __future__ import annotations

# The wandb release the alias answers as (``importlib.metadata.version("wandb")``, ``wandb.__version__``):
# the wandb API level trackwell follows. Frameworks gate their wandb code on a minimum version
# (Lightning: ``wandb>=0.12.10``), so the alias must report a current one.
WANDB_VERSION = "0.31.0"

RENAMED: dict[str, str] = {
    # wandb's older alias of its sdk package (``wandb.wandb_sdk.wandb_run.Run`` in type hints)
    "wandb.wandb_sdk": "trackwell.sdk",
    # media and artifacts live under wandb.sdk in wandb, at the top of trackwell
    "wandb.sdk.data_types": "trackwell.data_types",
    "wandb.data_types": "trackwell.data_types",
    "wandb.sdk.artifacts": "trackwell.artifacts",
    # wandb's wandb_<thing> module names inside its sdk package
    "wandb.sdk.wandb_config": "trackwell.sdk.config",
    "wandb.sdk.wandb_summary": "trackwell.sdk.summary",
    "wandb.sdk.wandb_init": "trackwell.sdk.init",
    "wandb.sdk.wandb_login": "trackwell.sdk.login",
    "wandb.sdk.wandb_watch": "trackwell.sdk.watch",
    # wandb.apis.public is a package in wandb (its admin classes in .users and .teams), a module here
    "wandb.apis.public.users": "trackwell.apis.users",
    "wandb.apis.public.teams": "trackwell.apis.teams",
    # shims: small modules with wandb's names (transformers' WandbCallback imports both)
    "wandb.sdk.lib.config_util": "trackwell.compat.wandb_config_util",
    "wandb.env": "trackwell.compat.wandb_env",
    # wandb's short integration paths (``from wandb.keras import WandbCallback`` in older code;
    # ``wandb.sklearn`` is ``trackwell.sklearn`` by the general rule)
    "wandb.keras": "trackwell.integration.keras",
    "wandb.xgboost": "trackwell.integration.xgboost",
    "wandb.lightgbm": "trackwell.integration.lightgbm",
}


def target_of(name: str) -> str | None:
    """The trackwell module name for wandb module ``name`` (None for a name outside ``wandb``).

    Whether that module exists is the finder's question, not this table's.
    """
    if name != "wandb" and not name.startswith("wandb."):
        return None
    prefix = name
    while prefix != "wandb":
        mapped = RENAMED.get(prefix)
        if mapped is not None:
            return mapped + name[len(prefix) :]
        prefix = prefix.rpartition(".")[0]
    return "trackwell" + name[len("wandb") :]
