"""The package installs, reports its versions, and its two dependency lists agree."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

import toolkit

ROOT = Path(__file__).resolve().parents[1]

# conda-forge names where they differ from PyPI's.
CONDA_NAMES = {"ibis-framework": "ibis-framework-core"}


def _requirement_name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower()


def test_show_versions_names_the_toolkit_and_key_dependencies(capsys):
    toolkit.show_versions()
    printed = capsys.readouterr().out
    assert re.search(rf"^pophealth-toolkit\s+: {re.escape(toolkit.__version__)}$", printed, re.M)
    for name in ("pandas", "statsmodels", "geopandas", "duckdb", "pandera"):
        assert re.search(rf"^{name}\s+: \d", printed, flags=re.MULTILINE), name


def test_versions_reports_missing_distributions_as_none(monkeypatch):
    monkeypatch.setattr(toolkit, "_KEY_DEPENDENCIES", ("pandas", "no-such-distribution-xyz"))
    found = toolkit.versions()
    assert found["no-such-distribution-xyz"] is None
    assert found["pandas"]


def test_console_command_is_installed_and_reports_version():
    done = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert toolkit.__version__ in done.stdout


def test_environment_yml_lists_every_pyproject_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_requirement_name(r) for r in project["dependencies"]}
    for extra, requirements in project["optional-dependencies"].items():
        if extra != "all":
            wanted |= {_requirement_name(r) for r in requirements}
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed: set[str] = set()
    for entry in environment["dependencies"]:
        if isinstance(entry, dict):
            listed |= {_requirement_name(r) for r in entry.get("pip", [])}
        else:
            listed.add(_requirement_name(entry))
    missing = sorted(name for name in wanted if CONDA_NAMES.get(name, name) not in listed)
    assert not missing, f"environment.yml lacks {missing}"


def test_pinned_ibis_and_sqlglot_work_together_on_duckdb():
    import ibis
    import pandas as pd

    connection = ibis.duckdb.connect()
    table = connection.create_table("t", pd.DataFrame({"g": ["a", "b", "a"], "x": [1, 2, 3]}))
    result = connection.execute(table.group_by("g").aggregate(total=table.x.sum()).order_by("g"))
    assert result["total"].tolist() == [4, 2]


@pytest.mark.parametrize(
    "package",
    [
        "toolkit.data",
        "toolkit.segment",
        "toolkit.indicators",
        "toolkit.places",
        "toolkit.prioritise",
        "toolkit.workshop",
        "toolkit.report",
        "toolkit.disclosure",
    ],
)
def test_every_public_name_of_every_package_resolves(package):
    import importlib

    module = importlib.import_module(package)
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{package}.{name}"
    assert set(module.__all__) <= set(dir(module))
    with pytest.raises(AttributeError, match="no attribute"):
        module.no_such_name  # noqa: B018


def test_the_pinned_versions_are_those_the_committed_demo_report_names():
    """A fresh `make demo` leaves reports/demo/ unchanged only with the versions it names.

    The board report's provenance names pandas and statsmodels; a newer release installed on
    a fresh machine rewrote the committed report. `make install` pins them (constraints.txt).
    """
    pins = dict(
        line.split("==")
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    assert set(pins) == {"pandas", "statsmodels"}
    committed = (ROOT / "reports" / "demo" / "board-report.ipynb").read_text(encoding="utf-8")
    for name, version in pins.items():
        assert f"{name} {version}" in committed
    assert "pip install --quiet -c constraints.txt -e '.[all]'" in (ROOT / "Makefile").read_text()
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    for name, version in pins.items():
        assert f"{name}={version}" in environment["dependencies"]
