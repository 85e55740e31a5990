"""tancert.ghg — GHG quantification and carbon-data verification engine (no Django).

Notebook use::

    from tancert.ghg import check, load, default_library
    result = check("inventory.xlsx", monte_carlo_iterations=10_000)
    result.summary["total_tco2e"], result.findings.summary(), result.uncertainty.total
    default_library().resolve("fuel:natural_gas", "NCV", year=2024).reason

See docs/ghg.md for the methods, the factor library, the checks and the template.
"""

from .canonical import inputs_sha256
from .checks import Sample, draw_sample, run_checks
from .engine import CheckResult, check
from .errors import CellError, InputError
from .findings import Findings
from .freeze import freeze, replay
from .importer import from_dict, from_grids, load
from .inventory import Inventory, calculate
from .library import Factor, Library, Method, Resolution, default_library
from .meterchecks import MeterOptions, check_series
from .meterseries import Series, read_series
from .model import ActivityTable, Categorical, Dataset, Settings
from .performance import Performance, evaluate
from .uncertainty import Interval, UncertaintyResult, approach1, monte_carlo

__all__ = [
    "ActivityTable", "Categorical", "CellError", "CheckResult", "Dataset", "Factor", "Findings", "InputError",
    "Interval", "Inventory", "Library", "MeterOptions", "Method", "Performance", "Resolution", "Sample", "Series",
    "Settings", "UncertaintyResult", "approach1", "calculate", "check", "check_series", "default_library",
    "draw_sample", "evaluate", "freeze", "from_dict", "from_grids", "inputs_sha256", "load", "monte_carlo",
    "read_series", "replay", "run_checks",
]
