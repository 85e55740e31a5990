"""Product carbon footprints (ISO 14067:2018 / GB/T 24067-2024; scheme R5.b, R6.3-pcf): a pure engine, no
Django — the life-cycle model read from the Excel template, the sparse solve A·s = f, data quality and
uncertainty. docs/footprint.md for users; docs/architecture.md for its place."""

from tancert.ghg.errors import InputError

from .engine import FootprintResult, check, evaluate

__all__ = ["FootprintResult", "InputError", "check", "evaluate"]
