"""Where a downloaded run file may land: the rule lives in :mod:`trackwell.sdk.download_paths`
(shared with ``trackwell.artifacts``, which must not import ``apis``); re-exported here for the
``Api``'s modules and for ``from trackwell.apis.downloads import download_target``."""

from __future__ import annotations

from trackwell.sdk.download_paths import UnsafeDownloadError, download_target

__all__ = ["UnsafeDownloadError", "download_target"]
