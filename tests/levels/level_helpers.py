"""The worked examples of the project and event templates as JSON documents, to change one thing per test."""

from __future__ import annotations

import copy
import datetime as dt


def as_document(rows: dict[str, list[list]], sheets) -> dict:
    doc: dict = {}
    for en, spec in sheets.items():
        recs = [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in zip(spec.keys, r, strict=False)}
                for r in rows.get(en, [])]
        doc[en.lower()] = recs
    return copy.deepcopy(doc)


def project_example() -> dict:
    from tancert.projects.template import example_rows
    from tancert.projects.workbook import SHEETS

    return as_document(example_rows(), SHEETS)


def event_example() -> dict:
    from tancert.events.template import example_rows
    from tancert.events.workbook import SHEETS

    return as_document(example_rows(), SHEETS)


def setting(doc: dict, key: str, value) -> dict:
    for r in doc["settings"]:
        if r["key"] == key:
            r["value"] = value
            return doc
    doc["settings"].append({"key": key, "value": value})
    return doc
