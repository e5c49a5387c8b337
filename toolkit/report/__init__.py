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
  priorities followed period by period (:mod:`toolkit.monitor`) and what would move on newer
  data; :func:`build_demo_update` builds the demo's.

Names are imported on first use so that ``import toolkit.report`` stays quick.
"""

from __future__ import annotations

from toolkit._lazy import lazy_exports

_EXPORTS = {
    ".config": ["ReportConfig", "load_config", "demo_config"],
    ".build": ["ReportResult", "build_report", "build_demo_report", "export_html", "print_pdf"],
    ".inputs": ["ReportInputs", "load_inputs"],
    ".figures": ["BoardFigures", "board_figures", "compute_board_figures"],
    ".disclosure": ["suppress_counts", "find_small_counts"],
    ".tables": [
        "BoardTable",
        "BoardText",
        "TableColumn",
        "Count",
        "board_table",
        "add_total_row",
        "disclose",
        "sentence",
    ],
    ".decision_log": ["DecisionLog", "read_decision_log"],
    ".charts": ["show_figure"],
    ".notebook": ["setup_notebook", "execute_notebooks"],
    ".update_config": ["UpdateConfig", "load_update_config", "demo_update_config"],
    ".update": ["prepare_update", "build_update", "build_demo_update"],
}


__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
