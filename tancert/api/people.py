"""Auditor register over the API (issue 5)."""

from ninja import Router

router = Router(tags=["auditor register"])
