"""The one username rule (service/usernames.py): what admins, invites and single sign-on make."""

from __future__ import annotations

import pytest

from trackwell.schema.errors import InvalidArgument
from trackwell.service.usernames import MAX_USERNAME, check_username, username_base


@pytest.mark.parametrize(
    ("offered", "username"),
    [
        ("Ada Lovelace", "Ada-Lovelace"),
        ("ada.l", "ada.l"),
        ("../../etc/passwd", "etc-passwd"),
        ("模型", "user"),
        ("José Núñez", "Jose-Nunez"),
        ("--x--", "x"),
        ("", "user"),
        (None, "user"),
        ("a" * 100, "a" * MAX_USERNAME),
    ],
)
def test_a_name_offered_is_made_valid(offered: str | None, username: str) -> None:
    assert username_base(offered) == username
    check_username(username)  # what it makes always passes the check


@pytest.mark.parametrize(
    "bad", ["", "..", ".hidden", "a/b", "a b", "ünï", "a\x00", "x" * (MAX_USERNAME + 1), "end-"]
)
def test_invalid_usernames_are_refused_naming_the_rule(bad: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        check_username(bad)
    assert info.value.field == "username" and "letters, digits" in (info.value.hint or "")
