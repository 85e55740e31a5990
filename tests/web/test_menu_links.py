"""No menu link a role cannot open: each persona's header menu, every link opened — never a 403 or 404, never
the log-in page (docs/web.md, "The menu")."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db
NAV = re.compile(r"<nav>(.*?)</nav>", re.S)
HREF = re.compile(r'<a href="(/[^"]*)"')
PERSONAS = ["client_a", "reviewer", "planner", "lead", "expert", "decider", "decider_who_audited", "certadmin",
            "sysadmin"]


def test_every_link_of_every_personas_menu_opens(client, p):
    for persona in PERSONAS:
        user = getattr(p, persona)
        client.force_login(user)
        home = client.get("/")
        assert home.status_code == 200
        links = HREF.findall(NAV.search(home.content.decode()).group(1))
        assert "/notifications/" in links and "/me/" in links
        for href in links:
            r = client.get(href)
            assert r.status_code in (200, 302), (persona, href, r.status_code)
            if r.status_code == 302:
                assert "/login" not in r["Location"], (persona, href)
                assert client.get(r["Location"]).status_code == 200, (persona, href, r["Location"])
        client.logout()
