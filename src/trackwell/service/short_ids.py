"""The short public ids of saved views and reports (``k3j9x2ab0q``): what their URLs carry.

Ten lowercase letters and digits: 36**10 ids, so a clash is rare; a create that meets one draws a
new id, up to ``ID_TRIES`` times (the store refuses a taken id; the service retries).
"""

from __future__ import annotations

import secrets
import string

_ID_CHARS = string.ascii_lowercase + string.digits
ID_LENGTH = 10
ID_TRIES = 5


def new_short_id() -> str:
    return "".join(secrets.choice(_ID_CHARS) for _ in range(ID_LENGTH))
