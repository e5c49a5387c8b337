"""Serving: the notebooks copied for Voila and the checks made before it starts."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time

import psutil
import pytest

from toolkit.workshop import load_workshop, start_server
from toolkit.workshop.server import (
    HIDDEN_CELL_TAG,
    PAGE_EXTENSIONS,
    TEMPLATE_NAME,
    TEMPLATE_ROOT,
    _copy_notebook,
    _default_notebooks_dir,
    _voila_settings,
)


def _command_line(process: psutil.Process) -> list[str]:
    """The process's command line; empty for one that has just ended (a zombie, or gone)."""
    try:
        return process.cmdline()
    except (psutil.ZombieProcess, psutil.NoSuchProcess, psutil.AccessDenied):
        return []


def _start_workshop_command(config, *, tables: int) -> subprocess.Popen:
    """Start ``pophealth workshop`` as a room would, its output piped for the test to read."""
    command = [sys.executable, "-m", "toolkit.cli", "workshop", "--config", str(config)]
    command += ["--port", str(_free_port()), "--tables", str(tables)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


def test_start_server_checks_the_room_size(workshop_config):
    with pytest.raises(ValueError, match="'tables'"):
        start_server(workshop_config, port=0, tables=0)
    with pytest.raises(ValueError, match="'tables'"):
        start_server(workshop_config, port=0, tables=41)
    with pytest.raises(ValueError, match="'cull_seconds'"):
        start_server(workshop_config, port=0, cull_seconds=1)
    with pytest.raises(ValueError, match="'refill_seconds'"):
        start_server(workshop_config, port=0, refill_seconds=-1)


def test_voila_settings_pool_the_room_and_cull_idle_kernels():
    settings = _voila_settings(
        token="secret", ip="127.0.0.1", port=1234, pool_size=15, cull_seconds=40, refill_seconds=60
    )
    assert settings["Voila"]["token"] == "secret"
    assert settings["VoilaKernelManager"]["fill_delay"] == 60
    assert settings["VoilaExecutor"]["iopub_timeout"] >= 60  # warming a room is slow
    configuration = settings["VoilaConfiguration"]
    assert configuration["preheat_kernel"] is True and configuration["default_pool_size"] == 15
    assert configuration["template"] == TEMPLATE_NAME
    assert configuration["extension_allowlist"] == list(PAGE_EXTENSIONS)
    culling = settings["MappingKernelManager"]
    assert culling["cull_idle_timeout"] == 40 and culling["cull_connected"] is False
    assert (TEMPLATE_ROOT / "voila" / "templates" / TEMPLATE_NAME / "index.html.j2").is_file()


@pytest.mark.slow
def test_sigterm_stops_both_servers_and_every_kernel_and_no_token_is_on_a_command_line(
    workshop_config,
):
    process = _start_workshop_command(workshop_config, tables=2)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Ctrl+C" in line:
                break
        output = "".join(lines)
        assert "Facilitator" in output, output
        # Each table on the list gets its own link: the participants' link with a private code.
        codes = re.findall(r"&table=([\w-]+)", output)
        assert len(set(codes)) == len(load_workshop(workshop_config).tables)
        assert str(load_workshop(workshop_config).store_path) in output  # the store is named
        tokens = re.findall(r"token=([\w-]+)", output)
        assert len(set(tokens)) == 2  # participants and facilitator have their own tokens
        deadline = time.monotonic() + 120
        tree: list[psutil.Process] = []
        while time.monotonic() < deadline:
            tree = psutil.Process(process.pid).children(recursive=True)
            kernels = [p for p in tree if "ipykernel" in " ".join(_command_line(p))]
            if len(kernels) >= 3:  # two warm for the tables, one for the facilitator
                break
            time.sleep(0.5)
        assert len([p for p in tree if _command_line(p)[1:3] == ["-m", "voila"]]) == 2
        for running in psutil.process_iter(["cmdline"]):
            words = " ".join(running.info["cmdline"] or [])
            assert not any(token in words for token in tokens), words
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        rest = process.stdout.read()
        assert "stopped" in rest
        _, alive = psutil.wait_procs(tree, timeout=30)
        assert alive == []

    finally:
        if process.poll() is None:
            left = psutil.Process(process.pid).children(recursive=True)
            process.kill()
            for child in left:
                if child.is_running():
                    child.kill()


@pytest.mark.slow
def test_killing_the_workshop_command_still_stops_voila_and_its_kernels(workshop_config):
    """Even SIGKILL, which cannot be caught: Voila is told by the kernel that its parent died."""
    process = _start_workshop_command(workshop_config, tables=1)
    tree: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 180
        said: list[str] = []
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            said.append(line)
            if not line or "Ctrl+C" in line:
                break
        voila: list[psutil.Process] = []
        while time.monotonic() < deadline and process.poll() is None and len(voila) < 2:
            tree = psutil.Process(process.pid).children(recursive=True)  # (loaded machine:
            voila = [p for p in tree if _command_line(p)[1:3] == ["-m", "voila"]]  # may lag)
            time.sleep(0.2)
        assert len(voila) == 2, "".join(said)[-3000:]  # the command's own words, if it ended
        process.kill()
        process.wait(timeout=30)
        _, alive = psutil.wait_procs(tree, timeout=60)
        assert alive == []
    finally:
        for child in tree:
            if child.is_running():
                child.kill()
