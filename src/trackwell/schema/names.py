"""Patterns for identifiers that appear in URLs and file paths: kept to a safe alphabet.

Plain constants (no pydantic) so that the SDK's settings can check a run id without importing the
wire models.
"""

RUN_ID_PATTERN = r"^[A-Za-z0-9_\-.]{1,64}$"
NAME_PATTERN = r"^[A-Za-z0-9_\-.]{1,128}$"
