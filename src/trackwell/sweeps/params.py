"""The trial's parameter file: what an agent hands to the run it starts (W&B's protocol).

An agent writes the ``args`` of a ``run`` command, ``{name: {"value": v}}``, as YAML to
``<dir>/trackwell/sweep-<sweep id>/config-<run id>.yaml`` and names it in
``WANDB_SWEEP_PARAM_PATH``; ``init()`` inside the trial reads it back (:func:`read_params`). YAML
because W&B's agent writes YAML there and programs written for it may read the file themselves.

Types survive the round trip: ints stay ints, floats stay floats (PyYAML writes ``1e-05`` as
``1.0e-05``, which it reads back as a float, not the string YAML 1.1 would make of ``1e-05``),
booleans, None, strings, lists and nested dicts as they were. Nested parameters arrive re-nested
under their top-level name (``{"opt": {"value": {"lr": 0.1, "name": "adam"}}}``), as W&B sends them.

Only the standard library at import; PyYAML (its C loader when built) on first use.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from trackwell.sdk.errors import UsageError

PARAM_PATH_ENV = "WANDB_SWEEP_PARAM_PATH"


def param_file(root_dir: str | os.PathLike[str], sweep_id: str, run_id: str) -> Path:
    """Where an agent writes a trial's parameters (beside the run dirs, in ``<dir>/trackwell``)."""
    return Path(root_dir) / "trackwell" / f"sweep-{sweep_id}" / f"config-{run_id}.yaml"


def wire_args(args: Any, where: str = "run command") -> dict[str, dict[str, Any]]:
    """``args`` checked to be W&B's wire form ``{name: {"value": v}}`` (a bare ``{name: v}`` is
    wrapped, so hand-written files work too)."""
    if not isinstance(args, Mapping):
        raise UsageError(f"the {where} holds {type(args).__name__}, not a mapping of parameter names")
    out: dict[str, dict[str, Any]] = {}
    for name, spec in args.items():
        if not isinstance(name, str):
            raise UsageError(f"the {where} has a parameter named {name!r}; names must be strings")
        out[name] = dict(spec) if isinstance(spec, Mapping) and "value" in spec else {"value": spec}
    return out


def values(args: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """``{name: {"value": v}}`` -> ``{name: v}``: what goes into ``run.config``."""
    return {name: spec["value"] for name, spec in args.items()}


def write_params(path: str | os.PathLike[str], args: Mapping[str, Any]) -> Path:
    """Write ``args`` (wire form) as YAML, atomically: a trial never reads half a file."""
    import tempfile

    import yaml

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(wire_args(args), Dumper=_dumper(), default_flow_style=False, sort_keys=False)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def read_params(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The parameter values in the file ``path`` names, ``{name: value}``.

    Raises:
        UsageError: the file is missing or is not a mapping of parameters, naming the file.
    """
    import yaml

    where = Path(path)
    try:
        text = where.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            f"cannot read the sweep parameters from {where} ({PARAM_PATH_ENV}): {exc.strerror or exc}; "
            "start the trial through `trackwell agent` or trackwell.agent(), or unset the variable"
        ) from None
    try:
        loaded = yaml.load(text, Loader=_loader())
    except yaml.YAMLError as exc:
        raise UsageError(f"the sweep parameter file {where} is not valid YAML: {exc}") from None
    return values(wire_args(loaded or {}, where=f"sweep parameter file {where}"))


def _loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _dumper() -> Any:
    import yaml

    return getattr(yaml, "CSafeDumper", yaml.SafeDumper)
