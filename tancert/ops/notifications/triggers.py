"""Notices that follow the record: when an action appends its event (records/chain.append), the notices of that
event are sent from the table, in the same transaction.

Each app says, for the record actions it owns, which notices they mean and with which objects
(``clients/notifications.py``, ``audits/notifications.py``, ``certificates/notifications.py``, registered with ``@on(action)`` when
the app is ready). This keeps the actions' rule-checking functions unchanged (their mutation results stay valid,
docs/rules.md) and makes every recorded step a possible notice without touching the step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import ObjectDoesNotExist

from tancert.ops.notifications.send import send

Builder = Callable[[object], Iterable[tuple[str, dict]]]
BUILDERS: dict[str, Builder] = {}


def on(*actions: str):
    """Register a builder: record event → [(notice event, send() keywords), …]."""
    def register(fn: Builder) -> Builder:
        for action in actions:
            BUILDERS[action] = fn
        return fn
    return register


def after_append(sender, instance, created, raw=False, **kwargs) -> None:
    """post_save of records.Event: a new event with a builder sends its notices (the acting user left out, unless
    the builder says by=None)."""
    if not created or raw:
        return
    builder = BUILDERS.get(instance.action)
    if builder is None:
        return
    try:
        notices = list(builder(instance))
    except ObjectDoesNotExist:
        return  # an event whose subject is not a row (written by hand in a test, imported): nobody to tell
    for event, options in notices:
        options.setdefault("by", instance.actor)
        send(event, **options)
