"""Chinese first (docs/i18n.md): Simplified Chinese by default, English on request."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_are_chinese_by_default_even_for_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "查询证书" in response.content.decode()


def test_the_language_switch_gives_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert "Check a certificate" in response.content.decode()
