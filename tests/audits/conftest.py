"""Fixtures shared by the audit tests."""

from __future__ import annotations

import pytest

from flow import accept_and_contract, complete_application


@pytest.fixture
def accepted(p):
    """Organisation A's application, accepted, contract signed and paid: ready to plan."""
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    return app
