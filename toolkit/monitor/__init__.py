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
from toolkit.monitor.spc import spc

_EXPORTS = {
    "DEFAULT_PER": "toolkit.monitor.series",
    "FREQUENCIES": "toolkit.monitor.series",
    "IMPROVEMENTS": "toolkit.monitor.series",
    "period_label": "toolkit.monitor.series",
    "read_series": "toolkit.monitor.series",
    "validate_series": "toolkit.monitor.series",
    "POINT_TYPES": "toolkit.monitor.spc",
    "SPCResult": "toolkit.monitor.spc",
    "SPCWarning": "toolkit.monitor.spc",
    "FollowUp": "toolkit.monitor.follow",
    "follow_priorities": "toolkit.monitor.follow",
    "agreed_priorities": "toolkit.monitor.follow",
    "make_demo_series": "toolkit.monitor.demo",
    "demo_ambitions": "toolkit.monitor.demo",
    "CHANGE_WORDS": "toolkit.monitor.moved",
    "what_moved": "toolkit.monitor.moved",
    "POINT_STYLES": "toolkit.monitor.charts",
    "describe_spc": "toolkit.monitor.charts",
    "format_value": "toolkit.monitor.charts",
    "icon_labels": "toolkit.monitor.charts",
    "spc_chart": "toolkit.monitor.charts",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, eager=("spc",))


__all__ = [*_EXPORTS, "spc"]
