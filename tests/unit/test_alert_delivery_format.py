"""What a webhook receives and what people see of a webhook URL: Slack's JSON (escaped, with the
run's link), the masked URL, and errors with the URL taken out."""

from __future__ import annotations

from trackwell.service.alert_delivery import _scrub, mask_url, slack_message

URL = "https://hooks.slack.com/services/T000/B000/abcdefSECRETwxyz"


def test_a_webhook_url_shows_only_its_host_and_last_four_characters() -> None:
    assert mask_url(URL) == "hooks.slack.com/…wxyz"
    assert "SECRET" not in mask_url(URL)


def test_errors_lose_the_url_and_its_secret_path() -> None:
    error = f"ConnectError: cannot reach {URL}; path /services/T000/B000/abcdefSECRETwxyz"
    scrubbed = _scrub(error, URL)
    assert "SECRET" not in scrubbed and "hooks.slack.com/…wxyz" in scrubbed


def test_slack_json_has_text_blocks_and_the_run_link_with_markup_escaped() -> None:
    payload = {
        "title": "loss < 0.5",
        "text": "a <b> & c",
        "level": "WARN",
        "entity": "my team",
        "project": "p",
        "run_id": "r1",
        "run_name": "lr<3>",
    }
    message = slack_message(payload, "https://tw.example.com/")
    assert message["text"] == "[WARN] loss < 0.5: a <b> & c"
    header, section, context = message["blocks"]
    assert header == {"type": "header", "text": {"type": "plain_text", "text": "loss < 0.5"}}
    assert section["text"]["text"] == ":warning: a &lt;b&gt; &amp; c"
    link = context["elements"][0]["text"]
    assert link == "*WARN* · <https://tw.example.com/my%20team/p/runs/r1|my team/p · lr&lt;3&gt;>"


def test_a_test_message_without_a_run_has_no_link() -> None:
    message = slack_message(
        {"title": "Test alert", "text": "hello", "level": "INFO"}, "https://tw.example.com"
    )
    assert message["blocks"][2]["elements"][0]["text"] == "*INFO*"
