"""Build the board report: execute the template notebook, export HTML with no code, print a PDF.

:func:`build_report` is what ``pophealth report --config CONFIG --out DIR`` and
``pophealth demo`` run. Papermill executes ``reports/board_report.ipynb`` headless with the
configuration as parameters (each cell with a time limit); nbconvert exports the executed
notebook as one self-contained HTML file (images embedded, no code, no scripts fetched from
the internet); Chromium, when installed, prints the HTML to PDF. Before publishing, the HTML
is scanned for any count below the disclosure threshold that escaped suppression.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat

from toolkit.defaults import DEMO_PERSONS, DEMO_SEED
from toolkit.report.config import ReportConfig, load_config
from toolkit.report.disclosure import find_small_counts
from toolkit.report.figures import (
    FIGURES_FILE,
    BoardFigures,
    compute_board_figures,
    save_board_figures,
)
from toolkit.report.notebook import kernel_config
from toolkit.style import PRINT_WIDTH

#: File names of the report's outputs in the output folder.
NOTEBOOK_NAME = "board-report.ipynb"
HTML_NAME = "board-report.html"
PDF_NAME = "board-report.pdf"


@dataclass(frozen=True)
class OutputNames:
    """File names of one kind of report (the board report, the quarterly update)."""

    stem: str
    kind: str = "board report"

    @property
    def notebook(self) -> str:
        """The executed notebook's file name."""
        return f"{self.stem}.ipynb"

    @property
    def html(self) -> str:
        """The HTML report's file name."""
        return f"{self.stem}.html"

    @property
    def pdf(self) -> str:
        """The PDF's file name."""
        return f"{self.stem}.pdf"

    @property
    def failed(self) -> str:
        """Where a failed run's notebook is kept."""
        return f"{self.stem}.failed.ipynb"


#: The board report's outputs.
BOARD_REPORT = OutputNames("board-report", "board report")

#: Jupyter kernel the report runs on (``make install`` registers it), and the fallback.
KERNEL_NAME = "pophealth"
FALLBACK_KERNEL_NAME = "python3"

#: Where Chromium may be installed (the first found is used), unless CHROMIUM is set.
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: Seconds Chromium is given to print the PDF.
PDF_TIMEOUT = 120

#: Notebook metadata that changes on every run (timings, absolute paths): removed from the
#: executed notebook so that a rebuild from the same data changes only what changed.
_VOLATILE_PAPERMILL_KEYS = ("start_time", "end_time", "duration", "input_path", "output_path")

#: Style sheet of the report: NHS typography, board tables, the provenance box, A4 print.
REPORT_CSS = """
body, .jp-Notebook { font-family: Arial, "Liberation Sans", Helvetica, sans-serif;
  color: #231F20; }
.jp-Notebook { max-width: 1000px; margin: 0 auto; padding: 24px 32px; }
.jp-RenderedHTMLCommon { font-size: 14px; line-height: 1.45; }
h1.report-title { color: #005EB8; font-size: 26px; margin-bottom: 4px; }
p.lead { font-size: 15px; color: #425563; }
.jp-RenderedHTMLCommon h2 { color: #003087; border-bottom: 3px solid #005EB8;
  padding-bottom: 4px; margin-top: 28px; }
.jp-RenderedHTMLCommon h3 { color: #003087; }
.jp-RenderedHTMLCommon table.board-table { border-collapse: collapse; width: 100%;
  table-layout: auto; font-size: 12.5px; margin: 8px 0 4px 0; }
.jp-RenderedHTMLCommon table.board-table caption { caption-side: top; text-align: left;
  font-weight: bold; color: #003087; padding-bottom: 6px; }
.jp-RenderedHTMLCommon table.board-table th { background: #005EB8; color: #FFFFFF;
  text-align: right; padding: 6px 8px; vertical-align: bottom; font-weight: bold; }
.jp-RenderedHTMLCommon table.board-table th[data-kind="text"] { text-align: left; }
.jp-RenderedHTMLCommon table.board-table td { padding: 5px 8px; text-align: left;
  border-bottom: 1px solid #E8EDEE; }
.jp-RenderedHTMLCommon table.board-table td.num { text-align: right;
  font-variant-numeric: tabular-nums; white-space: nowrap; }
.jp-RenderedHTMLCommon table.board-table tr.total td { font-weight: bold;
  border-top: 2px solid #003087; }
.jp-RenderedHTMLCommon table.board-table tbody tr:nth-child(even) td { background: #F6F8F9; }
.jp-RenderedHTMLCommon table.board-table tbody tr:hover td { background: #E8EDEE; }
p.table-note { font-size: 11px; color: #425563; margin: 2px 0; }
figure.board-table-figure { margin: 0 0 16px 0; }
aside.provenance { border: 2px solid #005EB8; background: #F0F4F5; padding: 8px 16px;
  font-size: 12px; margin-top: 24px; }
.jp-RenderedHTMLCommon aside.provenance table { border-collapse: collapse; table-layout: auto;
  margin: 0; }
.jp-RenderedHTMLCommon aside.provenance th, .jp-RenderedHTMLCommon aside.provenance td {
  text-align: left; padding: 2px 12px 2px 0; vertical-align: top; }
aside.provenance code { font-size: 11px; word-break: break-all; }
.jp-OutputArea-output img { max-width: 100%; height: auto; }
section.decision { border: 3px solid #005EB8; background: #E8F1FA; padding: 4px 16px 8px 16px;
  margin: 12px 0 20px 0; }
.jp-RenderedHTMLCommon section.decision h2 { margin-top: 8px; border-bottom: none; }
p.synthetic-note { font-weight: bold; color: #231F20; }
.synthetic-banner { background: #FFB81C; color: #231F20; font-weight: bold; text-align: center;
  font-size: 12px; padding: 4px 8px; }
@page { size: A4; margin: 18mm 12mm 14mm 12mm; }
@media print {
  .jp-Notebook { padding: 0; max-width: none; }
  .jp-OutputArea-output { overflow: visible !important; }
  /* No text under 8 pt on paper (11px = 8.25pt). */
  .jp-RenderedHTMLCommon table.board-table { font-size: 11px; }
  .jp-RenderedHTMLCommon table.board-table th,
  .jp-RenderedHTMLCommon table.board-table td { padding: 2px 4px; }
  /* JupyterLab keeps each output whole on a page (break-inside: avoid-page), which leaves
     half-empty pages before long tables and lists: let outputs break between their rows. */
  .jp-OutputArea-child { break-inside: auto !important; page-break-inside: auto !important; }
  /* Long tables may run on (their header repeats); rows and pictures stay whole. Boxes as
     tall as a page (provenance; the update's "What the charts say") run on between their
     rows, paragraphs and items, each kept whole, rather than leave a page empty (issue 14). */
  .jp-RenderedHTMLCommon table.board-table tr, .jp-OutputArea-output img, aside.provenance tr,
  aside.provenance li, section.decision p, section.decision li {
    break-inside: avoid; page-break-inside: avoid; }
  .jp-RenderedHTMLCommon table.board-table thead { display: table-header-group; }
  /* A short table (eight rows or fewer) is not split over two pages. */
  .jp-RenderedHTMLCommon table.board-table:has(tbody > tr:last-child:nth-child(-n + 8)) {
    break-inside: avoid; page-break-inside: avoid; }
  h2, h3, .jp-RenderedHTMLCommon table.board-table caption { break-after: avoid;
    page-break-after: avoid; }
  /* A chart's introduction (the words just before it, in a cell or an output of their own)
     goes to the next page with the chart rather than stay behind (issue 14); a guide to
     reading all the charts after it stays with its heading. */
  .jp-Cell:not(:has(table, img, .reading-guide)):has(
    + .jp-Cell .jp-OutputArea-child:first-child img),
  .jp-OutputArea-child:not(:has(table, img)):has(+ .jp-OutputArea-child img) {
    break-after: avoid; page-break-after: avoid; }
  .jp-Cell:not(:has(table, img, .reading-guide))
    + .jp-Cell:has(.jp-OutputArea-child:first-child img),
  .jp-OutputArea-child:not(:has(table, img)) + .jp-OutputArea-child:has(img) {
    break-before: avoid; page-break-before: avoid; }
  .jp-RenderedHTMLCommon > *:last-child { margin-bottom: 0; }  /* no spill to a blank page */
  /* On paper the banner is in every page's top margin (an @page margin box) instead. */
  .synthetic-banner { display: none; }
  /* Charts print at the width they are drawn at, so their text keeps its size (8 pt+). */
  .jp-OutputArea-output img { width: PRINT_WIDTHin; max-width: 100%; }
}
""".replace("PRINT_WIDTH", f"{PRINT_WIDTH:g}")

#: A template extending nbconvert's "lab" HTML without scripts fetched from the internet
#: (RequireJS, MathJax, Mermaid): the report must open, and print, offline.
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{% block extra_css %}<style type="text/css">{{ resources.report_css }}</style>{% endblock %}
"""


@dataclass(frozen=True)
class ReportResult:
    """What :func:`build_report` wrote.

    Attributes
    ----------
    notebook : pathlib.Path
        The executed notebook (the audit record; nbval re-executes it in CI).
    html : pathlib.Path
        The self-contained HTML report, with no code.
    pdf : pathlib.Path or None
        The PDF, or None when it could not be printed (see ``pdf_note``).
    pdf_note : str
        How the PDF was made, or why there is none ("Chromium is not installed ...").
    seconds : float
        Time taken to build, in seconds.
    kernel : str
        The Jupyter kernel the notebook ran on.
    warnings : tuple of str
        Warnings the notebook wrote to stderr (kept in the notebook, left out of the HTML).
    """

    notebook: Path
    html: Path
    pdf: Path | None
    pdf_note: str
    seconds: float
    kernel: str
    warnings: tuple[str, ...] = ()

    kind: str = "board report"

    def __str__(self) -> str:
        lines = [
            f"wrote the executed notebook: {self.notebook}",
            f"wrote the {self.kind} (HTML): {self.html}",
            f"wrote the PDF: {self.pdf}" if self.pdf else f"no PDF: {self.pdf_note}",
            f"built in {self.seconds:.0f} s on the '{self.kernel}' kernel",
        ]
        if self.warnings:
            lines.append(f"{len(self.warnings)} warning(s) in the notebook's output (see it).")
        return "\n".join(lines)


def default_template() -> Path:
    """Return the report template of the source tree, ``reports/board_report.ipynb``.

    Returns
    -------
    pathlib.Path
        The template's path (it may not exist in an installed, non-editable copy).
    """
    return Path(__file__).resolve().parents[2] / "reports" / "board_report.ipynb"


def choose_kernel(preferred: str = KERNEL_NAME) -> str:
    """Return the kernel to run the report on: ``preferred`` if registered, else ``python3``.

    Parameters
    ----------
    preferred : str
        The kernel wanted ("pophealth", registered by ``make install``).

    Returns
    -------
    str
        A registered kernel name.
    """
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    return preferred if preferred in specs else FALLBACK_KERNEL_NAME


def _check_options(timeout: object, progress: object) -> None:
    if isinstance(progress, bool) is False:
        raise TypeError(
            f"The 'progress' parameter of build_report must be a bool. Got {progress!r} instead."
        )
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(
            f"The 'timeout' parameter of build_report must be a number of seconds. "
            f"Got {timeout!r} instead."
        )
    if not timeout > 0:
        raise ValueError(
            f"The 'timeout' parameter of build_report must be more than 0 seconds. "
            f"Got {timeout!r} instead."
        )


def _tidy_notebook(path: Path, drop: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Remove volatile papermill metadata and return the text of any stderr output.

    The executed notebook is committed for the demo: without timings and absolute paths, a
    rebuild from the same data changes only the date in the provenance box. The injected
    parameters named in ``drop`` (one line each) are taken out, so that the notebook run
    again uses the template's defaults for them.
    """
    notebook = nbformat.read(path, as_version=4)
    meta = notebook.metadata.get("papermill", {})
    for key in _VOLATILE_PAPERMILL_KEYS:
        meta.pop(key, None)
    for name in drop:
        meta.get("parameters", {}).pop(name, None)
    stderr = []
    for cell in notebook.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            lines = cell.source.splitlines()
            cell.source = "\n".join(
                line for line in lines if not line.startswith(tuple(f"{n} = " for n in drop))
            )
            cell.source = cell.source.rstrip()  # as ruff formats it
            cell.id = "injected-parameters"  # papermill draws a new random id each run
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                stderr.append(str(output.get("text", "")).strip())
    nbformat.write(notebook, path)
    return tuple(text for text in stderr if text)


def export_html(
    notebook_path: str | Path, html_path: str | Path, *, title: str, banner: str | None = None
) -> Path:
    """Export an executed notebook as a self-contained HTML report with no code.

    Code cells' inputs and prompts are left out, stderr output (warnings) too, images are
    embedded, and no script is fetched from the internet.

    Parameters
    ----------
    notebook_path : str or Path
        The executed notebook.
    html_path : str or Path
        The HTML file to write.
    title : str
        The page title.
    banner : str, optional
        A line shown at the top of the page and of every printed page (the report of
        synthetic data says so: :data:`toolkit.report.sections.SYNTHETIC_BANNER`).

    Returns
    -------
    pathlib.Path
        The HTML file.
    """
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    notebook = nbformat.read(str(notebook_path), as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                output
                for output in cell.outputs
                if not (output.get("output_type") == "stream" and output.get("name") == "stderr")
            ]
    notebook.metadata["title"] = title
    exporter = HTMLExporter(
        template_name="lab",
        template_file="board.html.j2",
        extra_loaders=[DictLoader({"board.html.j2": _TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(notebook, resources={"report_css": REPORT_CSS})
    if banner:
        import html as html_text

        tag = body.find("<body")
        opened = body.find(">", tag) + 1 if tag >= 0 else 0
        marker = f'<div class="synthetic-banner" role="note">{html_text.escape(banner)}</div>'
        body = body[:opened] + marker + body[opened:]
        quoted = banner.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
        page_box = (
            '<style type="text/css">@page { @top-center { content: "' + quoted + '"; '
            "font-family: Arial, 'Liberation Sans', sans-serif; font-size: 10pt; "
            "font-weight: bold; color: #231F20; background: #FFB81C; } }</style>"
        )
        head = body.find("</head>")
        body = body[:head] + page_box + body[head:] if head >= 0 else page_box + body
    target = Path(html_path)
    target.write_text(body, encoding="utf-8")
    return target


def find_chromium() -> str | None:
    """Return the Chromium executable to print PDFs with, or None if there is none.

    The ``CHROMIUM`` environment variable, when set, names it; otherwise the first of
    :data:`CHROMIUM_CANDIDATES` on the ``PATH``.

    Returns
    -------
    str or None
        The executable's path.
    """
    named = os.environ.get("CHROMIUM")
    if named:
        return shutil.which(named)
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(
    html_path: str | Path, pdf_path: str | Path, *, timeout: float = PDF_TIMEOUT
) -> tuple[Path | None, str]:
    """Print an HTML file to PDF with headless Chromium.

    Chromium runs with a new, empty profile in a temporary folder, no network services and
    no header or footer; if it has not finished within ``timeout`` seconds, its process
    group is killed.

    Parameters
    ----------
    html_path : str or Path
        The HTML to print.
    pdf_path : str or Path
        The PDF to write.
    timeout : float
        Seconds to wait for Chromium.

    Returns
    -------
    pdf : pathlib.Path or None
        The PDF, or None when it could not be printed.
    note : str
        How it was printed, or why it was not.
    """
    chromium = find_chromium()
    if chromium is None:
        return None, (
            "Chromium is not installed, so no PDF was printed (install it, e.g. "
            "`apt-get install chromium`, or print the HTML from a browser)."
        )
    target = Path(pdf_path).resolve()
    target.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="pophealth-chromium-") as profile:
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={target}",
            "--no-pdf-header-footer",
            Path(html_path).resolve().as_uri(),
        ]
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            _, error = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return None, f"Chromium did not finish printing the PDF within {timeout:.0f} s."
    if process.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        detail = error.decode(errors="replace").strip().splitlines()[-1:] if error else []
        return None, (
            f"Chromium ({chromium}) failed to print the PDF (exit status "
            f"{process.returncode}{': ' + detail[0] if detail else ''})."
        )
    return Path(pdf_path), f"printed by {Path(chromium).name} (headless)"


def build_report(
    config: ReportConfig | str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    progress: bool = True,
    timeout: float = 600,
    template: str | os.PathLike[str] | None = None,
    pdf: bool = True,
    figures: BoardFigures | None = None,
) -> ReportResult:
    """Execute the board report for a configuration and write its notebook, HTML and PDF.

    The report's figures are computed once, here (:func:`compute_board_figures`, which
    also checks the data before the notebook runs), and handed to the notebook, which
    renders them; ``figures`` already computed (``pophealth demo`` prints from them) are
    used as they are.

    Parameters
    ----------
    config : ReportConfig, str or path-like
        The configuration, or a TOML file to read it from (:func:`load_config`).
    out_dir : str or path-like
        Folder for ``board-report.ipynb``, ``board-report.html`` and ``board-report.pdf``;
        created if missing. The run writes into a temporary folder inside it and moves the
        files into place only when the report is complete, so a failed or killed run
        leaves the last complete report as it was (a failed run's notebook is kept as
        ``board-report.failed.ipynb``); a second run on the same folder at the same time
        is refused.
    progress : bool
        Show papermill's progress bar, one step per cell (True by default).
    timeout : float
        Longest time, in seconds, any one cell may run (600 by default).
    template : str or path-like, optional
        The report notebook; ``reports/board_report.ipynb`` of the source tree by default.
    pdf : bool
        Print a PDF with Chromium when it is installed (True by default).
    figures : BoardFigures, optional
        The figures, computed for this ``config`` with :func:`compute_board_figures`.

    Returns
    -------
    ReportResult
        Paths of what was written; ``pdf`` is None with the reason in ``pdf_note`` when
        no PDF was printed (Chromium missing, say, which is also warned).

    Raises
    ------
    FileNotFoundError
        The configuration file or the template does not exist.
    ValueError, TypeError
        The configuration is not valid (see :func:`load_config`).
    DataContractError
        The persons or areas files break the data contract; checked before the notebook
        runs, with the readers of ``pophealth validate``, so nothing is written.
    papermill.PapermillExecutionError
        A cell of the report failed; the executed notebook is still written, with the error.
    RuntimeError
        The HTML shows a count below the disclosure threshold (it is deleted, not
        published), or another run is writing to the same folder.
    """
    started = time.perf_counter()
    _check_options(timeout, progress)
    if not isinstance(pdf, bool):
        raise TypeError(f"The 'pdf' parameter of build_report must be a bool. Got {pdf!r} instead.")
    if not isinstance(config, ReportConfig):
        if not isinstance(config, str | os.PathLike):
            raise TypeError(
                "The 'config' parameter of build_report must be a ReportConfig or the path of "
                f"a TOML file. Got {type(config).__name__} instead."
            )
        config = load_config(config)
    source = Path(template) if template is not None else default_template()
    if not source.is_file():
        raise FileNotFoundError(f"{source}: the report template does not exist.")
    if figures is None:
        # Computed here, before the notebook runs, with the readers `pophealth validate`
        # uses: a contract failure is then the readers' plain DataContractError (the
        # command line prints it and exits 2), not a traceback from inside papermill, and
        # nothing is written.
        figures = compute_board_figures(config, progress=progress)
    elif not isinstance(figures, BoardFigures) or figures.config != config:
        raise ValueError(
            "The 'figures' parameter of build_report must be BoardFigures computed for the "
            "same configuration (compute_board_figures(config))."
        )
    return build_in_folder(
        Path(out_dir), source, config, progress=progress, timeout=timeout, pdf=pdf,
        started=started, figures=figures,
    )  # fmt: skip


def build_in_folder(
    folder: Path,
    source: Path,
    config: ReportConfig,
    *,
    progress: bool,
    timeout: float,
    pdf: bool,
    started: float,
    names: OutputNames = BOARD_REPORT,
    parameters: dict | None = None,
    title: str | None = None,
    synthetic: bool | None = None,
    threshold: int | None = None,
    figures: BoardFigures | None = None,
) -> ReportResult:
    """Run a report template into ``folder`` holding its lock; keep a failed run's notebook.

    The report is built in a work folder inside ``folder`` (:func:`_work_folder`), then
    each complete output is moved into ``folder``: nothing reaches it until the notebook
    ran, the HTML passed the disclosure scan and the PDF was printed, so a failed or killed
    run leaves the last complete report. ``names``, ``parameters``, ``title``,
    ``synthetic`` and ``threshold`` let another kind of report (the quarterly update) use
    the same steps; by default they are the board report's, taken from ``config``.
    ``figures`` are handed to the notebook in a file in the work folder (parameter
    ``figures_file``), which is taken out of the notebook afterwards: the notebook kept
    computes its figures itself when run again.
    """
    with _work_folder(folder, names) as work:
        import papermill

        notebook_path = work / names.notebook
        kernel = choose_kernel()
        if parameters is None:
            parameters = config.to_parameters()
        if figures is not None:
            parameters = {
                **parameters,
                FIGURES_PARAMETER: str(save_board_figures(figures, work.resolve() / FIGURES_FILE)),
            }
        with kernel_config() as settings:  # local sockets: no "running over TCP" warning
            papermill.execute_notebook(
                str(source),
                str(notebook_path),
                parameters=parameters,
                kernel_name=kernel,
                cwd=str(work),
                progress_bar=progress,
                execution_timeout=timeout,
                report_mode=False,
                log_output=False,
                config=settings,
            )
        stderr = _tidy_notebook(notebook_path, drop=(FIGURES_PARAMETER,))
        (work / FIGURES_FILE).unlink(missing_ok=True)
        from toolkit.report.sections import SYNTHETIC_BANNER

        if synthetic is None:
            from toolkit.report.inputs import synthetic_persons_file

            synthetic = config.is_synthetic or synthetic_persons_file(config.persons)
        if title is None:
            title = f"{config.system_name}: board report, {config.period}"
        if threshold is None:
            threshold = config.disclosure_threshold
        html_path = export_html(
            notebook_path,
            work / names.html,
            title=title,
            banner=SYNTHETIC_BANNER if synthetic else None,
        )
        escaped = find_small_counts(html_path.read_text(encoding="utf-8"), threshold=threshold)
        if escaped:
            html_path.unlink()
            raise RuntimeError(
                f"build_report: the {names.kind} shows {len(escaped)} count(s) below the "
                f"disclosure threshold of {threshold} ({escaped[:5]}); the HTML was not kept."
            )
        pdf_path, note = (None, "not asked for")
        if pdf:
            pdf_path, note = print_pdf(html_path, work / names.pdf)
            if pdf_path is None:
                warnings.warn(note, UserWarning, stacklevel=2)
        # Complete: move the outputs into place (each move is atomic), the notebook last.
        placed = {}
        for name in (names.html, names.pdf, names.notebook):
            if (work / name).is_file():
                os.replace(work / name, folder / name)
                placed[name] = folder / name
        if names.pdf not in placed:
            (folder / names.pdf).unlink(missing_ok=True)  # not one from an earlier run
        (folder / names.failed).unlink(missing_ok=True)
        return ReportResult(
            notebook=placed[names.notebook],
            html=placed[names.html],
            pdf=placed.get(names.pdf),
            pdf_note=note,
            seconds=time.perf_counter() - started,
            kernel=kernel,
            warnings=stderr,
            kind=names.kind,
        )


#: The report template's parameter naming the file of figures computed by build_report.
FIGURES_PARAMETER = "figures_file"

#: Prefix of the folder a run writes into before its outputs are moved into place.
UNFINISHED_PREFIX = ".unfinished-report-"

#: Where the notebook of a failed run is kept, beside the last complete report.
FAILED_NOTEBOOK_NAME = BOARD_REPORT.failed

#: The lock file that keeps two runs from writing to one folder at once.
LOCK_NAME = ".pophealth-report.lock"


class _output_lock:
    """Hold an exclusive lock on an output folder; refuse at once when another run holds it.

    Written here (``fcntl.flock`` on a lock file) because two reports written to one
    folder at once would interleave their files; the operating system releases the lock
    when a run ends, even when it is killed.
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self.handle = None

    def __enter__(self) -> _output_lock:
        import fcntl

        self.handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - closed on exit
        try:
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "another process"
            self.handle.close()
            raise RuntimeError(
                f"build_report: another report is being written to {self.path.parent} "
                f"({holder}); wait for it to finish or choose another --out folder."
            ) from None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"process {os.getpid()}")
        self.handle.flush()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.handle is not None:
            self.path.unlink(missing_ok=True)  # leave the folder as it was
            self.handle.close()  # closing releases the lock


def _clear_unfinished(folder: Path) -> None:
    """Remove what runs that were killed part-way left (this run holds the folder's lock)."""
    for leftover in folder.glob(f"{UNFINISHED_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def _work_folder(folder: Path, names: OutputNames) -> Iterator[Path]:
    """Hold ``folder``'s lock and give a new work folder inside it, removed afterwards.

    Parameters
    ----------
    folder : Path
        The output folder; created if missing.
    names : OutputNames
        The report's file names: a failed run's notebook is kept as ``names.failed``.

    Yields
    ------
    Path
        The work folder.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with _output_lock(folder):
        _clear_unfinished(folder)
        work = Path(tempfile.mkdtemp(prefix=UNFINISHED_PREFIX, dir=folder))
        try:
            yield work
        except BaseException:
            failed = work / names.notebook
            if failed.is_file():
                os.replace(failed, folder / names.failed)
            shutil.rmtree(work, ignore_errors=True)
            raise
        shutil.rmtree(work, ignore_errors=True)


def build_demo_report(
    out_dir: str | os.PathLike[str] = "reports/demo",
    *,
    persons: int = DEMO_PERSONS,
    seed: int = DEMO_SEED,
    progress: bool = True,
    timeout: float = 600,
) -> ReportResult:
    """Build the demo system's board report (what ``pophealth demo`` writes to reports/demo).

    Parameters
    ----------
    out_dir : str or path-like
        Output folder.
    persons : int
        Persons in the demo system.
    seed : int
        Seed of the demo system and every random step.
    progress : bool
        Show a progress bar.
    timeout : float
        Longest time, in seconds, any one cell may run.

    Returns
    -------
    ReportResult
        As :func:`build_report`.
    """
    from toolkit.report.config import demo_config

    return build_report(
        demo_config(persons=persons, seed=seed), out_dir, progress=progress, timeout=timeout
    )


__all__ = [
    "BOARD_REPORT",
    "HTML_NAME",
    "NOTEBOOK_NAME",
    "OutputNames",
    "PDF_NAME",
    "ReportResult",
    "build_demo_report",
    "build_report",
    "choose_kernel",
    "default_template",
    "export_html",
    "find_chromium",
    "print_pdf",
]
