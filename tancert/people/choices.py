"""Choosing people in a form by name and role, never by login name (docs/web.md, "People by name"): the team
drop-downs, the investigator, the evaluator. The login name is what the person types to sign in; the people who
plan audits or assign complaints know colleagues by name."""

from __future__ import annotations

from django import forms
from django.db.models import Prefetch

from tancert.people.models import Role, RoleGrant


def person_label(user) -> str:
    """"陈晨 · 审核员、技术专家": the name shown everywhere (display name, else first and last name, else the
    login name) and the staff roles it holds, in the language of the page."""
    codes = sorted({g.role for g in user.role_grants.all()}, key=[r.value for r in Role].index)
    roles = "、".join(str(Role(c).label) for c in codes)
    name = user.get_full_name()
    return f"{name} · {roles}" if roles else name


def with_roles(queryset):
    """The queryset with its role grants fetched at once (one query for the whole drop-down)."""
    return queryset.prefetch_related(Prefetch("role_grants", queryset=RoleGrant.objects.only("user_id", "role")))


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return person_label(obj)
