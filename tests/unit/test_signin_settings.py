"""Single sign-on settings from the environment (TRACKWELL_OIDC_*): parsed once, wrong values named
with the fix, and the client secret never shown."""

from __future__ import annotations

import pytest

from trackwell.schema.errors import InvalidArgument
from trackwell.server.signin_settings import parse_team_map, signin_settings_from_env

SECRET = "s3cr3t-value-never-shown"


def test_team_map_reads_group_team_and_role() -> None:
    assert parse_team_map("ml-admins=ml:admin, ml-staff = ml ,viewers=vision:viewer,") == {
        "ml-admins": ("ml", "admin"),
        "ml-staff": ("ml", "member"),
        "viewers": ("vision", "viewer"),
    }
    assert parse_team_map("") == {}


@pytest.mark.parametrize("text", ["ml-admins", "=ml:admin", "g=:admin", "g=ml:owner"])
def test_a_wrong_team_map_entry_is_named(text: str) -> None:
    with pytest.raises(InvalidArgument, match="TRACKWELL_OIDC_TEAM_MAP") as caught:
        parse_team_map(text)
    assert caught.value.field == "oidc_team_map" and caught.value.hint


def test_settings_from_the_environment_keep_the_secret_out_of_sight() -> None:
    settings = signin_settings_from_env({
        "TRACKWELL_OIDC_ISSUER": "https://idp.example.test/realms/ml",
        "TRACKWELL_OIDC_CLIENT_ID": "trackwell",
        "TRACKWELL_OIDC_CLIENT_SECRET": SECRET,
        "TRACKWELL_OIDC_NAME": "Keycloak",
        "TRACKWELL_PUBLIC_URL": "https://tw.example.test/",
        "TRACKWELL_PASSWORD_SIGNIN": "false",
    })  # fmt: skip
    config = settings.oidc()
    assert config is not None and config.name == "Keycloak" and config.client_secret == SECRET
    assert config.redirect_url == "https://tw.example.test/api/v1/auth/oidc/callback"
    assert settings.passwords is False
    assert (
        SECRET not in repr(settings)
        and SECRET not in repr(config)
        and SECRET not in settings.model_dump_json()
    )


def test_sso_is_off_without_an_issuer_and_refused_without_a_secret() -> None:
    assert signin_settings_from_env({}).oidc() is None
    half = signin_settings_from_env(
        {"TRACKWELL_OIDC_ISSUER": "https://idp.example.test", "TRACKWELL_OIDC_CLIENT_ID": "x"}
    )
    with pytest.raises(InvalidArgument, match="TRACKWELL_OIDC_CLIENT_SECRET"):
        half.oidc()
