"""Display settings for the toolkit's notebooks and the board report.

nbval re-executes the notebooks in CI and compares their headline outputs with the ones
committed, so what a table looks like as text must not depend on the machine or the
user's settings: :func:`setup_notebook` fixes pandas' display options and how figures are
embedded. Call it in the first code cell.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

#: pandas display options the notebooks use (fixed, so that text outputs are stable).
DISPLAY_OPTIONS: dict[str, object] = {
    "display.width": 120,
    "display.max_columns": 30,
    "display.max_rows": 60,
    "display.max_colwidth": 90,
    "display.precision": 3,
    "display.float_format": None,
    "display.show_dimensions": False,
}

#: Fonts for charts, NHS first (Frutiger is licensed; Arial is the NHS's web font), and the
#: first of them installed is used (matplotlib ships DejaVu Sans).
SANS_SERIF_FONTS: tuple[str, ...] = ("Frutiger", "Arial", "Liberation Sans", "DejaVu Sans")

#: Resolution of figures embedded in notebooks and reports (dots per inch).
FIGURE_DPI = 120


def setup_notebook(*, dpi: int = FIGURE_DPI) -> None:
    """Fix pandas' display options and embed figures as PNG at a fixed resolution.

    Parameters
    ----------
    dpi : int
        Resolution of embedded figures (120 by default).
    """
    if isinstance(dpi, bool) or not isinstance(dpi, int) or dpi < 50:
        raise ValueError(
            f"The 'dpi' parameter of setup_notebook must be an int >= 50. Got {dpi!r} instead."
        )
    for option, value in DISPLAY_OPTIONS.items():
        pd.set_option(option, value)
    import matplotlib
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    fonts = [name for name in SANS_SERIF_FONTS if name in installed] or ["DejaVu Sans"]
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": fonts,
            "figure.dpi": 100,
            "savefig.dpi": dpi,
        }
    )
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # not in IPython: nothing to embed
        return
    if get_ipython() is not None:
        set_matplotlib_formats("png", dpi=dpi, bbox_inches="tight")


@contextmanager
def kernel_config() -> Iterator[Any]:
    """Give the configuration that starts a notebook's kernel on local sockets (IPC).

    A kernel on TCP without encryption makes ipykernel 7 print "Kernel is running over TCP
    without encryption ..." on the terminal, for every report. On Linux and macOS the
    kernel is started on Unix sockets in a private temporary folder instead (only this
    user can reach them, and nothing is sent over the network), so there is nothing to
    warn about; the sockets are removed with the folder. On Windows, which has no Unix
    sockets, the kernel stays on TCP. Nothing is hidden: the kernel's errors still reach
    stderr.

    Yields
    ------
    traitlets.config.Config
        For ``NotebookClient(config=...)`` or ``papermill.execute_notebook(config=...)``:
        ``KernelManager.transport = "ipc"`` and ``KernelManager.ip``, the socket path.
    """
    from traitlets.config import Config

    if os.name != "posix":
        yield Config()
        return
    _remove_stale_kernel_folders()
    with tempfile.TemporaryDirectory(prefix=KERNEL_FOLDER_PREFIX) as folder:
        socket = str(Path(folder) / "kernel")
        if len(socket) + len("-65535") >= _SOCKET_PATH_LIMIT:
            yield Config()  # a long temporary folder (TMPDIR): the kernel stays on TCP
        else:
            yield Config({"KernelManager": {"transport": "ipc", "ip": socket}})


#: Prefix of the private folders that hold a kernel's sockets (see :func:`kernel_config`).
KERNEL_FOLDER_PREFIX = "pophealth-kernel-"
#: Longest Unix socket path, in characters, on macOS (103); Linux allows 107.
_SOCKET_PATH_LIMIT = 103
#: Age after which a socket folder left by a run that was killed is removed, in seconds.
_STALE_AFTER_SECONDS = 24 * 60 * 60


def _remove_stale_kernel_folders() -> None:
    """Remove this user's kernel socket folders left for a day by runs that were killed."""
    import shutil
    import time

    now = time.time()
    for folder in Path(tempfile.gettempdir()).glob(f"{KERNEL_FOLDER_PREFIX}*"):
        try:
            stat = folder.stat()
            if stat.st_uid == os.getuid() and now - stat.st_mtime > _STALE_AFTER_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:  # gone already, or not ours to look at
            continue


def execute_notebooks(
    paths: list[str] | list[Path], *, timeout: float = 600, kernel_name: str | None = None
) -> list[Path]:
    """Execute notebooks top to bottom and save them in place, with stable metadata.

    Each runs in its own folder on the ``pophealth`` kernel (or ``python3`` when that is
    not registered), started on local sockets (:func:`kernel_config`); no cell timings
    and no widget state are saved, so that re-running a notebook on the same data changes
    nothing but what changed. ``make notebooks`` runs it.

    Parameters
    ----------
    paths : list of str or Path
        The ``.ipynb`` files.
    timeout : float
        Longest time, in seconds, any one cell may run.
    kernel_name : str, optional
        The kernel; by default ``pophealth`` if registered, else ``python3``.

    Returns
    -------
    list of pathlib.Path
        The notebooks executed.

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        A cell failed; that notebook is not saved.
    """
    import nbformat
    from nbclient import NotebookClient

    from toolkit.report.build import choose_kernel

    kernel = kernel_name or choose_kernel()
    done = []
    for path in map(Path, paths):
        notebook = nbformat.read(path, as_version=4)
        with kernel_config() as settings:
            NotebookClient(
                notebook,
                timeout=timeout,
                kernel_name=kernel,
                resources={"metadata": {"path": str(path.parent.resolve())}},
                record_timing=False,
                store_widget_state=False,
                config=settings,
            ).execute()
        notebook.metadata.pop("widgets", None)
        nbformat.write(notebook, path)
        done.append(path)
    return done


__all__ = [
    "DISPLAY_OPTIONS",
    "FIGURE_DPI",
    "SANS_SERIF_FONTS",
    "execute_notebooks",
    "kernel_config",
    "setup_notebook",
]


if __name__ == "__main__":  # pragma: no cover - `python -m toolkit.report.notebook FILES`
    import sys

    for executed in execute_notebooks(sys.argv[1:]):
        print(f"executed {executed}")
