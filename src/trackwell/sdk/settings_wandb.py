"""wandb's ``Settings`` fields, read into Trackwell's: what ``Settings(...)`` and ``init(settings=)``
accept beyond Trackwell's own names.

Code written for wandb passes ``wandb.Settings(x_disable_stats=True, code_dir=".", ...)`` or a dict
of the same. Every field wandb 0.31's ``Settings`` defines is accepted here:

* those Trackwell implements are mapped to its own field (``x_disable_stats`` -> ``disable_stats``,
  ``run_notes`` -> ``notes``, ``heartbeat_seconds`` -> ``heartbeat_interval``, ...);
* a few that only steer wandb's own machinery (``start_method``, ``anonymous``) are ignored
  silently, as wandb itself ignores them;
* every other one is accepted with one warning per process naming it
  (``Settings.x_label has no effect in Trackwell``) instead of failing a script over a tuning knob.

wandb's legacy private spelling ``_name`` means ``x_name`` (``_disable_stats``), as in wandb. A name
neither knows stays an error that names it and the closest valid names.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from trackwell.schema.errors import InvalidArgument
from trackwell.sdk.term import warn_once

# wandb field -> (our field, value conversion). The value then gets our field's own checks.
_SAME: Callable[[Any], Any] = lambda v: v  # noqa: E731


def _path_text(value: Any) -> Any:
    return os.fspath(value) if isinstance(value, os.PathLike) else value


def _not(value: Any) -> Any:
    return (not value) if isinstance(value, bool) else value


MAPPED: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "run_notes": ("notes", _SAME),
    "run_tags": ("tags", _SAME),
    "run_job_type": ("job_type", _SAME),
    "code_dir": ("code_dir", _path_text),
    "heartbeat_seconds": ("heartbeat_interval", _SAME),
    "x_disable_stats": ("disable_stats", _SAME),
    "x_disable_meta": ("disable_meta", _SAME),
    "x_stats_sampling_interval": ("stats_interval", _SAME),
    "x_save_requirements": ("disable_packages", _not),
}

# Accepted and ignored without a word: wandb's own machinery, which wandb too ignores or warns about.
SILENT = frozenset({"start_method", "anonymous", "x_disable_service", "x_disable_setproctitle"})

# Every other field of wandb 0.31's Settings (wandb/sdk/wandb_settings.py). Fields with the same
# name in Trackwell (mode, base_url, api_key, project, entity, run_id, run_name, run_group, resume,
# sweep_id, silent, quiet, console, init_timeout, finish_timeout, save_code, disable_code,
# disable_git) are Trackwell's own and are not listed.
NO_EFFECT = frozenset(
    """
    allow_media_symlink allow_offline_artifacts allow_val_change app_url_override
    azure_account_url_to_access_key capture_loggers config_paths console_chunk_max_bytes
    console_chunk_max_seconds console_multipart credentials_file disable_git_fork_point
    disable_job_creation docker email finish_timeout_raises force fork_from git_commit git_remote
    git_remote_url git_root host identity_token_file ignore_globs
    insecure_disable_ssl job_name job_source label_disable launch launch_config_path login_timeout
    max_end_of_run_history_metrics max_end_of_run_summary_metrics notebook_name organization
    program program_abspath program_relpath relogin resume_from resumed sagemaker_disable
    settings_system show_colors show_emoji show_errors show_info show_warnings stop_fn
    stop_on_fatal_error strict summary_timeout summary_warnings sweep_param_path symlink
    sync_tensorboard table_raise_on_max_row_limit_exceeded use_dot_wandb username x_cli_only_mode
    x_disable_machine_info x_disable_update_check x_disable_viewer x_executable
    x_extra_http_headers x_file_stream_max_bytes x_file_stream_max_line_bytes
    x_file_stream_retry_max x_file_stream_retry_wait_max_seconds
    x_file_stream_retry_wait_min_seconds x_file_stream_timeout_seconds
    x_file_stream_transmit_interval x_file_transfer_retry_max
    x_file_transfer_retry_wait_max_seconds x_file_transfer_retry_wait_min_seconds
    x_file_transfer_timeout_seconds x_files_dir x_flow_control_custom x_flow_control_disabled
    x_graphql_retry_max x_graphql_retry_wait_max_seconds x_graphql_retry_wait_min_seconds
    x_graphql_timeout_seconds x_internal_check_process x_jupyter_name x_jupyter_path x_jupyter_root
    x_label x_live_policy_rate_limit x_live_policy_wait_time x_log_level x_network_buffer x_primary
    x_primary_node x_proxies x_runqueue_item_id x_server_side_derived_summary
    x_server_side_expand_glob_metrics x_service_transport x_service_wait x_skip_transaction_log
    x_start_time x_stats_buffer_size x_stats_coreweave_metadata_base_url
    x_stats_coreweave_metadata_endpoint x_stats_cpu_count x_stats_cpu_logical_count
    x_stats_dcgm_exporter x_stats_disk_paths x_stats_gpu_count x_stats_gpu_device_ids
    x_stats_gpu_type x_stats_neuron_monitor_config_path x_stats_no_cgroup
    x_stats_open_metrics_endpoints x_stats_open_metrics_filters x_stats_open_metrics_http_headers
    x_stats_pid x_stats_track_process_tree x_sync x_sync_dir_suffix x_update_finish_state
    """.split()  # noqa: SIM905 (a word list reads better than 150 quoted lines)
)


def alias_of(name: str) -> str | None:
    """Our field for a wandb name whose value means the same (``run.settings.x_disable_stats``)."""
    mapped = MAPPED.get("x" + name if name.startswith("_") else name)
    return mapped[0] if mapped is not None and mapped[1] is not _not else None


def translate(values: Mapping[str, Any], ours: tuple[str, ...]) -> dict[str, Any]:
    """``values`` with wandb's names read as Trackwell's (see the module docstring).

    Raises ``InvalidArgument`` for a name neither Trackwell nor wandb defines, naming it."""
    result: dict[str, Any] = {}
    for given, value in values.items():
        name = "x" + given if given.startswith("_") else given
        if name == "finish_timeout" and value == 0 and not isinstance(value, bool):
            continue  # wandb's "wait until uploaded"; finish() keeps its own bounded wait
        if name in MAPPED:
            field, convert = MAPPED[name]
            result[field] = convert(value)
        elif name in ours:
            result[name] = value
        elif name in SILENT:
            continue
        elif name in NO_EFFECT:
            if value is not None:
                warn_once(f"settings:{name}", f"Settings.{given} has no effect in Trackwell (ignored)")
        else:
            raise _unknown(given, ours)
    return result


def _unknown(name: str, ours: tuple[str, ...]) -> InvalidArgument:
    import difflib  # only on this error path

    known = sorted(set(ours) | set(MAPPED) | NO_EFFECT | SILENT)
    close = difflib.get_close_matches(name, known, n=3)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    return InvalidArgument(
        f"unknown setting {name!r}: neither Trackwell nor wandb has a setting of that name",
        field=name,
        hint=hint + "Trackwell's settings: " + ", ".join(ours) + " (and every field of wandb's Settings)",
    )
