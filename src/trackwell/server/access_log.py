"""Secrets never reach the access log: the parts of URLs that carry them are redacted.

A few URLs carry a secret: in their query the one-time sign-in link (``?token=``), an OpenID
Connect callback (``?code=&state=``), a presigned S3 URL (``X-Amz-Signature``...); in their path
the wandb client's upload and download URLs (``/wandb/files/<token>``, ``/wandb/download/<token>``:
the token is the permission), and a report's public link page (``/public/reports/<token>``).
``trackwell server`` writes no access log, but a deployment may run
the app under uvicorn or gunicorn with one (``--access-log``); uvicorn logs the path with its query
through the ``uvicorn.access`` logger, whose records this filter rewrites before any handler sees
them.
"""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
REDACTED = "[redacted]"

# Names of query parameters whose values are secrets, compared case-insensitively.
SECRET_PARAMETERS = frozenset(
    (
        "token",
        "code",
        "state",
        "key",
        "api_key",
        "apikey",
        "access_token",
        "id_token",
        "refresh_token",
        "password",
        "secret",
        "report_link",  # a report's public link (schema/report_links.py)
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-security-token",
    )
)

_PARAMETER = re.compile(r"([?&])([^=&#]+)=([^&#]*)")
# Paths whose last segment is a secret (server/wandb_protocol/routes.py: upload_run_file,
# download_run_file, upload_artifact_file, download_artifact_file; and the page of a report's
# public link, /public/reports/<token>).
_SECRET_PATH = re.compile(
    r"^(/wandb/(?:files|download|artifact-files|artifact-download)/|/public/reports/)[^/?#]+"
)


def redact_secrets(path: str) -> str:
    """``path`` with every secret in it (a path token, the value of a secret query parameter)
    replaced by ``[redacted]``."""
    path = _SECRET_PATH.sub(rf"\1{REDACTED}", path)
    if "?" not in path:
        return path

    def replace(match: re.Match[str]) -> str:
        sep, name, value = match.groups()
        secret = name.lower() in SECRET_PARAMETERS
        return f"{sep}{name}={REDACTED if secret and value else value}"

    head, _, query = path.partition("?")
    return head + _PARAMETER.sub(replace, "?" + query)


class RedactSecrets(logging.Filter):
    """Rewrites the request path of uvicorn's access records (``'%s - "%s %s HTTP/%s" %d'``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_secrets(args[2]), *args[3:])
        return True


def install_access_log_redaction() -> None:
    """Once per process, however many apps it creates."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactSecrets) for f in logger.filters):
        logger.addFilter(RedactSecrets())
