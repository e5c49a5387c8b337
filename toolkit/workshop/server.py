"""Serving the workshop to the room with Voila (``pophealth workshop``).

One Voila server serves a folder holding only the participant and facilitator notebooks,
on 127.0.0.1 by default, with a random token that must be in the URL: only people given
the link can join (others are sent to a login page). Voila runs the notebooks with their
sources stripped, so participants see widgets and text, no code, and it forwards to a
kernel only the messages widgets need (comm messages, kernel and comm info, shutdown): an
``execute_request`` crafted in a browser is ignored, so no one can run code. Its server
has no terminals, no file browser, no contents API for notebooks and no kernel-starting
API; tracebacks are not sent to the browser. The tests check each of these.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import webbrowser
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.workshop.config import CONFIG_ENVIRONMENT_VARIABLE, demo_workshop, load_workshop

#: The notebooks served: participant view and facilitator view.
PARTICIPANT_NOTEBOOK = "workshop.ipynb"
FACILITATOR_NOTEBOOK = "facilitator.ipynb"

#: Cells with this tag are left out of the served copy of a notebook (notes for analysts,
#: headline outputs for nbval).
HIDDEN_CELL_TAG = "voila-hide"

#: Kernel used when the notebooks' "pophealth" kernel is not installed.
FALLBACK_KERNEL = "python3"


def _default_notebooks_dir() -> Path:
    """Return the repository's notebooks folder (the toolkit is installed from its source)."""
    return Path(__file__).resolve().parents[2] / "notebooks"


def _free_port(ip: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((ip, 0))
        return int(probe.getsockname()[1])


def _check_port(ip: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((ip, port))
        except OSError:
            raise ValueError(
                f"Port {port} on {ip} is already in use; choose another with --port."
            ) from None


def _installed_kernels() -> set[str]:
    from jupyter_client.kernelspec import KernelSpecManager

    return set(KernelSpecManager().find_kernel_specs())


def _copy_notebook(source: Path, target: Path, kernels: set[str]) -> None:
    """Copy a notebook for serving: without its hidden cells or outputs, on an installed kernel."""
    document = json.loads(source.read_text(encoding="utf-8"))
    document["cells"] = [
        cell
        for cell in document.get("cells", [])
        if HIDDEN_CELL_TAG not in cell.get("metadata", {}).get("tags", [])
    ]
    for cell in document["cells"]:
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    spec = document.setdefault("metadata", {}).setdefault("kernelspec", {})
    if spec.get("name") not in kernels:
        spec.update({"name": FALLBACK_KERNEL, "display_name": "Python 3", "language": "python"})
    target.write_text(json.dumps(document), encoding="utf-8")


@dataclass
class WorkshopServer:
    """A running Voila server for a workshop (see :func:`start_server`).

    Attributes
    ----------
    process : subprocess.Popen
        The Voila process.
    participant_url, facilitator_url : str
        The links to give out, token included.
    token : str
        The random token in the links.
    config_path : pathlib.Path
        The workshop configuration served.
    folder : pathlib.Path
        A temporary folder holding the notebooks served (``notebooks``) and Voila's log
        (``voila.log``); removed by :meth:`stop`.
    """

    process: subprocess.Popen
    participant_url: str
    facilitator_url: str
    token: str
    config_path: Path
    folder: Path
    _log: object = field(default=None, repr=False)

    def __enter__(self) -> WorkshopServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def log_path(self) -> Path:
        """Voila's log."""
        return self.folder / "voila.log"

    def wait(self) -> int:
        """Block until the server stops; return its exit status."""
        return self.process.wait()

    def stop(self, *, timeout: float = 15.0) -> int | None:
        """Stop the server (and its kernels) and remove the served folder.

        Parameters
        ----------
        timeout : float
            Seconds to wait for a clean stop before killing the process.

        Returns
        -------
        int or None
            The exit status.
        """
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        if self._log is not None:
            self._log.close()
            self._log = None
        shutil.rmtree(self.folder, ignore_errors=True)
        return self.process.returncode


def start_server(
    config: str | os.PathLike[str] | None = None,
    *,
    port: int = 8866,
    ip: str = "127.0.0.1",
    notebooks_dir: str | os.PathLike[str] | None = None,
    startup_timeout: float = 60.0,
) -> WorkshopServer:
    """Start Voila on a workshop and return once it answers; the caller stops it.

    Parameters
    ----------
    config : str or os.PathLike, optional
        The workshop configuration (:func:`~toolkit.workshop.prepare_workshop`). None
        serves a demo workshop on synthetic data (:func:`~toolkit.workshop.demo_workshop`).
    port : int
        The port (8866 by default); 0 picks a free one.
    ip : str
        The address to listen on; 127.0.0.1 (this machine only) by default.
    notebooks_dir : str or os.PathLike, optional
        Where ``workshop.ipynb`` and ``facilitator.ipynb`` are; the repository's
        ``notebooks`` folder by default.
    startup_timeout : float
        Seconds to wait for the server to answer.

    Returns
    -------
    WorkshopServer

    Raises
    ------
    FileNotFoundError
        When the configuration or a notebook is missing.
    ValueError
        When the port is in use or out of range.
    RuntimeError
        When Voila exits or does not answer in time; the message quotes its log.
    """
    caller = "start_server"
    if isinstance(port, bool) or not isinstance(port, int):
        raise TypeError(f"The 'port' parameter of {caller} must be an int. Got {port!r} instead.")
    if not 0 <= port <= 65535:
        raise ValueError(
            f"The 'port' parameter of {caller} must be an int in [0, 65535]. Got {port} instead."
        )
    if not isinstance(ip, str) or not ip:
        raise TypeError(f"The 'ip' parameter of {caller} must be a str. Got {ip!r} instead.")
    config_path = Path(demo_workshop() if config is None else config).expanduser().resolve()
    load_workshop(config_path)  # fail here, clearly, rather than in every kernel
    source = Path(notebooks_dir) if notebooks_dir is not None else _default_notebooks_dir()
    notebooks = [source / PARTICIPANT_NOTEBOOK, source / FACILITATOR_NOTEBOOK]
    for notebook in notebooks:
        if not notebook.is_file():
            raise FileNotFoundError(f"{caller}: the notebook {str(notebook)!r} does not exist.")
    if port == 0:
        port = _free_port(ip)
    else:
        _check_port(ip, port)
    folder = Path(tempfile.mkdtemp(prefix="pophealth-workshop-serve-"))
    served = folder / "notebooks"  # only the two notebooks; the log stays outside it
    served.mkdir()
    kernels = _installed_kernels()
    for notebook in notebooks:
        _copy_notebook(notebook, served / notebook.name, kernels)
    token = secrets.token_urlsafe(24)
    command = [
        sys.executable,
        "-m",
        "voila",
        str(served),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={ip}",
        f"--Voila.token={token}",
        "--Voila.port_retries=0",
        "--strip_sources=True",
        "--theme=light",
        "--show_tracebacks=False",
    ]
    environment = dict(os.environ)
    environment[CONFIG_ENVIRONMENT_VARIABLE] = str(config_path)
    environment.setdefault("MPLBACKEND", "Agg")
    log = open(folder / "voila.log", "w", encoding="utf-8")  # noqa: SIM115 - closed by stop()
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=environment,
        cwd=served,
    )
    base = f"http://{ip}:{port}"
    server = WorkshopServer(
        process=process,
        participant_url=f"{base}/voila/render/{PARTICIPANT_NOTEBOOK}?token={token}",
        facilitator_url=f"{base}/voila/render/{FACILITATOR_NOTEBOOK}?token={token}",
        token=token,
        config_path=config_path,
        folder=folder,
        _log=log,
    )
    deadline = time.monotonic() + startup_timeout
    while True:
        if process.poll() is not None:
            text = server.log_path.read_text(encoding="utf-8")[-2000:]
            server.stop()
            raise RuntimeError(
                f"Voila stopped while starting (status {process.returncode}):\n{text}"
            )
        try:
            with urllib.request.urlopen(f"{base}/?token={token}", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            text = server.log_path.read_text(encoding="utf-8")[-2000:]
            server.stop()
            raise RuntimeError(f"Voila did not answer within {startup_timeout:g} s:\n{text}")
        time.sleep(0.2)


def serve(
    config: str | os.PathLike[str] | None = None,
    *,
    port: int = 8866,
    open_browser: bool = False,
    ip: str = "127.0.0.1",
) -> int:
    """Serve a workshop until Ctrl+C: what ``pophealth workshop`` runs.

    Prints the participant and facilitator links (with the token that admits people) and
    blocks. Participants see widgets only: no code, and no way to run any.

    Parameters
    ----------
    config : str or os.PathLike, optional
        The workshop configuration; None serves the demo workshop on synthetic data.
    port : int
        The port (8866 by default).
    open_browser : bool
        Open the participant view in this machine's browser too.
    ip : str
        The address to listen on; 127.0.0.1 (this machine only) by default. To let a room
        join over the local network use that machine's address, behind the
        organisation's firewall.

    Returns
    -------
    int
        0 when stopped with Ctrl+C, else Voila's exit status.
    """
    if config is None:
        print("No --config given: serving the demo workshop on synthetic data.", flush=True)
    server = start_server(config, port=port, ip=ip)
    workshop = load_workshop(server.config_path)
    print(
        f"Workshop '{workshop.name}' is running ({len(workshop.candidates)} candidates, "
        f"submissions stored in {workshop.store_path}).\n"
        f"  Participants: {server.participant_url}\n"
        f"  Facilitator:  {server.facilitator_url}\n"
        "Only people given a link (with its token) can join. Press Ctrl+C to stop.",
        flush=True,
    )
    if open_browser:
        webbrowser.open(server.participant_url)
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.stop()
        print("Workshop stopped.", flush=True)
        return 0
