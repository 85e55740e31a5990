"""Auditor register pages (issue 5)."""

urlpatterns: list = []
