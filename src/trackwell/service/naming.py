"""Display names for runs created without one.

wandb's server names such runs "adjective-noun-N" (N counts the project's runs), and users expect
the same readable names in lists and charts, so the service assigns them rather than showing ids.
"""

from __future__ import annotations

import secrets

_ADJECTIVES = (
    "amber", "bold", "brisk", "calm", "clever", "cosmic", "crisp", "daring", "deep", "eager",
    "fancy", "gentle", "golden", "happy", "icy", "jolly", "keen", "lively", "lucky", "misty",
    "noble", "olive", "proud", "quiet", "rapid", "rosy", "silver", "smooth", "snowy", "sunny",
    "swift", "tidy", "vivid", "warm", "wild", "wise",
)  # fmt: skip
_NOUNS = (
    "breeze", "brook", "cloud", "comet", "dawn", "dew", "dune", "field", "firefly", "forest",
    "frost", "galaxy", "glade", "grove", "haze", "hill", "lake", "leaf", "meadow", "moon",
    "night", "ocean", "pine", "planet", "rain", "river", "sea", "shadow", "sky", "snow",
    "star", "sun", "thunder", "valley", "wave", "wind",
)  # fmt: skip


def generated_display_name(ordinal: int) -> str:
    """A name like ``swift-river-7``; ``ordinal`` is the run's position in its project."""
    return f"{secrets.choice(_ADJECTIVES)}-{secrets.choice(_NOUNS)}-{ordinal}"
