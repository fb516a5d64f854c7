"""Passwords: the policy, hashing (Argon2id through argon2-cffi) and signing in with one.

For servers without single sign-on. Only a hash is stored (``users.password_hash``, Argon2id with
argon2-cffi's current defaults, RFC 9106's low-memory profile); a hash made with older parameters is
replaced at the next successful sign-in, so raising the cost reaches every account over time.

Timing does not tell whether an account exists: an unknown name, a disabled account and an account
without a password all pay one Argon2 verification against a dummy hash, the same as a wrong
password. Rate limits and the audit trail are the caller's (``service.signin_guard``).
"""

from __future__ import annotations

from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from trackwell.schema.errors import InvalidArgument, Unauthorized
from trackwell.store.base import Database, User

MIN_LENGTH = 12
MAX_LENGTH = 1024  # far beyond any passphrase; bounds the work one request can ask of Argon2


def check_policy(password: str, *, username: str | None = None, email: str | None = None) -> None:
    """``InvalidArgument`` naming what is wrong with a new password and how to fix it."""
    if len(password) < MIN_LENGTH:
        raise InvalidArgument(
            f"The password is too short: {len(password)} characters, at least {MIN_LENGTH} are needed",
            field="password",
            hint="use a passphrase of several words, or a password manager's generated password",
        )
    if len(password) > MAX_LENGTH:
        raise InvalidArgument(
            f"The password is longer than {MAX_LENGTH} characters", field="password", hint="use a shorter one"
        )
    if not password.strip():
        raise InvalidArgument(
            "The password is only spaces", field="password", hint="choose a real passphrase"
        )
    lowered = password.casefold()
    for taken in (username, email, (email or "").partition("@")[0]):
        if taken and len(taken) >= 4 and taken.casefold() in lowered:
            raise InvalidArgument(
                "The password contains your username or email",
                field="password",
                hint="choose a password that others cannot guess from your name",
            )
    if len(set(password)) < 5:
        raise InvalidArgument(
            "The password repeats too few characters (fewer than 5 different ones)",
            field="password",
            hint="use a passphrase of several words",
        )


def _wrong_password() -> Unauthorized:
    # One message for an unknown account, a wrong password and a disabled account: the answer must not
    # tell an attacker which accounts exist.
    return Unauthorized(
        "Wrong username, email or password",
        field="password",
        hint="check both and try again; an admin can set a new password (PUT /api/v1/users/<name>/password)",
    )


class PasswordService:
    def __init__(self, db: Database, hasher: PasswordHasher | None = None) -> None:
        self._db = db
        self._hasher = hasher or PasswordHasher()

    @cached_property
    def _dummy_hash(self) -> str:
        return self._hasher.hash("trackwell: no such account, same work as a real one")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def find_account(self, login: str) -> User | None:
        """The user a sign-in names: an email when it has an ``@``, else a username."""
        with self._db.read() as conn:
            if "@" in login:
                return self._db.users.get_user_by_email(conn, login)
            return self._db.users.get_user(conn, login)

    def authenticate(self, login: str, password: str) -> User:
        """The user whose password this is; ``Unauthorized`` (one message for every failure) otherwise."""
        if len(password) > MAX_LENGTH:
            raise _wrong_password()
        user = self.find_account(login.strip())
        stored: str | None = None
        if user is not None:
            with self._db.read() as conn:
                stored = self._db.users.password_hash(conn, user.id)
        try:
            self._hasher.verify(stored or self._dummy_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            raise _wrong_password() from None
        if user is None or stored is None or user.disabled or user.kind != "user":
            raise _wrong_password()
        if self._hasher.check_needs_rehash(stored):
            self._store(user, password)
        return user

    def set_password(self, user: User, password: str) -> None:
        """Checks the policy, then stores the new hash (the old password stops working at once)."""
        check_policy(password, username=user.username, email=user.email)
        self._store(user, password)

    def has_password(self, user: User) -> bool:
        with self._db.read() as conn:
            return self._db.users.password_hash(conn, user.id) is not None

    def _store(self, user: User, password: str) -> None:
        new_hash = self._hasher.hash(password)
        with self._db.begin() as conn:
            self._db.users.set_password_hash(conn, user.id, new_hash)
