"""Imports flow down the data flow only (``docs``: DESIGN's package list).

Each subpackage may import the ones listed before it, never one after it, so that, for
example, the monitoring charts never reach into the board report. Modules imported inside
functions count too (they are imports all the same). Shared modules at the top level
(``toolkit.errors``, ``toolkit.style``, ``toolkit.disclosure``, ``toolkit._lazy``,
``toolkit._numbers``, ``toolkit._results``, ``toolkit._toml``, ``toolkit._words``) may be
imported by anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "toolkit"

#: The data flow, top to bottom: a layer may import only the layers before it.
LAYERS = ("data", "segment", "indicators", "places", "prioritise", "monitor", "workshop", "report")

#: Top-level modules any layer may use.
SHARED = {"errors", "style", "disclosure", "_lazy", "_numbers", "_results", "_toml", "_words"}


def _imported_layers(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # lazy exports name their modules as strings ("toolkit.report.charts")
            if node.value.startswith("toolkit.") and " " not in node.value:
                names.add(node.value)
    layers = set()
    for name in names:
        parts = name.split(".")
        if parts[0] == "toolkit" and len(parts) > 1 and parts[1] in LAYERS:
            layers.add(parts[1])
    return layers


@pytest.mark.parametrize("layer", LAYERS)
def test_a_layer_imports_only_the_layers_above_it(layer):
    allowed = set(LAYERS[: LAYERS.index(layer) + 1])
    wrong = {}
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        bad = _imported_layers(path) - allowed
        if bad:
            wrong[str(path.relative_to(PACKAGE))] = sorted(bad)
    assert not wrong, f"toolkit.{layer} imports layers below it: {wrong}"


def test_the_check_sees_a_wrong_import(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def f():\n    from toolkit.report.charts import show_figure\n")
    assert _imported_layers(module) == {"report"}


def _private_imports(path: Path) -> list[str]:
    """The private names (``_name``) a module imports from another toolkit module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("toolkit"):
                found += [
                    f"{node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_") and not alias.name.startswith("__")
                ]
    return found


#: Layers whose modules share their steps under public names only (issue 17): a step used by
#: another module is public in its own (private modules such as ``_duckdb_files`` included).
PUBLIC_STEPS = ("data", "segment")


@pytest.mark.parametrize("layer", PUBLIC_STEPS)
def test_modules_share_no_private_names(layer):
    wrong = {}
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        names = _private_imports(path)
        if names:
            wrong[str(path.relative_to(PACKAGE))] = names
    assert not wrong, f"toolkit.{layer} imports private names of other modules: {wrong}"


def test_data_problems_are_worded_by_one_public_module():
    wrong = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = str(path.relative_to(PACKAGE))
        names = [n for n in _private_imports(path) if n.startswith("toolkit.data.")]
        if names:
            wrong[name] = names
    assert not wrong, f"import the public names of toolkit.data.problems instead: {wrong}"


def test_no_module_is_longer_than_800_lines():
    """Issue 17: a module holds one job; none of the toolkit's passes 800 lines."""
    lengths = {
        str(path.relative_to(PACKAGE)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert lengths and {name: n for name, n in lengths.items() if n > 800} == {}
