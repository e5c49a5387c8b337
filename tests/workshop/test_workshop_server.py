"""Serving: the notebooks copied for Voila and the checks made before it starts."""

from __future__ import annotations

import json
import socket

import pytest

from toolkit.workshop import start_server
from toolkit.workshop.server import HIDDEN_CELL_TAG, _copy_notebook, _default_notebooks_dir


def test_served_copy_drops_hidden_cells_and_outputs(tmp_path):
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {"tags": [HIDDEN_CELL_TAG]}, "source": "note"},
            {
                "cell_type": "code",
                "metadata": {},
                "source": "app",
                "outputs": [{"output_type": "stream", "text": "x"}],
                "execution_count": 3,
            },
            {"cell_type": "code", "metadata": {"tags": ["nbval-check-output", HIDDEN_CELL_TAG]}},
        ],
        "metadata": {"kernelspec": {"name": "not-installed", "display_name": "x"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    source = tmp_path / "in.ipynb"
    source.write_text(json.dumps(notebook), encoding="utf-8")
    _copy_notebook(source, tmp_path / "out.ipynb", kernels={"python3", "pophealth"})
    served = json.loads((tmp_path / "out.ipynb").read_text(encoding="utf-8"))
    assert [cell["source"] for cell in served["cells"]] == ["app"]
    assert served["cells"][0]["outputs"] == [] and served["cells"][0]["execution_count"] is None
    assert served["metadata"]["kernelspec"]["name"] == "python3"
    _copy_notebook(source, tmp_path / "kept.ipynb", kernels={"not-installed"})
    kept = json.loads((tmp_path / "kept.ipynb").read_text(encoding="utf-8"))
    assert kept["metadata"]["kernelspec"]["name"] == "not-installed"


@pytest.mark.parametrize("name", ["workshop", "facilitator"])
def test_repository_notebooks_are_paired_run_and_hide_their_headline(name):
    import jupytext

    path = _default_notebooks_dir() / f"{name}.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert notebook["metadata"]["jupytext"]["formats"] == "ipynb,py:percent"
    assert notebook["metadata"]["kernelspec"]["name"] == "pophealth"
    assert "widgets" not in notebook["metadata"]  # no widget state committed
    script = jupytext.read(path.with_suffix(".py"))
    assert ["".join(cell["source"]) for cell in notebook["cells"]] == [
        cell.source for cell in script.cells
    ]
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert [cell["execution_count"] for cell in code] == list(range(1, len(code) + 1))
    assert not [o for cell in code for o in cell["outputs"] if o["output_type"] == "error"]
    checked = [cell for cell in code if "nbval-check-output" in cell["metadata"].get("tags", [])]
    assert len(checked) == 1
    assert HIDDEN_CELL_TAG in checked[0]["metadata"]["tags"]
    text = "".join(checked[0]["outputs"][0]["data"]["text/plain"])
    assert text.strip() and "/tmp/" not in text


def test_start_server_checks_before_starting(workshop_config, tmp_path):
    with pytest.raises(ValueError, match="'port'"):
        start_server(workshop_config, port=70_000)
    with pytest.raises(TypeError, match="'port'"):
        start_server(workshop_config, port="8866")
    with pytest.raises(FileNotFoundError, match="no workshop configuration"):
        start_server(tmp_path / "missing.toml", port=0)
    with pytest.raises(FileNotFoundError, match="workshop.ipynb"):
        start_server(workshop_config, port=0, notebooks_dir=tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ValueError, match=f"Port {port} .* in use"):
            start_server(workshop_config, port=port)
