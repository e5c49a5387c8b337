"""Serving the workshop to a room with Voila (``pophealth workshop``).

Two Voila servers run side by side, each behind its own random token: one serves only the
participant notebook, the other only the facilitator notebook. A participant's link
cannot open the facilitator view: the participants' server does not have it, and the
facilitator's server refuses the participants' token. Tokens are written to a private
configuration file (mode 0600) that Voila reads, never to a command line, so they do not
show in ``ps``.

Voila runs the notebooks with their sources stripped, so people see widgets and text, no
code, and it forwards to a kernel only the messages widgets need: an ``execute_request``
crafted in a browser is ignored. There are no terminals, no file browser, no contents API
and no kernel-starting API, and tracebacks are not sent to the browser.

For a room, Voila's own kernel pool is used (``preheat_kernel``): a kernel per expected
table is started and has run the notebook before anyone connects, so a page is ready as
soon as it is asked for, and the pool is topped up as tables join. Kernels whose page has
gone (a closed tab, a reload, a browser that quit) are shut down: the page asks Voila to
shut its kernel down when it unloads, and jupyter_server's idle culling
(``MappingKernelManager.cull_idle_timeout`` with ``cull_connected=False``) shuts down any
kernel left without a connection, so memory returns. SIGTERM and SIGINT stop both servers
and every kernel. The pages load nothing from the internet (the room may have none): the
toolkit's Voila template (``toolkit/workshop/voila``) drops the lab template's CDN links.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
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

import psutil

from toolkit.workshop._config_settings import within_an_hour
from toolkit.workshop.config import (
    CONFIG_ENVIRONMENT_VARIABLE,
    PARTICIPANT_URL_VARIABLE,
    READY_DIR_VARIABLE,
    demo_workshop,
    load_workshop,
    table_link,
)

#: The notebooks served: participant view and facilitator view.
PARTICIPANT_NOTEBOOK = "workshop.ipynb"
FACILITATOR_NOTEBOOK = "facilitator.ipynb"

#: Cells with this tag are left out of the served copy of a notebook (notes for analysts,
#: headline outputs for nbval).
HIDDEN_CELL_TAG = "voila-hide"

#: Kernel used when the notebooks' "pophealth" kernel is not installed.
FALLBACK_KERNEL = "python3"

#: The toolkit's Voila template (Voila's lab template without CDN links, with named sliders).
TEMPLATE_NAME = "pophealth"
TEMPLATE_ROOT = Path(__file__).resolve().parent / "voila"

#: Tables a room is prepared for when not told (one warm kernel each).
DEFAULT_TABLES = 12

#: Seconds a kernel may sit without a connected page before it is shut down.
DEFAULT_CULL_SECONDS = 40

#: The JupyterLab extensions a page loads: the widget managers, nothing else.
PAGE_EXTENSIONS = ("@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8")

#: Seconds Voila waits for a cell's output while warming kernels (its default is 4).
EXECUTION_TIMEOUT_SECONDS = 300

#: Seconds Voila waits before topping the warm pool up after a page takes a kernel.
POOL_REFILL_SECONDS = 60.0

#: Seconds between culling passes.
CULL_INTERVAL_SECONDS = 10


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


def _voila_settings(
    *,
    token: str,
    ip: str,
    port: int,
    pool_size: int,
    cull_seconds: int,
    refill_seconds: float = POOL_REFILL_SECONDS,
) -> dict[str, dict[str, object]]:
    """Return the Voila configuration (written to a private voila.json, not the command line)."""
    return {
        "Voila": {
            "token": token,
            "ip": ip,
            "port": port,
            "port_retries": 0,
            "open_browser": False,
        },
        "VoilaConfiguration": {
            "template": TEMPLATE_NAME,
            "theme": "light",
            "strip_sources": True,
            "show_tracebacks": False,
            "preheat_kernel": pool_size > 0,
            "default_pool_size": pool_size,
            "multi_kernel_manager_class": "toolkit.workshop._kernels.WorkshopKernelManager",
            # Only the widget managers: every other JupyterLab extension installed (Jupytext,
            # maps) would be downloaded and started by every page for nothing.
            "extension_allowlist": list(PAGE_EXTENSIONS),
        },
        # Top the pool up once a wave of tables has joined, not while their pages load:
        # starting kernels then would slow every page down.
        "VoilaKernelManager": {"fill_delay": refill_seconds},
        # Warming a room's kernels at once on a small machine is slow: wait for each
        # notebook's output rather than render a page without its widgets.
        "VoilaExecutor": {"iopub_timeout": EXECUTION_TIMEOUT_SECONDS},
        "MappingKernelManager": {
            "cull_idle_timeout": cull_seconds,
            "cull_interval": CULL_INTERVAL_SECONDS,
            "cull_connected": False,
            "cull_busy": False,
        },
    }


@dataclass
class VoilaProcess:
    """One Voila server: its process, link, token and log.

    Attributes
    ----------
    process : subprocess.Popen
        The Voila process.
    url : str
        The link to give out, token included.
    token : str
        The token in the link.
    base : str
        ``http://ip:port``.
    folder : pathlib.Path
        Holds ``notebooks`` (what is served), ``config`` (the private voila.json) and
        ``voila.log``.
    pool_size : int
        Kernels kept warm for new pages.
    """

    process: subprocess.Popen
    url: str
    token: str
    base: str
    folder: Path
    pool_size: int
    _log: object = field(default=None, repr=False)

    @property
    def log_path(self) -> Path:
        """Voila's log."""
        return self.folder / "voila.log"

    def log_tail(self, characters: int = 2000) -> str:
        """Return the end of Voila's log."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-characters:]
        except OSError:
            return ""

    def kernel_processes(self) -> list[psutil.Process]:
        """Return the kernel processes this server started (running now)."""
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        kernels = []
        for child in children:
            try:
                if "ipykernel" in " ".join(child.cmdline()):
                    kernels.append(child)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return kernels

    def ready_kernels(self) -> int:
        """Return the running kernels whose view is built (they noted it in ``ready``)."""
        ready = self.folder / "ready"
        return sum((ready / str(kernel.pid)).exists() for kernel in self.kernel_processes())

    def answers(self) -> bool:
        """Return True when the server answers HTTP."""
        try:
            with urllib.request.urlopen(f"{self.base}/?token={self.token}", timeout=2) as answer:
                return answer.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return False

    def stop(self, timeout: float) -> int | None:
        """Stop Voila and every kernel it started; return Voila's exit status."""
        try:
            tree = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            tree = []
        if self.process.poll() is None:
            self.process.terminate()  # Voila shuts its kernels down on SIGTERM
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        left = [child for child in tree if child.is_running()]
        for child in left:
            try:
                child.terminate()
            except psutil.NoSuchProcess:
                continue
        _, alive = psutil.wait_procs(left, timeout=timeout)
        for child in alive:
            try:
                child.kill()
            except psutil.NoSuchProcess:
                continue
        if self._log is not None:
            self._log.close()
            self._log = None
        return self.process.returncode


@dataclass
class WorkshopServer:
    """A running workshop: a participants' server and a facilitator's server.

    Start one with :func:`start_server`; :meth:`stop` stops both and every kernel.

    Attributes
    ----------
    participants, facilitator : VoilaProcess
        The two Voila servers.
    config_path : pathlib.Path
        The workshop configuration served.
    store_path : pathlib.Path
        The submission store (kept after the server stops).
    folder : pathlib.Path
        A temporary folder holding what is served; removed by :meth:`stop`.
    """

    participants: VoilaProcess
    facilitator: VoilaProcess
    config_path: Path
    store_path: Path
    folder: Path

    def __enter__(self) -> WorkshopServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def table_links(self) -> dict[str, str]:
        """Return each active table's own link: the participants' link with its private code.

        A page opened with a table's own link is that table's: it restores the table's
        sliders after a reload and shows its earlier rounds' weights.

        Returns
        -------
        dict of str to str
            Link by table name, in the list's order.
        """
        workshop = load_workshop(self.config_path)
        store = workshop.store
        tables = store.tables(workshop.name)
        active = tables.loc[tables["status"] == "active", "table"].tolist()
        return {
            table: table_link(self.participant_url, store.table_code(workshop.name, table))
            for table in active
        }

    @property
    def participant_url(self) -> str:
        """The participants' link (to give to every table)."""
        return self.participants.url

    @property
    def facilitator_url(self) -> str:
        """The facilitator's link (keep it to yourself)."""
        return self.facilitator.url

    @property
    def token(self) -> str:
        """The participants' token."""
        return self.participants.token

    @property
    def facilitator_token(self) -> str:
        """The facilitator's token (different from the participants')."""
        return self.facilitator.token

    @property
    def processes(self) -> tuple[VoilaProcess, VoilaProcess]:
        """Both Voila servers."""
        return (self.participants, self.facilitator)

    def kernel_count(self) -> int:
        """Return the kernels running now, warm pool included, on both servers."""
        return sum(len(server.kernel_processes()) for server in self.processes)

    def memory_bytes(self) -> int:
        """Return the memory both servers and their kernels use (proportional set size).

        PSS shares each shared page among the processes that map it, so the sum does not
        count shared libraries once per process; RSS is used where PSS is not available.
        """
        total = 0
        for server in self.processes:
            try:
                root = psutil.Process(server.process.pid)
                tree = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
            for process in tree:
                try:
                    info = process.memory_full_info()
                    total += int(getattr(info, "pss", info.rss))
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
        return total

    def wait_until_warm(self, timeout: float = 300.0) -> bool:
        """Wait until each server's pool of warm kernels is full and every view is built.

        A warm kernel has run the notebook (its view notes it is ready) and waits for a
        page; pages opened then are ready at once.

        Parameters
        ----------
        timeout : float
            Seconds to wait at most.

        Returns
        -------
        bool
            True when warm, False when the time ran out.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(server.ready_kernels() >= server.pool_size for server in self.processes):
                return True
            time.sleep(0.5)
        return False

    def wait(self) -> int:
        """Block until either server stops; return its exit status."""
        while True:
            for server in self.processes:
                status = server.process.poll()
                if status is not None:
                    return status
            time.sleep(0.5)

    def stop(self, *, timeout: float = 15.0) -> int | None:
        """Stop both servers and every kernel, and remove the served folder.

        Parameters
        ----------
        timeout : float
            Seconds to wait for a clean stop before killing processes.

        Returns
        -------
        int or None
            The participants' server's exit status.
        """
        statuses = [server.stop(timeout) for server in self.processes]
        shutil.rmtree(self.folder, ignore_errors=True)
        return statuses[0]


#: Most tables one server keeps kernels warm for (a room of 10 to 15 tables, and room to spare).
MAX_ROOM_TABLES = 40


def _check_int(value: object, parameter: str, low: int, high: int, caller: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            f"The '{parameter}' parameter of {caller} must be an int. Got {value!r} instead."
        )
    if not low <= value <= high:
        raise ValueError(
            f"The '{parameter}' parameter of {caller} must be an int in [{low}, {high}]. "
            f"Got {value} instead."
        )
    return value


def _stop_with_parent() -> None:
    """Ask Linux to send Voila SIGTERM if the process that started it dies (even if killed).

    Voila then shuts its kernels down, so a killed ``pophealth workshop`` leaves nothing
    running. Elsewhere this does nothing; :meth:`WorkshopServer.stop` still stops everything.
    """
    if sys.platform != "linux":
        return
    import ctypes

    set_parent_death_signal = 1  # PR_SET_PDEATHSIG in <linux/prctl.h>
    ctypes.CDLL(None, use_errno=True).prctl(set_parent_death_signal, signal.SIGTERM, 0, 0, 0)


def _launch(
    notebook: Path,
    *,
    folder: Path,
    ip: str,
    port: int,
    pool_size: int,
    cull_seconds: int,
    refill_seconds: float,
    kernels: set[str],
    environment: dict[str, str],
) -> VoilaProcess:
    """Start one Voila server on one notebook, with its token in a private config file."""
    served = folder / "notebooks"
    served.mkdir(parents=True)
    _copy_notebook(notebook, served / notebook.name, kernels)
    config = folder / "config"
    config.mkdir(mode=0o700)
    (folder / "ready").mkdir()
    environment = {**environment, READY_DIR_VARIABLE: str(folder / "ready")}
    token = secrets.token_urlsafe(24)
    settings = _voila_settings(
        token=token,
        ip=ip,
        port=port,
        pool_size=pool_size,
        cull_seconds=cull_seconds,
        refill_seconds=refill_seconds,
    )
    descriptor = os.open(config / "voila.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(settings, handle)
    log = open(folder / "voila.log", "w", encoding="utf-8")  # noqa: SIM115 - closed by stop()
    process = subprocess.Popen(
        [sys.executable, "-m", "voila", str(served)],  # settings and token: config/voila.json
        preexec_fn=_stop_with_parent,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=environment,
        cwd=config,  # Voila reads voila.json from its working folder
    )
    base = f"http://{ip}:{port}"
    return VoilaProcess(
        process=process,
        url=f"{base}/voila/render/{notebook.name}?token={token}",
        token=token,
        base=base,
        folder=folder,
        pool_size=pool_size,
        _log=log,
    )


def start_server(
    config: str | os.PathLike[str] | None = None,
    *,
    port: int = 8866,
    facilitator_port: int | None = None,
    ip: str = "127.0.0.1",
    tables: int = DEFAULT_TABLES,
    cull_seconds: int = DEFAULT_CULL_SECONDS,
    refill_seconds: float = POOL_REFILL_SECONDS,
    notebooks_dir: str | os.PathLike[str] | None = None,
    startup_timeout: float = 60.0,
) -> WorkshopServer:
    """Start the participants' and the facilitator's servers and return once both answer.

    Parameters
    ----------
    config : str or os.PathLike, optional
        The workshop configuration (:func:`~toolkit.workshop.prepare_workshop`). None
        serves the demo workshop on synthetic data (:func:`~toolkit.workshop.demo_workshop`).
    port : int
        The participants' port (8866 by default); 0 picks a free one.
    facilitator_port : int, optional
        The facilitator's port; by default a free port chosen at start.
    ip : str
        The address to listen on; 127.0.0.1 (this machine only) by default.
    tables : int
        Tables expected (12 by default, at most 40): the participants' server keeps this
        many kernels warm, so that a room joining at once is served at once.
    cull_seconds : int
        Seconds a kernel may sit with no page connected before it is shut down (40).
    refill_seconds : float
        Seconds Voila waits before topping the warm pool up after pages take kernels (60:
        after a wave of tables has joined, not while their pages load). A page opened while
        the pool is empty starts its own kernel, which takes a few seconds longer.
    notebooks_dir : str or os.PathLike, optional
        Where ``workshop.ipynb`` and ``facilitator.ipynb`` are; the repository's
        ``notebooks`` folder by default.
    startup_timeout : float
        Seconds to wait for the servers to answer.

    Returns
    -------
    WorkshopServer

    Raises
    ------
    FileNotFoundError
        When the configuration or a notebook is missing.
    ValueError
        When a port is in use or out of range, or ``tables`` is out of range.
    RuntimeError
        When Voila exits or does not answer in time; the message quotes its log.
    """
    caller = "start_server"
    _check_int(port, "port", 0, 65535, caller)
    if facilitator_port is not None:
        _check_int(facilitator_port, "facilitator_port", 0, 65535, caller)
    _check_int(tables, "tables", 1, MAX_ROOM_TABLES, caller)
    _check_int(cull_seconds, "cull_seconds", 5, 86_400, caller)
    if not isinstance(ip, str) or not ip:
        raise TypeError(f"The 'ip' parameter of {caller} must be a str. Got {ip!r} instead.")
    config_path = Path(demo_workshop() if config is None else config).expanduser().resolve()
    workshop = load_workshop(config_path)  # fail here, clearly, rather than in every kernel
    source = Path(notebooks_dir) if notebooks_dir is not None else _default_notebooks_dir()
    notebooks = [source / PARTICIPANT_NOTEBOOK, source / FACILITATOR_NOTEBOOK]
    for notebook in notebooks:
        if not notebook.is_file():
            raise FileNotFoundError(f"{caller}: the notebook {str(notebook)!r} does not exist.")
    if port == 0:
        port = _free_port(ip)
    else:
        _check_port(ip, port)
    if facilitator_port is None or facilitator_port == 0:
        facilitator_port = _free_port(ip)
    elif facilitator_port == port:
        raise ValueError(f"The facilitator's port must differ from the participants' ({port}).")
    else:
        _check_port(ip, facilitator_port)
    folder = Path(tempfile.mkdtemp(prefix="pophealth-workshop-serve-"))
    environment = dict(os.environ)
    environment[CONFIG_ENVIRONMENT_VARIABLE] = str(config_path)
    environment.setdefault("MPLBACKEND", "Agg")
    paths = [str(TEMPLATE_ROOT), *filter(None, environment.get("JUPYTER_PATH", "").split(":"))]
    environment["JUPYTER_PATH"] = os.pathsep.join(paths)
    kernels = _installed_kernels()
    if not within_an_hour(refill_seconds):
        raise ValueError(
            f"The 'refill_seconds' parameter of {caller} must be a float in [0, 3600]. "
            f"Got {refill_seconds!r} instead."
        )
    common = {
        "ip": ip,
        "cull_seconds": cull_seconds,
        "refill_seconds": float(refill_seconds),
        "kernels": kernels,
    }
    participants = _launch(
        notebooks[0],
        folder=folder / "participants",
        port=port,
        pool_size=tables,
        environment=environment,
        **common,
    )
    # The facilitator's page lists each table's own link, so it is told the participants'.
    facilitator_environment = dict(environment)
    facilitator_environment[PARTICIPANT_URL_VARIABLE] = participants.url
    facilitator = _launch(
        notebooks[1],
        folder=folder / "facilitator",
        port=facilitator_port,
        pool_size=1,
        environment=facilitator_environment,
        **common,
    )
    server = WorkshopServer(
        participants=participants,
        facilitator=facilitator,
        config_path=config_path,
        store_path=workshop.store_path,
        folder=folder,
    )
    deadline = time.monotonic() + startup_timeout
    waiting = list(server.processes)
    while waiting:
        for voila in list(waiting):
            if voila.process.poll() is not None:
                text = voila.log_tail()
                server.stop()
                raise RuntimeError(
                    f"Voila stopped while starting (status {voila.process.returncode}):\n{text}"
                )
            if voila.answers():
                waiting.remove(voila)
        if waiting and time.monotonic() > deadline:
            text = waiting[0].log_tail()
            server.stop()
            raise RuntimeError(f"Voila did not answer within {startup_timeout:g} s:\n{text}")
        if waiting:
            time.sleep(0.2)
    return server


def _open_in_browser(url: str, folder: Path) -> None:
    """Open a link in this machine's browser without putting its token on a command line.

    The browser is given a private local file that forwards to the link.
    """
    page = folder / "open-workshop.html"
    descriptor = os.open(page, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(f'<meta http-equiv="refresh" content="0; url={url}">')
    webbrowser.open(page.as_uri())


def serve(
    config: str | os.PathLike[str] | None = None,
    *,
    port: int = 8866,
    facilitator_port: int | None = None,
    open_browser: bool = False,
    ip: str = "127.0.0.1",
    tables: int = DEFAULT_TABLES,
) -> int:
    """Serve a workshop until Ctrl+C or SIGTERM: what ``pophealth workshop`` runs.

    Prints the participants' and the facilitator's links (each with its own token) and
    where the submissions are kept, then blocks. Ctrl+C (SIGINT) or SIGTERM stops both
    servers and every kernel.

    Parameters
    ----------
    config : str or os.PathLike, optional
        The workshop configuration; None serves the demo workshop on synthetic data.
    port : int
        The participants' port (8866 by default).
    facilitator_port : int, optional
        The facilitator's port; a free port chosen at start by default.
    open_browser : bool
        Open the facilitator's view in this machine's browser too.
    ip : str
        The address to listen on; 127.0.0.1 (this machine only) by default. To let a room
        join over the local network use that machine's address, behind the
        organisation's firewall.
    tables : int
        Tables expected (12 by default): kernels kept warm for them.

    Returns
    -------
    int
        0 when stopped by Ctrl+C or SIGTERM, else Voila's exit status.
    """
    # Checked before saying anything is starting (start_server checks them again).
    _check_int(tables, "tables", 1, MAX_ROOM_TABLES, "serve")
    if config is not None and not Path(config).expanduser().is_file():
        missing = (
            "is a folder, not a file" if Path(config).expanduser().is_dir() else ("does not exist")
        )
        raise FileNotFoundError(
            f"The workshop configuration {str(config)!r} {missing}: give its workshop.toml."
        )
    if config is None:
        print("No --config given: serving the demo workshop on synthetic data.", flush=True)
    print(f"Starting the workshop for {tables} tables (warming a kernel for each) ...", flush=True)
    server = start_server(
        config, port=port, facilitator_port=facilitator_port, ip=ip, tables=tables
    )

    def stop_on_signal(number: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop_on_signal)
    try:
        workshop = load_workshop(server.config_path)
        print(
            f"Workshop '{workshop.name}' is running ({len(workshop.candidates)} candidates).\n"
            f"  Submissions are kept in {workshop.store_path}\n"
            f"  Facilitator (keep to yourself): {server.facilitator_url}\n"
            f"  Participants (any table):       {server.participant_url}\n"
            "  Each table's own link (restores its sliders after a reload; also on the "
            "facilitator's page):",
            flush=True,
        )
        for table, link in server.table_links().items():
            print(f"    {table}: {link}", flush=True)
        print(
            "Only people given a link can join; no participant link opens the facilitator's "
            "view. Press Ctrl+C to stop.",
            flush=True,
        )
        if open_browser:
            _open_in_browser(server.facilitator_url, server.folder)
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)
        print("Workshop stopped: both servers and every kernel are shut down.", flush=True)
