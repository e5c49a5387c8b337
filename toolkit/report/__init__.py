"""The board report: a parameterised notebook executed headless, exported without code.

- :func:`build_report` executes ``reports/board_report.ipynb`` for a :class:`ReportConfig`
  (or a TOML file read by :func:`load_config`) and writes the executed notebook, a
  self-contained HTML report and, where Chromium is installed, a PDF;
  :func:`demo_config` is the demo system's configuration and :func:`build_demo_report`
  builds it.
- :func:`compute_board_figures` computes everything the report shows, once
  (:class:`BoardFigures`): ``pophealth demo`` prints from it and the notebook renders it
  (:func:`board_figures`).
- :func:`suppress_counts` is the disclosure control every count goes through before a board
  sees it; :func:`find_small_counts` checks rendered HTML for any that escaped.
- :func:`board_table`, :class:`BoardTable` and :class:`BoardText` show figures as HTML in
  the report and as plain text for nbval; :mod:`toolkit.report.sections` holds the report's
  sections and :mod:`toolkit.report.charts` its charts.
- :func:`read_decision_log` reads a workshop's decision log for the workshop section.
- :func:`build_update` executes ``reports/quarterly_update.ipynb`` for an
  :class:`UpdateConfig` (or a TOML file read by :func:`load_update_config`): the agreed
  priorities followed month by month (:mod:`toolkit.monitor`) and what would move on newer
  data; :func:`build_demo_update` builds the demo's.

Names are imported on first use so that ``import toolkit.report`` stays quick.
"""

from __future__ import annotations

from toolkit._lazy import lazy_exports

_EXPORTS = {
    "ReportConfig": "toolkit.report.config",
    "load_config": "toolkit.report.config",
    "demo_config": "toolkit.report.config",
    "ReportResult": "toolkit.report.build",
    "build_report": "toolkit.report.build",
    "build_demo_report": "toolkit.report.build",
    "export_html": "toolkit.report.build",
    "print_pdf": "toolkit.report.build",
    "ReportInputs": "toolkit.report.inputs",
    "load_inputs": "toolkit.report.inputs",
    "BoardFigures": "toolkit.report.figures",
    "board_figures": "toolkit.report.figures",
    "compute_board_figures": "toolkit.report.figures",
    "suppress_counts": "toolkit.report.disclosure",
    "find_small_counts": "toolkit.report.disclosure",
    "BoardTable": "toolkit.report.tables",
    "BoardText": "toolkit.report.tables",
    "TableColumn": "toolkit.report.tables",
    "Count": "toolkit.report.tables",
    "board_table": "toolkit.report.tables",
    "add_total_row": "toolkit.report.tables",
    "disclose": "toolkit.report.tables",
    "sentence": "toolkit.report.tables",
    "DecisionLog": "toolkit.report.decision_log",
    "read_decision_log": "toolkit.report.decision_log",
    "show_figure": "toolkit.report.charts",
    "setup_notebook": "toolkit.report.notebook",
    "execute_notebooks": "toolkit.report.notebook",
    "UpdateConfig": "toolkit.report.update_config",
    "load_update_config": "toolkit.report.update_config",
    "demo_update_config": "toolkit.report.update_config",
    "prepare_update": "toolkit.report.update",
    "build_update": "toolkit.report.update",
    "build_demo_update": "toolkit.report.update",
}


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)


__all__ = sorted(_EXPORTS)
