"""Read a workshop's decision log (the CSV or JSON export of the submission store).

The workshop app (:mod:`toolkit.workshop`) keeps every submission of every table in an
append-only store and exports it with ``SubmissionStore.export``: a CSV with one row per
submission (``table``, ``role``, ``superseded``, ``shortlist``, ``dots`` and a
``weight_<criterion>`` column per criterion), or a JSON document whose ``submissions``
carry the same facts with the weights, shortlist and dot votes as given. The board report
uses each table's latest submission; superseded ones are counted, not dropped silently.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.errors import DataContractError

#: Prefix of the weight columns in the CSV export.
WEIGHT_PREFIX = "weight_"

#: Columns every CSV decision log has.
_CSV_COLUMNS = ("table", "role", "superseded", "shortlist")


@dataclass(frozen=True, eq=False)
class DecisionLog:
    """A workshop's latest submissions, one per table.

    Attributes
    ----------
    workshop : str
        The workshop's name.
    weights : pandas.DataFrame
        One row per table (in the order of ``tables``), one column per criterion: the
        weights the table chose, as given (missing where the table gave none).
    tables : pandas.DataFrame
        One row per table, in natural order ("Table 2" before "Table 10"): ``table``,
        ``role``, ``shortlist`` (list of candidate ids) and ``dots`` (mapping of candidate
        id to dots; empty when none).
    superseded : int
        Earlier submissions replaced by a later one from the same table (not used).
    source : str
        The file's name.
    settings : dict
        The settings the room used (``method``, ``shortlist_size``, ``per_cohort``,
        ``aggregation``) as the JSON log records them; empty for a CSV log.
    """

    workshop: str
    weights: pd.DataFrame
    tables: pd.DataFrame
    superseded: int
    source: str
    settings: dict = field(default_factory=dict)

    def latest(self, criteria: list[str] | None = None) -> pd.DataFrame:
        """Return the tables' weights as ``SubmissionStore.latest`` gives them.

        Parameters
        ----------
        criteria : list of str, optional
            The criteria wanted, in order; a criterion the log lacks gets weight 0 (no
            table weighed it). By default the log's own criteria.

        Returns
        -------
        pandas.DataFrame
            ``table``, ``role`` and a ``weight_<criterion>`` column per criterion, one row
            per table (what :func:`toolkit.workshop.room_consensus` takes).
        """
        names = list(self.weights.columns) if criteria is None else list(criteria)
        weights = self.weights.reindex(columns=names).fillna(0.0)
        weights.columns = [WEIGHT_PREFIX + name for name in names]
        return pd.concat([self.tables[["table", "role"]], weights], axis=1)

    def dot_votes(self) -> pd.DataFrame:
        """Return the dot votes: ``table``, ``candidate``, ``dots`` (empty from a CSV log)."""
        records = [
            (table, candidate, int(count))
            for table, dots in zip(self.tables["table"], self.tables["dots"], strict=True)
            for candidate, count in dots.items()
        ]
        frame = pd.DataFrame(records, columns=["table", "candidate", "dots"])
        return frame.astype({"table": "object", "candidate": "object", "dots": "int64"})


def _natural_key(text: str) -> tuple:
    """Sort key putting "Table 2" before "Table 10"."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.split(r"(\d+)", str(text))
    )


def _fail(source: Path, message: str) -> DataContractError:
    return DataContractError(f"{source}: {message}", source=str(source))


def _from_csv(source: Path) -> tuple[pd.Series | None, pd.DataFrame, pd.DataFrame]:
    frame = pd.read_csv(source, dtype={"table": "object", "role": "object"}, keep_default_na=False)
    missing = [column for column in _CSV_COLUMNS if column not in frame.columns]
    weight_columns = [c for c in frame.columns if str(c).startswith(WEIGHT_PREFIX)]
    if missing or not weight_columns:
        raise _fail(
            source,
            f"not a workshop decision log: it needs the columns {list(_CSV_COLUMNS)} and at "
            f"least one '{WEIGHT_PREFIX}<criterion>' column (missing: {missing}).",
        )
    superseded = frame["superseded"].astype(str).str.lower().map({"true": True, "false": False})
    if superseded.isna().any():
        rows = (np.flatnonzero(superseded.isna().to_numpy()) + 2)[:5].tolist()
        raise _fail(source, f"column 'superseded' must be True or False (lines {rows}).")
    weights = frame[weight_columns].apply(pd.to_numeric, errors="coerce")
    weights.columns = [str(c)[len(WEIGHT_PREFIX) :] for c in weight_columns]
    shortlists = [
        [item.strip() for item in str(text).split(";") if item.strip()]
        for text in frame["shortlist"]
    ]
    tables = pd.DataFrame(
        {
            "table": frame["table"].astype("object"),
            "role": frame["role"].astype("object"),
            "shortlist": pd.Series(shortlists, dtype="object"),
            "dots": pd.Series([{} for _ in range(len(frame))], dtype="object"),
            "superseded": superseded.astype(bool).to_numpy(),
        }
    )
    names = frame["workshop"].astype("object") if "workshop" in frame.columns else None
    return names, tables, weights


def _settings_of(source: Path) -> dict:
    """Return the room's settings recorded in a JSON log (empty for CSV or an older log)."""
    if source.suffix.lower() != ".json":
        return {}
    settings = json.loads(source.read_text(encoding="utf-8")).get("settings") or {}
    if not isinstance(settings, dict):
        raise _fail(source, "'settings' must be a mapping of setting to value.")
    return dict(settings)


def _from_json(source: Path) -> tuple[str | None, pd.DataFrame, pd.DataFrame]:
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise _fail(source, f"not valid JSON ({error}).") from None
    if not isinstance(document, dict) or not isinstance(document.get("submissions"), list):
        raise _fail(source, "not a workshop decision log: it has no 'submissions' list.")
    records = document["submissions"]
    needed = ("table", "weights", "shortlist", "superseded")
    for number, record in enumerate(records, 1):
        if not isinstance(record, dict) or any(key not in record for key in needed):
            raise _fail(source, f"submission {number} lacks one of {list(needed)}.")
    weights = pd.DataFrame([record["weights"] for record in records], dtype="float64")
    tables = pd.DataFrame(
        {
            "table": pd.Series([str(r["table"]) for r in records], dtype="object"),
            "role": pd.Series([str(r.get("role", "")) for r in records], dtype="object"),
            "shortlist": pd.Series([list(r["shortlist"]) for r in records], dtype="object"),
            "dots": pd.Series([dict(r.get("dots") or {}) for r in records], dtype="object"),
            "superseded": np.array([bool(r["superseded"]) for r in records], dtype=bool),
        }
    )
    return document.get("workshop"), tables, weights


def read_decision_log(path: str | Path, *, workshop: str | None = None) -> DecisionLog:
    """Read a workshop decision log exported by the submission store (CSV or JSON).

    Parameters
    ----------
    path : str or Path
        The ``.csv`` or ``.json`` export.
    workshop : str, optional
        The workshop to keep when a CSV log holds several; by default the log must hold
        one.

    Returns
    -------
    DecisionLog
        Each table's latest submission (superseded ones counted in ``superseded``).

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    DataContractError
        The file is not a decision log, or holds no submission.
    """
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"{source}: no such decision log.")
    suffix = source.suffix.lower()
    if suffix == ".csv":
        names, tables, weights = _from_csv(source)
        name = None
        if names is not None:
            found = list(dict.fromkeys(names.astype(str)))
            if workshop is not None:
                keep = (names.astype(str) == workshop).to_numpy()
                if not keep.any():
                    raise _fail(source, f"no submission of workshop {workshop!r} (found {found}).")
                tables, weights, name = tables[keep], weights[keep], workshop
            elif len(found) > 1:
                raise _fail(
                    source,
                    f"the log holds several workshops ({found}); name one with 'workshop'.",
                )
            elif found:
                name = found[0]
    elif suffix == ".json":
        name, tables, weights = _from_json(source)
    else:
        raise ValueError(
            f"The 'path' parameter of read_decision_log must be a .csv or .json file. "
            f"Got {source.name!r} instead."
        )
    if workshop is not None and name not in (None, workshop):
        raise _fail(source, f"this log is of workshop {name!r}, not {workshop!r}.")
    if not len(tables):
        raise _fail(source, "the decision log holds no submission.")
    latest = ~tables["superseded"].to_numpy(dtype=bool)
    bad = weights[latest].lt(0).any(axis=1).to_numpy()
    if bad.any():
        raise _fail(source, "a weight is negative; weights must be 0 or more.")
    kept = tables[latest].reset_index(drop=True)
    order = sorted(range(len(kept)), key=lambda i: _natural_key(kept["table"].iloc[i]))
    return DecisionLog(
        workshop=str(name or workshop or source.stem),
        weights=weights[latest].reset_index(drop=True).iloc[order].reset_index(drop=True),
        tables=kept.drop(columns="superseded").iloc[order].reset_index(drop=True),
        superseded=int((~latest).sum()),
        source=source.name,
        settings=_settings_of(source),
    )


__all__ = ["DecisionLog", "read_decision_log"]
