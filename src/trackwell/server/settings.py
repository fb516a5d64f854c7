"""ServerSettings: everything a server process is configured with, built once by its entry point.

Nothing below ``create_app`` reads the environment: the CLI (or a test) builds this object and
passes it down, so two servers in one test process cannot leak settings into each other.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from trackwell.schema.artifact_rules import DEFAULT_PROTECTED_ALIASES
from trackwell.server.signin_settings import SignInSettings

STATIC_DIR = Path(__file__).parent / "static"


class ServerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    data_dir: Path = Field(description="Holds the SQLite database, blobs, server.json and local-api-key.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite at <data_dir>/trackwell.db."
    )
    blob_url: str | None = Field(default=None, description="Blob store location; default: <data_dir>/blobs.")
    heartbeat_timeout: float = Field(
        default=120.0, gt=0, description="Seconds without a batch or heartbeat before a run is crashed."
    )
    max_batch_bytes: int = Field(
        default=64 << 20, gt=0, description="Largest record batch accepted, after gzip decoding."
    )
    max_file_bytes: int = Field(default=16 << 30, gt=0, description="Largest single file upload.")
    max_request_bytes: int = Field(
        default=64 << 20,
        gt=0,
        description="Largest request body of every other route (JSON bodies are parsed in memory); "
        "file, blob and record uploads stream and keep their own limits above.",
    )
    hsts_seconds: int = Field(
        default=365 * 24 * 3600,
        ge=0,
        description="Strict-Transport-Security max-age sent on answers to HTTPS requests; 0 sends none.",
    )
    upload_part_size: int = Field(
        default=64 << 20,
        ge=5 << 20,
        description="Part size of resumable blob uploads (raised when a blob would need over 10,000 parts).",
    )
    blob_url_expiry: int = Field(
        default=6 * 3600, gt=0, le=7 * 24 * 3600, description="Seconds presigned S3 URLs stay valid."
    )
    protected_aliases: frozenset[str] = Field(
        default=DEFAULT_PROTECTED_ALIASES,
        description="Artifact aliases only an admin may set, move or remove (docs/artifacts.md).",
    )
    sweep_lease_seconds: float = Field(
        default=120.0,
        gt=0,
        description="Seconds a sweep's proposal stays leased to a silent agent before it is re-issued.",
    )
    sweep_heartbeat_seconds: float = Field(
        default=5.0, gt=0, description="How often sweep agents are told to heartbeat."
    )
    public_url: str | None = Field(
        default=None,
        description="The URL users open the UI at, for links in alert messages; default: the URL it serves.",
    )
    alert_retry_seconds: float = Field(
        default=30.0, gt=0, description="First wait before a failed webhook delivery is retried (doubling)."
    )
    alert_max_attempts: int = Field(
        default=5, ge=1, description="Attempts at a webhook delivery before it is given up as failed."
    )
    webhooks_to_local_addresses: bool = Field(
        default=False,
        description="Post webhooks to loopback and link-local addresses even when shared on the network "
        "(a server on loopback always does; service/webhook_destinations.py).",
    )
    local: bool = Field(default=True, description="Reported in server-info: a personal server on loopback.")
    bootstrap_local_user: bool = Field(
        default=True, description="Create the OS user and <data_dir>/local-api-key on first start."
    )
    signin: SignInSettings = Field(
        default_factory=SignInSettings, description="Passwords and single sign-on (OpenID Connect)."
    )
    allow_team_creation: bool = Field(
        default=True,
        description="Any signed-in user may create a team (as on W&B); off: only server admins.",
    )
    static_dir: Path = Field(default=STATIC_DIR, description="Built web UI (index.html and assets).")

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'trackwell.db'}"

    @property
    def resolved_blob_url(self) -> str:
        return self.blob_url or str(self.data_dir / "blobs")
