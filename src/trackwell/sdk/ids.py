"""Run ids and readable run names, generated on the client.

Ids are what wandb generates (8 characters of ``[a-z0-9]``) so that scripts which parse them keep
working. Names are generated here rather than by the server so that offline runs have one too.
"""

from __future__ import annotations

import secrets
import string

_ID_ALPHABET = string.ascii_lowercase + string.digits

_ADJECTIVES = (
    "amber",
    "bold",
    "brisk",
    "calm",
    "cosmic",
    "crisp",
    "daring",
    "dashing",
    "eager",
    "fancy",
    "fearless",
    "gentle",
    "glad",
    "golden",
    "graceful",
    "happy",
    "hardy",
    "honest",
    "icy",
    "jolly",
    "keen",
    "lively",
    "lucky",
    "lunar",
    "mellow",
    "misty",
    "noble",
    "quiet",
    "rapid",
    "royal",
    "serene",
    "sharp",
    "silver",
    "smooth",
    "solar",
    "stellar",
    "sunny",
    "swift",
    "vivid",
    "witty",
)
_NOUNS = (
    "aurora",
    "badger",
    "breeze",
    "brook",
    "canyon",
    "cedar",
    "comet",
    "cosmos",
    "dawn",
    "delta",
    "dune",
    "ember",
    "falcon",
    "fern",
    "field",
    "forest",
    "galaxy",
    "glade",
    "harbor",
    "haze",
    "lake",
    "lion",
    "meadow",
    "moon",
    "nebula",
    "oak",
    "ocean",
    "otter",
    "pine",
    "planet",
    "river",
    "sky",
    "snow",
    "spark",
    "star",
    "sun",
    "thunder",
    "valley",
    "wave",
    "wind",
)


def new_run_id() -> str:
    """A random 8-character run id, e.g. ``w9unsrbp``."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))


def new_session_id() -> str:
    """A random id for one writer process of a run; records are numbered per session."""
    return secrets.token_hex(8)


def new_run_name() -> str:
    """A readable display name, adjective-noun-NNNN (e.g. ``swift-otter-0421``)."""
    return f"{secrets.choice(_ADJECTIVES)}-{secrets.choice(_NOUNS)}-{secrets.randbelow(10000):04d}"
