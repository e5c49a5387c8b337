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


def pytest_configure(config):
    """Import the toolkit's warning classes in every process, the xdist controller included.

    The controller rebuilds each warning a worker reports from its class's module; two
    workers reporting at once made it import ``toolkit.indicators`` from two threads at once
    (``KeyError: 'toolkit.indicators'``). Importing the modules first takes the race away.
    """
    import importlib

    for module in ("toolkit.errors", "toolkit.indicators", "toolkit.monitor", "toolkit.places"):
        importlib.import_module(module)
