"""Builds the web UI into the package's static folder when it is missing or stale.

``make demo`` and ``make test`` call this after ``npm ci``: a fresh checkout gets a UI without
anyone remembering to build it, and an unchanged tree costs a hash of the sources, not a 10 s
Vite build. The stamp records a hash of everything the bundle is made from.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
STATIC = ROOT / "src" / "trackwell" / "server" / "static"
STAMP = STATIC / ".build-stamp"
INPUTS = (
    "src",
    "index.html",
    "viewer.html",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
    "public",
)


def source_hash() -> str:
    digest = hashlib.sha256()
    for name in INPUTS:
        path = WEB / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if not file.exists():
                continue
            digest.update(str(file.relative_to(WEB)).encode())
            digest.update(b"\0")
            digest.update(file.read_bytes())
    return digest.hexdigest()


def main() -> int:
    if not (WEB / "node_modules").is_dir():
        print("web/node_modules is missing: run 'cd web && npm ci' (make does this)", file=sys.stderr)
        return 1
    wanted = source_hash()
    current = STAMP.read_text().strip() if STAMP.exists() else ""
    if current == wanted and (STATIC / "index.html").is_file() and "--force" not in sys.argv:
        print("web UI is up to date")
        return 0
    print("building the web UI ...")
    # Always a production bundle: a caller's NODE_ENV (Vitest sets "test" for the browser tests that
    # call this script) would otherwise make Vite ship React's development build, several times slower.
    env = {**os.environ, "NODE_ENV": "production"}
    result = subprocess.run(["npm", "run", "-s", "build"], cwd=WEB, check=False, env=env)
    if result.returncode != 0:
        return result.returncode
    STAMP.write_text(wanted + "\n")
    print(f"web UI built into {STATIC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
