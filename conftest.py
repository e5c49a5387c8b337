"""Root pytest configuration: what nbval compares when it re-executes notebooks.

Pandas Styler HTML carries random ids, widget views carry model ids and plots are images whose
bytes vary across platforms, so nbval compares the plain-text form of each output only; headline
cells are tagged ``nbval-check-output`` and the rest run under ``--nbval-lax`` (they must execute
without error but their outputs are not compared).
"""

from __future__ import annotations

#: Output types nbval does not compare (the plain-text form of the same output is compared).
VOLATILE_OUTPUTS = (
    "text/html",
    "image/png",
    "image/svg+xml",
    "application/javascript",
    "application/vnd.jupyter.widget-view+json",
    "application/vnd.jupyter.widget-state+json",
    "stderr",
)


def pytest_collectstart(collector):
    """Tell nbval to skip volatile output types for every notebook it collects."""
    if str(getattr(collector, "path", "")).endswith(".ipynb"):
        skip = getattr(collector, "skip_compare", None)
        if skip is not None:
            collector.skip_compare = tuple(skip) + VOLATILE_OUTPUTS
