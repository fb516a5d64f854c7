"""OpenID Connect sign-in (single sign-on) with any standard provider: Keycloak, Okta, Google, Azure.

The authorization-code flow with PKCE (S256), as OpenID Connect Core 1.0 and RFC 7636 describe it,
through authlib's OAuth 2 client; ID tokens are checked with joserfc (authlib's JOSE library):

1. ``begin``: fresh ``state``, ``nonce`` and PKCE verifier, kept in a short-lived cookie signed with
   the server's session secret (``flow cookie``, SameSite=Lax so the provider's redirect back
   carries it); the browser goes to the provider's authorization endpoint (found by discovery).
2. ``finish``: the provider sends the browser back with ``code`` and ``state``. The state must equal
   the cookie's (constant-time) and be unused in the database (a replayed callback is refused by
   every server process); the code is exchanged with the verifier and the client secret; the ID
   token's signature is checked against the provider's JWKS (fetched again once when a key id is
   new: providers rotate keys), and its ``iss``, ``aud`` (and ``azp``), ``exp``, ``iat`` and
   ``nonce``. Claims from the userinfo endpoint are added when the provider has one and its
   ``sub`` matches (Okta and Keycloak put groups and email there).

Who the claims make the user is :mod:`trackwell.service.oidc_accounts`. The client secret, codes
and tokens are never logged or put in an error message.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from authlib.integrations.base_client import OAuthError  # type: ignore[import-untyped]
from authlib.integrations.httpx_client import OAuth2Client  # type: ignore[import-untyped]
from authlib.oauth2 import OAuth2Error  # type: ignore[import-untyped]
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from trackwell.schema.errors import TrackwellError, Unauthorized
from trackwell.service.oidc_config import OidcConfig
from trackwell.store.base import Database

FLOW_SECONDS = 10 * 60  # time allowed at the provider's sign-in page
DISCOVERY_SECONDS = 3600.0
CLOCK_LEEWAY = 120  # seconds of clock difference tolerated between the provider and this server
# Asymmetric signatures only: "none" and HMAC with the client secret are refused whatever the
# provider advertises.
SAFE_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
                             "ES512", "EdDSA"})  # fmt: skip


class Signer(Protocol):
    """What signs the flow cookie: the server's session secret (``SessionService``)."""

    def sign(self, purpose: str, payload: dict[str, object]) -> str: ...

    def verify(self, purpose: str, token: str) -> dict[str, object] | None: ...


@dataclass(frozen=True)
class SignInStart:
    url: str  # where to send the browser
    flow_cookie: str


@dataclass(frozen=True)
class SignInResult:
    claims: dict[str, Any]  # the ID token's claims, with the userinfo endpoint's added
    next_path: str


def _refused(why: str) -> Unauthorized:
    return Unauthorized(f"Single sign-on failed: {why}", hint="start the sign-in again from the sign-in page")


class OidcClient:
    def __init__(
        self,
        config: OidcConfig,
        signer: Signer,
        db: Database,
        clock: Callable[[], float] = time.time,
        http: Callable[[], httpx.Client] = lambda: httpx.Client(timeout=15.0),
    ) -> None:
        self.config = config
        self._signer = signer
        self._db = db
        self._clock = clock
        self._http = http
        self._lock = threading.Lock()
        self._metadata: tuple[dict[str, Any], float] | None = None
        self._keys: KeySet | None = None

    # -- discovery ----------------------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        """The provider's discovery document, fetched at most once an hour per process."""
        with self._lock:
            if self._metadata is not None and self._metadata[1] > self._clock():
                return self._metadata[0]
        url = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
        document = self._get_json(url, "discovery document")
        if str(document.get("issuer", "")).rstrip("/") != self.config.issuer.rstrip("/"):
            raise TrackwellError(
                f"The OpenID provider at {url} names its issuer {document.get('issuer')!r}, "
                f"not the configured {self.config.issuer!r}",
                field="oidc_issuer",
                hint="set TRACKWELL_OIDC_ISSUER to exactly the provider's issuer",
            )
        with self._lock:
            self._metadata = (document, self._clock() + DISCOVERY_SECONDS)
        return document

    def _get_json(self, url: str, what: str) -> dict[str, Any]:
        try:
            with self._http() as client:
                response = client.get(url)
                response.raise_for_status()
                data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise TrackwellError(
                f"Could not read the OpenID provider's {what} at {url}: {type(exc).__name__}",
                field="oidc_issuer",
                hint="check TRACKWELL_OIDC_ISSUER and that this server can reach the provider",
            ) from None
        if not isinstance(data, dict):
            raise TrackwellError(f"The OpenID provider's {what} at {url} is not a JSON object")
        return data

    def _key_set(self, refresh: bool) -> KeySet:
        with self._lock:
            if self._keys is not None and not refresh:
                return self._keys
        keys = KeySet.import_key_set(self._get_json(str(self.metadata()["jwks_uri"]), "JWKS"))  # type: ignore[arg-type]
        with self._lock:
            self._keys = keys
        return keys

    def _client(self, redirect_uri: str) -> OAuth2Client:
        return OAuth2Client(
            client_id=self.config.client_id,
            client_secret=self.config.client_secret,
            scope=self.config.scopes,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=15.0,
        )

    # -- the flow -----------------------------------------------------------------------------------

    def begin(self, redirect_uri: str, next_path: str) -> SignInStart:
        state, nonce, verifier = (secrets.token_urlsafe(24), secrets.token_urlsafe(24),
                                  secrets.token_urlsafe(48))  # fmt: skip
        endpoint = str(self.metadata()["authorization_endpoint"])
        with self._client(redirect_uri) as client:
            url, _ = client.create_authorization_url(
                endpoint, state=state, nonce=nonce, code_verifier=verifier
            )
        flow = {"s": state, "n": nonce, "v": verifier, "next": next_path, "exp": self._clock() + FLOW_SECONDS}
        cookie = self._signer.sign("oidc", flow)
        return SignInStart(url=url, flow_cookie=cookie)

    def finish(self, flow_cookie: str | None, params: dict[str, str], redirect_uri: str) -> SignInResult:
        if "error" in params:
            # The provider's own words (e.g. access_denied: the user cancelled); no secret in them.
            detail = params.get("error_description") or params["error"]
            raise _refused(f"the provider answered: {detail[:200]}")
        flow = self._signer.verify("oidc", flow_cookie) if flow_cookie else None
        if flow is None:
            raise _refused("this browser has no sign-in in progress (or it took over 10 minutes)")
        state = params.get("state", "")
        if not state or not hmac.compare_digest(state.encode(), str(flow["s"]).encode()):
            raise _refused("the state parameter does not match this browser's sign-in")
        with self._db.begin() as conn:
            expires = float(str(flow["exp"]))
            fresh = self._db.users.add_nonce(conn, f"oidc.state:{state}", "oidc.state", expires)
            if not fresh:
                raise _refused("this sign-in response was already used")
        code = params.get("code", "")
        if not code:
            raise _refused("the provider sent no authorization code")
        token = self._exchange(code, str(flow["v"]), redirect_uri)
        claims = self._id_token_claims(str(token.get("id_token", "")), str(flow["n"]))
        if token.get("access_token") and self.metadata().get("userinfo_endpoint"):
            claims = self._with_userinfo(claims, str(token["access_token"]))
        return SignInResult(claims=claims, next_path=str(flow.get("next") or "/"))

    def _exchange(self, code: str, verifier: str, redirect_uri: str) -> dict[str, Any]:
        endpoint = str(self.metadata()["token_endpoint"])
        try:
            with self._client(redirect_uri) as client:
                token = client.fetch_token(endpoint, grant_type="authorization_code", code=code,
                                           code_verifier=verifier)  # fmt: skip
        except (OAuthError, OAuth2Error) as exc:  # the provider's error answer, e.g. invalid_grant
            raise _refused(f"the provider refused the code ({exc.error})") from None
        except httpx.HTTPError as exc:
            raise _refused(f"the provider's token endpoint failed ({type(exc).__name__})") from None
        return dict(token)

    def _id_token_claims(self, id_token: str, nonce: str) -> dict[str, Any]:
        if not id_token:
            raise _refused("the provider sent no ID token (is the 'openid' scope allowed for this client?)")
        advertised = self.metadata().get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = [a for a in advertised if a in SAFE_ALGORITHMS] or ["RS256"]
        try:
            try:
                decoded = jwt.decode(id_token, self._key_set(refresh=False), algorithms=algorithms)
            except (JoseError, ValueError):
                # A key id this process has not seen yet: the provider may have rotated its keys.
                decoded = jwt.decode(id_token, self._key_set(refresh=True), algorithms=algorithms)
            registry = jwt.JWTClaimsRegistry(
                leeway=CLOCK_LEEWAY,
                iss={"essential": True, "value": self.metadata()["issuer"]},
                aud={"essential": True, "value": self.config.client_id},
                sub={"essential": True},
                exp={"essential": True},
                iat={"essential": True},
                nonce={"essential": True, "value": nonce},
            )
            registry.validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            raise _refused(f"the ID token is not valid ({type(exc).__name__}: {exc})") from None
        claims = dict(decoded.claims)
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.config.client_id:
            raise _refused("the ID token was issued to another client (azp)")
        return claims

    def _with_userinfo(self, claims: dict[str, Any], access_token: str) -> dict[str, Any]:
        url = str(self.metadata()["userinfo_endpoint"])
        try:
            with self._http() as client:
                response = client.get(url, headers={"Authorization": f"Bearer {access_token}"})
                response.raise_for_status()
                info = response.json()
        except (httpx.HTTPError, ValueError):
            return claims  # the ID token alone is enough to sign in
        if not isinstance(info, dict) or info.get("sub") != claims["sub"]:
            raise _refused("the userinfo endpoint answered for another subject")
        return {**claims, **{k: v for k, v in info.items() if k not in _ID_TOKEN_ONLY}}


# Claims the ID token is the authority on, whatever userinfo says.
_ID_TOKEN_ONLY = frozenset({"iss", "sub", "aud", "exp", "iat", "nonce", "azp", "auth_time"})
