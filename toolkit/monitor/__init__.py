"""Follow agreed priorities over time: indicator series and statistical process control.

- :func:`read_series` and :func:`validate_series` read and check indicator series (one row
  per period and series, from CSV, Parquet or Excel) with the same clear errors as the
  persons and areas tables; :func:`make_demo_series` makes three years of monthly series
  for the demo system.
- :func:`spc` charts each series the NHS England *Making Data Count* way (XmR limits,
  special-cause rules, variation and assurance icons), vectorised over series.
- :func:`follow_priorities` finds the agreed priorities' series and charts them as one
  frozen :class:`FollowUp`; :func:`what_moved` compares the agreed prioritisation with the
  evidence rerun on newer data.
- :func:`spc_chart`, :func:`describe_spc` and :func:`icon_labels` render a chart, a
  plain-English sentence and the icons' words (views: they compute nothing).

Names are imported on first use so that ``import toolkit.monitor`` stays quick.
"""

from __future__ import annotations

from toolkit._lazy import lazy_exports

# Imported now, not on first use: the function shares its name with its module, and a
# submodule imported later would otherwise take the package's attribute ``spc``.
from toolkit.monitor.spc import spc as spc

_EXPORTS = {
    ".series": [
        "DEFAULT_PER",
        "FREQUENCIES",
        "IMPROVEMENTS",
        "period_label",
        "read_series",
        "series_from_snapshots",
        "validate_series",
    ],
    ".spc": ["POINT_TYPES", "SPCResult", "SPCWarning"],
    ".follow": ["FollowUp", "follow_priorities", "agreed_priorities"],
    ".demo": ["make_demo_series", "demo_ambitions"],
    ".moved": ["CHANGE_WORDS", "what_moved"],
    ".charts": ["POINT_STYLES", "describe_spc", "format_value", "icon_labels", "spc_chart"],
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS, eager=("spc",))
