"""API keys: minting, checking, and the local user a fresh server creates for itself.

Keys are ``tw-`` + 40 random alphanumerics, which passes the wandb client's key-format check, and
are stored only as their sha256 (a high-entropy key needs no slow hash). A key never appears in a
message, log line or exception raised here.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import re
import secrets
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from trackwell.schema.errors import Unauthorized
from trackwell.store.base import Database, Principal, Role, User

if TYPE_CHECKING:
    from sqlalchemy import Connection

KEY_PREFIX = "tw-"
KEY_RANDOM_CHARS = 40
KEY_PREFIX_SHOWN = 7  # "tw-" and four random characters
LOCAL_KEY_FILE = "local-api-key"
_ALPHABET = string.ascii_letters + string.digits
# Authenticating touches the key's last-used time (a write); remembering recent keys for a short
# while keeps every request from taking the database's write lock. A revoked key may therefore
# keep working for up to this long.
_CACHE_SECONDS = 30.0
_CACHE_MAX = 1024


def generate_api_key() -> str:
    return KEY_PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(KEY_RANDOM_CHARS))


def key_prefix(key: str) -> str:
    """What key lists show of a key (``tw-AbCd``): enough to tell one's keys apart, far too little
    to guess the rest (37 random characters remain)."""
    return key[:KEY_PREFIX_SHOWN]


@dataclass(frozen=True, slots=True)
class MintedKey:
    id: int
    key: str = field(repr=False)
    prefix: str


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def local_username() -> str:
    """The OS user's name, restricted to the characters entity names allow."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "local"
    return re.sub(r"[^A-Za-z0-9_\-.]", "-", name)[:128] or "local"


class AuthService:
    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock
        self._cache: dict[str, tuple[User, float]] = {}
        self._roles: dict[int, tuple[dict[str, Role], float]] = {}  # user id -> (roles, until)
        self._lock = threading.Lock()

    def authenticate(self, key: str | None) -> User:
        """The user owning ``key``; ``Unauthorized`` (never quoting the key) otherwise."""
        if not key:
            raise Unauthorized(
                "This request needs an API key",
                hint="send 'Authorization: Bearer <key>' (or HTTP basic auth as user 'api'); "
                "run 'trackwell login' to store one",
            )
        digest = hash_api_key(key)
        now = self._clock()
        with self._lock:
            cached = self._cache.get(digest)
        if cached is not None and cached[1] > now:
            return cached[0]
        with self._db.begin() as conn:
            user = self._db.users.user_for_key_hash(conn, digest, now)
        if user is None:
            raise Unauthorized(
                "The API key is not valid on this server",
                hint="check that the key belongs to this server, or run 'trackwell login' again",
            )
        with self._lock:
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            self._cache[digest] = (user, now + _CACHE_SECONDS)
        return user

    def cached(self, key: str | None) -> User | None:
        """The user of ``key`` when a recent :meth:`authenticate` vouched for it, else None. Never
        touches the database, so the server can ask it on its event loop (no thread hand-off)."""
        if not key:
            return None
        with self._lock:
            cached = self._cache.get(hash_api_key(key))
        return cached[0] if cached is not None and cached[1] > self._clock() else None

    def principal(self, user: User) -> Principal:
        """``user`` with their roles (entity -> role, ``service.access`` reads them), remembered for
        the key cache's period: a role change may take up to that long to apply to a running client
        unless the change calls :meth:`forget_roles`. Browser sessions use it too."""
        found = self.cached_principal(user)
        if found is not None:
            return found
        with self._db.read() as conn:
            roles = self._db.users.roles_of(conn, user.id)
        with self._lock:
            if len(self._roles) >= _CACHE_MAX:
                self._roles.clear()
            self._roles[user.id] = (roles, self._clock() + _CACHE_SECONDS)
        return Principal(user=user, roles=roles)

    def cached_principal(self, user: User) -> Principal | None:
        """Memory only (the server asks it on its event loop); None when the roles must be read."""
        with self._lock:
            cached = self._roles.get(user.id)
        if cached is None or cached[1] <= self._clock():
            return None
        return Principal(user=user, roles=cached[0])

    def forget_roles(self, user_id: int) -> None:
        """Drop a user's remembered roles in this process (after their memberships changed)."""
        with self._lock:
            self._roles.pop(user_id, None)

    def create_key(self, user: User, name: str) -> str:
        return self.mint_key(user.id, name).key

    def mint_key(self, user_id: int, name: str, conn: Connection | None = None) -> MintedKey:
        """A new key for the user, stored as its sha256 with its :func:`key_prefix`; in ``conn``'s
        transaction when given. The caller shows ``key`` once and never logs it."""
        key = generate_api_key()
        prefix = key_prefix(key)
        if conn is None:
            with self._db.begin() as own:
                key_id = self._db.users.add_api_key(
                    own, user_id, hash_api_key(key), name, self._clock(), key_prefix=prefix
                )
        else:
            key_id = self._db.users.add_api_key(
                conn, user_id, hash_api_key(key), name, self._clock(), key_prefix=prefix
            )
        return MintedKey(id=key_id, key=key, prefix=prefix)

    def forget_user(self, user_id: int) -> None:
        """Drop what this process remembers of the user's keys and roles, so that revoking a key or
        disabling the account applies to this process's next request. Other server processes
        notice within their cache period (30 s)."""
        with self._lock:
            for digest in [d for d, (u, _) in self._cache.items() if u.id == user_id]:
                del self._cache[digest]
            self._roles.pop(user_id, None)

    def bootstrap_local_user(self, data_dir: Path) -> str:
        """Make sure the local user exists and ``<data_dir>/local-api-key`` holds a working key.

        Called at every start; only the first start (or one after the database was replaced)
        creates anything. Returns the key, for the caller to hand on without logging it.
        """
        key_file = data_dir / LOCAL_KEY_FILE
        if key_file.exists():
            key = key_file.read_text(encoding="utf-8").strip()
            try:
                self.authenticate(key)
                return key
            except Unauthorized:
                pass  # the file outlived its database: mint a fresh key below
        user = self._local_user()
        key = self.create_key(user, "local")
        _write_private(key_file, key + "\n")
        return key

    def _local_user(self) -> User:
        username = local_username()
        for attempt in range(2):
            try:
                with self._db.begin() as conn:
                    user = self._db.users.get_user(conn, username)
                    if user is None:
                        user = self._db.users.create_user(conn, username, is_admin=True, now=self._clock())
                    return user
            except Exception:
                # Another server process on the same database created the user at the same moment.
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to a file only its owner can read, replacing it atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # the umask may have narrowed, never widened, but be explicit
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)
    os.replace(tmp, path)
