"""W&B's sweep command macros, each one (reference/sweeps.md section 6.3; the expected lists are
those of W&B's own tests of ``create_sweep_command_args`` and ``create_sweep_command``)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

import pytest

from trackwell.sweeps.macros import (
    DEFAULT_COMMAND,
    arg_forms,
    build_command,
    expand_envvars,
    unknown_macros,
)

# W&B's test case: a true and a false boolean, an int and None.
Args = dict[str, dict[str, Any]]

WANDB_ARGS: Args = {"a": {"value": True}, "b": {"value": False}, "c": {"value": 1}, "d": {"value": None}}
MIXED: Args = {
    "lr": {"value": 0.001},
    "layers": {"value": 3},
    "opt": {"value": {"name": "adam", "beta": 0.9}},
}


def cmd(command: Sequence[object], args: Args = WANDB_ARGS, **kw: object) -> list[str]:
    options: dict[str, object] = {"program": "train.py", "environ": {}, "interpreter": "/py"} | kw
    return build_command(command, args, **options)  # type: ignore[arg-type]


def test_forms_match_wandbs_own_expectations() -> None:
    forms = arg_forms(WANDB_ARGS)
    assert forms["args"] == ["--a=True", "--b=False", "--c=1", "--d=None"]
    assert forms["args_no_hyphens"] == ["a=True", "b=False", "c=1", "d=None"]
    assert forms["args_no_boolean_flags"] == ["--a", "--c=1", "--d=None"]
    assert forms["args_json"] == ['{"a": true, "b": false, "c": 1, "d": null}']
    assert forms["args_append_hydra"] == ["+a=True", "+b=False", "+c=1", "+d=None"]
    assert forms["args_override_hydra"] == ["++a=True", "++b=False", "++c=1", "++d=None"]
    assert forms["args_no_equals"] == ["--a", "True", "--b", "False", "--c", "1", "--d", "None"]


def test_default_command_is_env_interpreter_program_args() -> None:
    assert DEFAULT_COMMAND == ("${env}", "${interpreter}", "${program}", "${args}")
    argv = build_command(None, MIXED, program="train.py", environ={}, windows=False)
    # ${interpreter} is this Python, not a bare "python" from PATH
    assert argv[:3] == ["/usr/bin/env", sys.executable, "train.py"]
    assert argv[3:] == ["--lr=0.001", "--layers=3", "--opt={'name': 'adam', 'beta': 0.9}"]


def test_env_is_nothing_on_windows() -> None:
    assert cmd(["${env}", "${interpreter}"], windows=True) == ["/py"]
    assert cmd(["${env}", "${interpreter}"], windows=False) == ["/usr/bin/env", "/py"]


def test_program_macro_and_a_missing_program_is_a_clear_error() -> None:
    assert cmd(["${program}"], {}) == ["train.py"]
    with pytest.raises(ValueError, match="no 'program'"):
        cmd(["${interpreter}", "${program}"], program=None)
    # without ${program} no program is needed
    assert cmd(["python", "-c", "pass", "${args}"], {"x": {"value": 1}}, program=None) == [
        "python",
        "-c",
        "pass",
        "--x=1",
    ]


@pytest.mark.parametrize(
    ("macro", "expected"),
    [
        ("${args}", ["--a=True", "--b=False", "--c=1", "--d=None"]),
        ("${args_no_hyphens}", ["a=True", "b=False", "c=1", "d=None"]),
        ("${args_no_equals}", ["--a", "True", "--b", "False", "--c", "1", "--d", "None"]),
        ("${args_no_boolean_flags}", ["--a", "--c=1", "--d=None"]),
        ("${args_json}", ['{"a": true, "b": false, "c": 1, "d": null}']),
        ("${args_append_hydra}", ["+a=True", "+b=False", "+c=1", "+d=None"]),
        ("${args_override_hydra}", ["++a=True", "++b=False", "++c=1", "++d=None"]),
    ],
)
def test_each_parameter_macro_is_spliced_where_it_stands(macro: str, expected: list[str]) -> None:
    assert cmd(["${interpreter}", "${program}", macro, "--tail"]) == ["/py", "train.py", *expected, "--tail"]


def test_args_json_file_expands_to_the_path_given() -> None:
    assert cmd(["${program}", "${args_json_file}"], json_file="/w/sweep-s/config-r.json") == [
        "train.py",
        "/w/sweep-s/config-r.json",
    ]
    with pytest.raises(ValueError, match="args_json_file"):
        cmd(["${args_json_file}"])


def test_values_render_with_str_not_json() -> None:
    args: Args = {"flag": {"value": True}, "nested": {"value": {"k": [1, 2]}}, "s": {"value": "a b"}}
    assert cmd(["${args}"], args) == ["--flag=True", "--nested={'k': [1, 2]}", "--s=a b"]
    # ...but JSON in ${args_json}, types kept
    assert json.loads(cmd(["${args_json}"], args)[0]) == {"flag": True, "nested": {"k": [1, 2]}, "s": "a b"}


def test_string_true_is_not_a_boolean_flag() -> None:
    assert cmd(["${args_no_boolean_flags}"], {"x": {"value": "True"}, "y": {"value": 0}}) == [
        "--x=True",
        "--y=0",
    ]


def test_envvar_is_replaced_inside_any_token_and_an_unset_one_leaves_its_name() -> None:
    env = {"FOO_DIR": "foo_dir", "FOO_DIR_TWO": "foo_dir_two", "FOO_VAR": "foo_var"}
    command = [
        "${env}",
        "${interpreter}",
        "--output_dir",
        "fake/path/${envvar:FOO_DIR}/${envvar:FOO_DIR}/${envvar:FOO_DIR_TWO}",
        "--foovar",
        "${envvar:FOO_VAR}",
        "${envvar:NOT_SET}",
    ]
    assert cmd(command, {}, environ=env, windows=False) == [
        "/usr/bin/env",
        "/py",
        "--output_dir",
        "fake/path/foo_dir/foo_dir/foo_dir_two",
        "--foovar",
        "foo_var",
        "NOT_SET",
    ]
    assert expand_envvars("${envvar:lower}", {"lower": "x"}) == "${envvar:lower}"  # only [A-Z0-9_]


def test_unknown_macros_expand_to_nothing_and_are_reported() -> None:
    command: list[object] = ["${interpreter}", "${program}", "${argz}", "${args}", "x${args}"]
    assert cmd(command, {"n": {"value": 2}}) == ["/py", "train.py", "--n=2", "x${args}"]
    assert unknown_macros(command) == ["${argz}"]
    assert unknown_macros(list(DEFAULT_COMMAND) + ["${envvar:HOME}", "${args_json_file}"]) == []


def test_non_string_tokens_pass_through_as_text() -> None:
    assert cmd(["python", "train.py", "--float", 1.99999, "${args_json}"], {"a": {"value": 1}}) == [
        "python",
        "train.py",
        "--float",
        "1.99999",
        '{"a": 1}',
    ]


def test_a_parameter_without_value_is_refused() -> None:
    with pytest.raises(ValueError, match=r"args\.a has no 'value'"):
        arg_forms({"a": {"foo": True}})
