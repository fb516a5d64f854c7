"""W&B's sweep ``command`` macros: the command line a command-line agent runs for one trial.

The rules are W&B's (``wandb_agent.Agent._command_run`` and ``sdk/launch/sweeps/utils.py``;
docs/sweeps.md and reference/sweeps.md section 6.3), so a sweep config written for ``wandb agent``
runs the same command here:

- The default command is ``${env} ${interpreter} ${program} ${args}``.
- ``${envvar:NAME}`` is replaced inside any token first (``NAME`` matches ``[A-Z0-9_]*``); an unset
  variable leaves its name.
- Then a token that is a whole ``${name}`` is replaced by a list of tokens spliced into the command;
  an unknown macro expands to nothing (:func:`unknown_macros` finds them so the CLI can warn), and any
  other token passes through as ``str(token)`` (a YAML number in ``command`` stays a number's text).
- Values are rendered with Python's ``str()`` (``True``, ``None``, ``{'lr': 0.1}`` for a nested
  parameter), JSON only in ``${args_json}`` and the file of ``${args_json_file}``.

One deliberate difference: ``${interpreter}`` is ``sys.executable`` (the Python running the agent,
so the trial sees the same virtual environment and packages), where W&B puts a bare ``python`` that
resolves through ``PATH`` and may be another interpreter, or none at all.

Pure functions: nothing here starts a process or reads ``os.environ`` unless handed it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

DEFAULT_COMMAND: tuple[str, ...] = ("${env}", "${interpreter}", "${program}", "${args}")
ENV_PROGRAM = "/usr/bin/env"
ENVVAR_MACRO = re.compile(r"\$\{envvar:([A-Z0-9_]*)\}")

# The macros that expand to the trial's parameters, and the ones the agent fills in itself.
ARG_MACROS: tuple[str, ...] = (
    "args",
    "args_no_hyphens",
    "args_no_equals",
    "args_no_boolean_flags",
    "args_json",
    "args_append_hydra",
    "args_override_hydra",
)
AGENT_MACROS: tuple[str, ...] = ("env", "interpreter", "program", "args_json_file")
KNOWN_MACROS: frozenset[str] = frozenset(ARG_MACROS + AGENT_MACROS)


def param_values(args: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """``{name: value}`` from the wire form ``{name: {"value": v}}`` of a run command.

    Raises:
        ValueError: a parameter without ``value`` (W&B raises the same).
    """
    values: dict[str, Any] = {}
    for name, wrapped in args.items():
        if not isinstance(wrapped, Mapping) or "value" not in wrapped:
            raise ValueError(f"the run command's args.{name} has no 'value' (expected {{'value': v}})")
        values[name] = wrapped["value"]
    return values


def arg_forms(args: Mapping[str, Mapping[str, Any]]) -> dict[str, list[str]]:
    """Every parameter macro's expansion, in the order of ``args`` (W&B's
    ``create_sweep_command_args``: ``{"a": {"value": True}, "c": {"value": 1}}`` gives
    ``args == ["--a=True", "--c=1"]`` and ``args_json == ['{"a": true, "c": 1}']``)."""
    values = param_values(args)
    forms: dict[str, list[str]] = {name: [] for name in ARG_MACROS}
    for name, value in values.items():
        flag = f"{name}={value}"
        forms["args"].append(f"--{flag}")
        forms["args_no_hyphens"].append(flag)
        forms["args_no_equals"] += [f"--{name}", str(value)]
        forms["args_append_hydra"].append(f"+{flag}")
        forms["args_override_hydra"].append(f"++{flag}")
        if isinstance(value, bool):
            # A boolean becomes a bare flag when true and disappears when false (argparse's
            # store_true); only real booleans, not the strings "True"/"False".
            if value:
                forms["args_no_boolean_flags"].append(f"--{name}")
        else:
            forms["args_no_boolean_flags"].append(f"--{flag}")
    forms["args_json"] = [args_json(values)]
    return forms


def args_json(values: Mapping[str, Any]) -> str:
    """The JSON of ``${args_json}`` and of the ``${args_json_file}`` file (``json.dumps`` as W&B)."""
    return json.dumps(dict(values))


def expand_envvars(token: str, environ: Mapping[str, str]) -> str:
    """``${envvar:NAME}`` replaced inside ``token`` by the variable's value (its name when unset)."""
    return ENVVAR_MACRO.sub(lambda m: environ.get(m.group(1), m.group(1)), token)


def macro_name(token: str) -> str | None:
    """``"args"`` for the token ``"${args}"``; None when the token is not a whole macro."""
    if token.startswith("${") and token.endswith("}"):
        return token[2:-1]
    return None


def unknown_macros(command: Iterable[Any]) -> list[str]:
    """The whole-token macros of ``command`` that W&B would silently expand to nothing
    (``${argz}``), in order, so ``trackwell sweep`` and ``trackwell agent`` can say so."""
    unknown: list[str] = []
    for token in command:
        name = macro_name(ENVVAR_MACRO.sub("", str(token)))
        if name is not None and name not in KNOWN_MACROS and token not in unknown:
            unknown.append(str(token))
    return unknown


def uses_macro(command: Iterable[Any], name: str) -> bool:
    return any(str(token) == "${" + name + "}" for token in command)


def build_command(
    command: Sequence[Any] | None,
    args: Mapping[str, Mapping[str, Any]],
    *,
    program: str | None,
    environ: Mapping[str, str],
    json_file: str | None = None,
    interpreter: str | None = None,
    windows: bool | None = None,
) -> list[str]:
    """The argv of one trial.

    Args:
        command: the sweep's ``command`` (None or empty: :data:`DEFAULT_COMMAND`).
        args: the run command's parameters, ``{name: {"value": v}}``.
        program: the sweep's (or the run command's) ``program``.
        environ: the environment ``${envvar:NAME}`` reads.
        json_file: what ``${args_json_file}`` expands to (the caller writes the file).
        interpreter: what ``${interpreter}`` expands to (default ``sys.executable``).
        windows: ``${env}`` expands to nothing on Windows, as in W&B (default: this platform).

    Raises:
        ValueError: the command names ``${program}`` but the sweep has no program, or
            ``${args_json_file}`` without a ``json_file``; a parameter without a value.
    """
    tokens = [str(token) for token in (command or DEFAULT_COMMAND)]
    on_windows = sys.platform == "win32" if windows is None else windows
    expansions: dict[str, list[str]] = dict(arg_forms(args))
    expansions["env"] = [] if on_windows else [ENV_PROGRAM]
    expansions["interpreter"] = [interpreter or sys.executable]
    if uses_macro(tokens, "program"):
        if not program:
            raise ValueError(
                "the sweep's command uses ${program} but the sweep config has no 'program' "
                "(add e.g. `program: train.py`, or write the command without ${program})"
            )
        expansions["program"] = [program]
    if uses_macro(tokens, "args_json_file"):
        if json_file is None:
            raise ValueError("${args_json_file} needs the path of the JSON file to write")
        expansions["args_json_file"] = [json_file]
    argv: list[str] = []
    for raw in tokens:
        token = expand_envvars(raw, environ)
        name = macro_name(token)
        if name is None:
            argv.append(token)
        else:
            argv += expansions.get(name, [])  # W&B: an unknown macro expands to nothing
    return argv
