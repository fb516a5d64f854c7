"""`make bench`: run every benchmark and rewrite benchmarks/RESULTS.md.

``python -m benchmarks.run_all sdk ingest`` runs only the modules whose names contain those words and
updates only their sections.

Each module listed here has ``main(quick: bool) -> list[Result]``. A benchmark that fails is reported
and the others still run.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback

from benchmarks.common import Result, merge_results, write_results

MODULES = [
    "benchmarks.sdk_bench",
    "benchmarks.history_bench",
    "benchmarks.readback_bench",
    "benchmarks.ingest_bench",
    "benchmarks.media_bench",
    "benchmarks.context_bench",
    "benchmarks.ui_bench",
    "benchmarks.group_series_bench",
    "benchmarks.table_bench",
    "benchmarks.artifacts_bench",
    "benchmarks.sweeps_hpo",
    "benchmarks.sweeps_grid_bench",
    "benchmarks.integration_hf_bench",
    "benchmarks.integration_lightning_bench",
    "benchmarks.integration_keras_bench",
    "benchmarks.integration_watch_bench",
    "benchmarks.integration_boosting_bench",
    "benchmarks.wandb_client_bench",
    "benchmarks.report_export_bench",
    "benchmarks.alert_rules_overhead",
]


def main() -> int:
    quick = os.environ.get("QUICK") == "1" or "--quick" in sys.argv
    only = [a for a in sys.argv[1:] if not a.startswith("--")]
    results: list[Result] = []
    failed = []
    for name in MODULES:
        if only and not any(o in name for o in only):
            continue
        print(f"== {name}", flush=True)
        try:
            module = importlib.import_module(name)
            got = module.main(quick=quick)
        except Exception:
            traceback.print_exc()
            failed.append(name)
            continue
        for r in got:
            print(
                f"   {r.metric}: {r.value:.4g} {r.unit} {('(target ' + r.target + ')') if r.target else ''}"
            )
        results.extend(got)
    write_results(merge_results(results), "make bench")
    print("wrote benchmarks/RESULTS.md" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
