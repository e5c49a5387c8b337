"""Read a workshop's decision log (the CSV or JSON export of the submission store).

The workshop app (:mod:`toolkit.workshop`) keeps every submission of every table in an
append-only store and exports it in three forms, all of which this module reads:

- the plain CSV a facilitator downloads (``SubmissionStore.decision_log_csv``): headings
  in words ("Table", "Group", "Round", "Submitted at (UTC)", "Replaced by a later
  submission", "Shortlist", "Dots", one "Weight: <criterion>" column per criterion), text
  cells that could pass for a spreadsheet formula protected by a leading ``'``;
- the flat CSV of earlier versions (``table``, ``role``, ``superseded``, ``shortlist``,
  ``dots``, a ``weight_<criterion>`` column per criterion and, from rounds on, ``round``);
- the JSON document, whose ``submissions`` carry the same facts with the weights,
  shortlist and dot votes as given (and ``round`` from rounds on).

A submission without a round belongs to round 1. The board report uses each table's
latest submission in the last round; earlier rounds are kept to show what changed, and
submissions replaced by a later one of the same table in the same round are counted, not
dropped silently. When a log says a table was removed (a typo, say) or merged into
another ("Table status" column, or ``status`` in JSON: "removed", "merged into Table 3"),
a removed table's submissions are left out (and counted) and a merged table's count as
its target's when the target has none later in the round, as in the workshop itself.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import DataContractError
from toolkit.report._room_record import recorded_list_differs, room_settings

#: Prefix of the weight columns in the flat CSV export.
WEIGHT_PREFIX = "weight_"

#: Prefix of the weight headings in the plain CSV export ("Weight: <criterion>").
PLAIN_WEIGHT_PREFIX = "weight:"

#: Columns every flat CSV decision log has.
_CSV_COLUMNS = ("table", "role", "superseded", "shortlist")

#: Characters that make a spreadsheet read a cell as a formula; the plain CSV export puts
#: a ``'`` before a cell starting with one of them, which the reader takes off again.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Words for "yes" and "no" in the superseded column.
_YES_NO = {"true": True, "false": False, "yes": True, "no": False}

#: Columns of :attr:`DecisionLog.history`.
_HISTORY_COLUMNS = ("round", "table", "role", "shortlist", "dots")


@dataclass(frozen=True, eq=False)
class DecisionLog:
    """A workshop's counted submissions: each table's latest in each round.

    Attributes
    ----------
    workshop : str
        The workshop's name.
    weights : pandas.DataFrame
        One row per table of the last round (in the order of ``tables``), one column per
        criterion as the log names it: the weights the table chose, as given (missing
        where the table gave none).
    tables : pandas.DataFrame
        One row per table of the last round, in natural order ("Table 2" before "Table
        10"): ``table``, ``role`` (the table's stakeholder group), ``shortlist`` (list of
        candidate ids, or of labels from a plain CSV) and ``dots`` (mapping of candidate to
        dots; empty when none).
    superseded : int
        Submissions replaced by a later one from the same table in the same round (not
        used).
    source : str
        The file's name.
    settings : dict
        The settings the room used (``method``, ``shortlist_size``, ``per_cohort``,
        ``aggregation``) as the JSON log records them; empty for a CSV log.
    rounds : tuple of int
        The rounds with submissions, in order.
    history : pandas.DataFrame
        Each table's latest submission in every round: ``round``, ``table``, ``role``,
        ``shortlist``, ``dots``; by round, then tables in natural order.
    history_weights : pandas.DataFrame
        The weights of ``history``'s rows (same row order, columns as ``weights``).
    removed : int
        Submissions of tables the facilitator removed (left out).
    recorded : dict of int to dict
        The room's result the workshop recorded as each round closed, by round:
        ``shortlist`` (candidate ids from a JSON log; labels, or ids, from the
        facilitator's CSV) and ``settings`` (``method``, ``per_cohort``, ``aggregation``,
        ``shortlist_size``, as far as the log says them). Empty for a log of a workshop
        that recorded none.
    """

    workshop: str
    weights: pd.DataFrame
    tables: pd.DataFrame
    superseded: int
    source: str
    settings: dict = field(default_factory=dict)
    rounds: tuple[int, ...] = (1,)
    history: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_HISTORY_COLUMNS))
    history_weights: pd.DataFrame = field(default_factory=pd.DataFrame)
    removed: int = 0
    recorded: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A log built from ``weights`` and ``tables`` alone (one round) has them as history.
        if self.history.empty and len(self.tables):
            history = self.tables.reindex(columns=["table", "role", "shortlist", "dots"])
            history.insert(0, "round", np.full(len(history), self.rounds[-1], dtype=np.int64))
            object.__setattr__(self, "history", history.reset_index(drop=True))
            object.__setattr__(self, "history_weights", self.weights.reset_index(drop=True))

    @property
    def last_round(self) -> int:
        """The last round with submissions."""
        return self.rounds[-1]

    def _round_rows(self, round: int | None, *, caller: str) -> np.ndarray:
        """Return a mask of the history rows of ``round`` (None: the last round)."""
        chosen = self.last_round if round is None else round
        if isinstance(chosen, bool) or not isinstance(chosen, int | np.integer):
            raise TypeError(
                f"The 'round' parameter of {caller} must be an int or None. Got {round!r} instead."
            )
        if chosen not in self.rounds:
            raise ValueError(
                f"The 'round' parameter of {caller} must be one of the log's rounds "
                f"{list(self.rounds)}. Got {chosen} instead."
            )
        return (self.history["round"] == chosen).to_numpy()

    def match_criteria(self, criteria: Sequence[Any]) -> dict[str, str | None]:
        """Match criteria to the log's weight columns.

        A column matches a criterion when it is the criterion's name or, ignoring case,
        spaces and underscores, its name, label or description (the plain CSV heads its
        weight columns with the criterion's words).

        Parameters
        ----------
        criteria : sequence of str or Criterion
            The criteria wanted.

        Returns
        -------
        dict of str to str or None
            Criterion name -> the log's column holding its weights (None when no column
            matches).
        """
        columns = [str(column) for column in self.history_weights.columns]
        free = list(columns)
        result: dict[str, str | None] = {}
        for criterion in criteria:
            name = criterion if isinstance(criterion, str) else str(criterion.name)
            keys = [name]
            if not isinstance(criterion, str):
                phrase = getattr(criterion, "phrase", None)
                keys += [
                    key
                    for key in (
                        getattr(criterion, "label", None),
                        phrase,
                        getattr(criterion, "description", None),
                    )
                    if key
                ]
            found = name if name in free else None
            if found is None:
                wanted = {_plain(key) for key in keys}
                found = next((column for column in free if _plain(column) in wanted), None)
            if found is not None:
                free.remove(found)
            result[name] = found
        return result

    def latest(
        self, criteria: Sequence[Any] | None = None, round: int | None = None
    ) -> pd.DataFrame:
        """Return the tables' weights in a round as ``SubmissionStore.latest`` gives them.

        Parameters
        ----------
        criteria : sequence of str or Criterion, optional
            The criteria wanted, in order, matched to the log's columns as
            :meth:`match_criteria` does; a criterion the log lacks gets weight 0 (no table
            weighed it). By default the log's own columns.
        round : int, optional
            The round; by default the last.

        Returns
        -------
        pandas.DataFrame
            ``table``, ``role`` and a ``weight_<criterion>`` column per criterion, one row
            per table that submitted in the round (what
            :func:`toolkit.prioritise.room_consensus` takes).

        Raises
        ------
        ValueError
            When the log has no such round.
        """
        mask = self._round_rows(round, caller="latest")
        rows = self.history.loc[mask].reset_index(drop=True)
        weights = self.history_weights.loc[mask].reset_index(drop=True)
        if criteria is None:
            names = [str(column) for column in weights.columns]
            matched: dict[str, str | None] = {name: name for name in names}
        else:
            matched = self.match_criteria(list(criteria))
            names = list(matched)
        chosen = pd.DataFrame(
            {
                WEIGHT_PREFIX + name: (
                    weights[column].astype("float64")
                    if column is not None
                    else pd.Series(np.zeros(len(rows)), dtype="float64")
                )
                for name, column in matched.items()
            },
            index=rows.index,
        )
        return pd.concat([rows[["table", "role"]], chosen.fillna(0.0)], axis=1)

    def dot_votes(self, round: int | None = None) -> pd.DataFrame:
        """Return the dot votes in a round: ``table``, ``candidate``, ``dots``.

        Parameters
        ----------
        round : int, optional
            The round; by default the last.

        Returns
        -------
        pandas.DataFrame
            One row per table and candidate with dots (empty from a flat CSV log, which
            keeps only each table's total).
        """
        mask = self._round_rows(round, caller="dot_votes")
        rows = self.history.loc[mask]
        records = [
            (table, candidate, int(count))
            for table, dots in zip(rows["table"], rows["dots"], strict=True)
            for candidate, count in dots.items()
        ]
        frame = pd.DataFrame(records, columns=["table", "candidate", "dots"])
        return frame.astype({"table": "object", "candidate": "object", "dots": "int64"})


def _plain(text: object) -> str:
    """Text for matching: lower case, underscores as spaces, single spaces."""
    return " ".join(str(text).replace("_", " ").casefold().split())


def _natural_key(text: str) -> tuple:
    """Sort key putting "Table 2" before "Table 10"."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.split(r"(\d+)", str(text))
    )


def _unguard(value: object) -> str:
    """Take off the ``'`` the export puts before a cell that could pass for a formula."""
    text = "" if value is None else str(value)
    if len(text) > 1 and text[0] == "'" and text[1] in _FORMULA_STARTS:
        return text[1:]
    return text


def _fail(source: Path, message: str) -> DataContractError:
    return DataContractError(f"{source}: {message}", source=str(source))


def _rounds_column(values: pd.Series | None, count: int, source: Path) -> np.ndarray:
    """Return the rounds as ints (1 where absent), refusing anything but whole numbers >= 1."""
    if values is None:
        return np.ones(count, dtype=np.int64)
    text = values.map(_unguard).str.strip()
    numbers = pd.to_numeric(text.where(text != "", "1"), errors="coerce")
    bad = numbers.isna() | (numbers < 1) | (numbers % 1 != 0)
    if bad.any():
        rows = (np.flatnonzero(bad.to_numpy()) + 2)[:5].tolist()
        raise _fail(source, f"the round must be a whole number from 1 (lines {rows}).")
    return numbers.to_numpy(dtype=np.int64)


def _parse_dots(text: str) -> dict[str, int]:
    """Dots of a plain CSV cell, "Frailty: 2; Falls: 1" (a bare total gives none by candidate)."""
    dots: dict[str, int] = {}
    for item in text.split(";"):
        found = re.fullmatch(r"\s*(.+?)\s*(?::\s*|\(\s*)(\d+)\s*\)?\s*", item)
        if found:
            dots[found.group(1)] = dots.get(found.group(1), 0) + int(found.group(2))
    return dots


def _column(frame: pd.DataFrame, *names: str) -> str | None:
    """Return the first of the headings ``names`` the frame has, ignoring case."""
    lookup = {_plain(column): column for column in frame.columns}
    return next((lookup[_plain(name)] for name in names if _plain(name) in lookup), None)


def _from_csv(source: Path) -> tuple[pd.Series | None, pd.DataFrame, pd.DataFrame]:
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    frame.columns = [_unguard(column) for column in frame.columns]
    plain_weights = [c for c in frame.columns if _plain(c).startswith(PLAIN_WEIGHT_PREFIX)]
    if _column(frame, "Table") == "Table" or (plain_weights and "table" not in frame.columns):
        return _from_plain_csv(source, frame, plain_weights)
    missing = [column for column in _CSV_COLUMNS if column not in frame.columns]
    weight_columns = [c for c in frame.columns if str(c).startswith(WEIGHT_PREFIX)]
    if missing or not weight_columns:
        raise _fail(
            source,
            "not a workshop decision log: it needs either the columns "
            f"{list(_CSV_COLUMNS)} and at least one '{WEIGHT_PREFIX}<criterion>' column "
            f"(missing: {missing}), or the headings 'Table' and 'Weight: <criterion>' of "
            "the facilitator's download.",
        )
    superseded = frame["superseded"].str.strip().str.lower().map(_YES_NO)
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
            "round": _rounds_column(frame.get("round"), len(frame), source),
            "shortlist": pd.Series(shortlists, dtype="object"),
            "dots": pd.Series([{} for _ in range(len(frame))], dtype="object"),
            "status": _status_column(frame, len(frame)),
            "order": _order_column(frame, "submission_id", "submitted_at"),
        }
    )
    names = frame["workshop"].astype("object") if "workshop" in frame.columns else None
    return names, tables, weights


def _status_column(frame: pd.DataFrame, count: int) -> pd.Series:
    column = _column(frame, "Table status", "status")
    if column is None:
        return pd.Series([""] * count, dtype="object")
    return frame[column].map(_unguard).str.strip().astype("object")


def _order_column(frame: pd.DataFrame, id_column: str, time_column: str) -> np.ndarray:
    """Return a sort key putting submissions in the order they were made.

    By submission id when the log has one, else by the time submitted when every row has
    one, else the order of the file.
    """
    count = len(frame)
    column = _column(frame, id_column)
    if column is not None:
        ids = pd.to_numeric(frame[column], errors="coerce")
        if ids.notna().all():
            return ids.to_numpy(dtype="float64")
    column = _column(frame, time_column)
    if column is not None:
        times = pd.to_datetime(frame[column].map(_unguard), errors="coerce", utc=True)
        if times.notna().all() and count:
            return (times - times.min()).dt.total_seconds().to_numpy(dtype="float64")
    return np.arange(count, dtype="float64")


def _from_plain_csv(
    source: Path, frame: pd.DataFrame, weight_columns: list[str]
) -> tuple[pd.Series | None, pd.DataFrame, pd.DataFrame]:
    """Read the facilitator's download: headings in words, formulas guarded."""
    table = _column(frame, "Table")
    shortlist = _column(frame, "Shortlist")
    if table is None or not weight_columns:
        raise _fail(
            source,
            "not a workshop decision log: the facilitator's download has a 'Table' column "
            "and a 'Weight: <criterion>' column per criterion.",
        )
    group = _column(frame, "Group", "Role")
    replaced = _column(frame, "Replaced by a later submission", "superseded")
    if replaced is not None:
        flags = frame[replaced].map(_unguard).str.strip().str.lower()
        bad = ~flags.isin([*_YES_NO, ""])
        if bad.any():
            rows = (np.flatnonzero(bad.to_numpy()) + 2)[:5].tolist()
            raise _fail(source, f"column '{replaced}' must be Yes or No (lines {rows}).")
    weights = frame[weight_columns].apply(lambda column: pd.to_numeric(column, errors="coerce"))
    weights.columns = [str(c).split(":", 1)[1].strip() for c in weight_columns]
    dots = _column(frame, "Dots")
    count = len(frame)
    tables = pd.DataFrame(
        {
            "table": frame[table].map(_unguard).str.strip().astype("object"),
            "role": (
                frame[group].map(_unguard).str.strip().astype("object")
                if group is not None
                else pd.Series([""] * count, dtype="object")
            ),
            "round": _rounds_column(
                frame[_column(frame, "Round")] if _column(frame, "Round") else None,
                count,
                source,
            ),
            "shortlist": pd.Series(
                [
                    [item.strip() for item in _unguard(text).split(";") if item.strip()]
                    for text in (frame[shortlist] if shortlist else [""] * count)
                ],
                dtype="object",
            ),
            "dots": pd.Series(
                [_parse_dots(_unguard(text)) for text in (frame[dots] if dots else [""] * count)],
                dtype="object",
            ),
            "status": _status_column(frame, count),
            "order": _order_column(frame, "Submission", "Submitted at (UTC)"),
        }
    )
    workshop = _column(frame, "Workshop")
    names = frame[workshop].map(_unguard).astype("object") if workshop is not None else None
    return names, tables, weights


def _settings_of(source: Path) -> dict:
    """Return the room's settings recorded in a JSON log (empty for CSV or an older log)."""
    if source.suffix.lower() != ".json":
        return {}
    settings = json.loads(source.read_text(encoding="utf-8")).get("settings") or {}
    if not isinstance(settings, dict):
        raise _fail(source, "'settings' must be a mapping of setting to value.")
    return dict(settings)


#: The facilitator's CSV columns of the room's result recorded as a round closed (the
#: workshop store's ``decision_log_csv``): its list, agreement, combination and length.
_ROOM_LIST, _ROOM_COMBINED, _ROOM_LENGTH = (
    "Room's list when the round closed",
    "Room's list: tables' weights combined by",
    "Room's list length",
)


def _recorded_of(source: Path, workshop: str | None = None) -> dict[int, dict]:
    """Return the room's results recorded as rounds closed, by round (empty if none).

    From a JSON log's ``room_results``, or the facilitator's CSV's "Room's list ..."
    columns (the first row of a round that has them; of ``workshop`` only, when the CSV
    names its workshop on each row). A CSV's list is also kept as written (``text``): a
    label may itself hold the "; " that joins the list.
    """
    from toolkit.prioritise.consensus import AGGREGATION_LABELS

    recorded: dict[int, dict] = {}
    if source.suffix.lower() == ".json":
        results = json.loads(source.read_text(encoding="utf-8")).get("room_results") or []
        for result in results if isinstance(results, list) else []:
            if not isinstance(result, dict) or not isinstance(result.get("shortlist"), list):
                continue
            settings = result.get("settings") if isinstance(result.get("settings"), dict) else {}
            recorded[int(result.get("round", 1))] = {
                "shortlist": [str(item.get("id")) for item in result["shortlist"]],
                "settings": {
                    key: settings[key]
                    for key in ("method", "per_cohort", "aggregation", "shortlist_size")
                    if key in settings
                },
            }
        return recorded
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    frame.columns = [_unguard(column) for column in frame.columns]
    listed, rounds = _column(frame, _ROOM_LIST), _column(frame, "Round")
    if listed is None:
        return recorded
    named = _column(frame, "Workshop")
    if workshop is not None and named is not None:
        frame = frame[frame[named].map(_unguard) == workshop]
    by_label = {label: name for name, label in AGGREGATION_LABELS.items()}
    combined, length = _column(frame, _ROOM_COMBINED), _column(frame, _ROOM_LENGTH)
    for _, row in frame.iterrows():
        text = _unguard(row[listed]).strip()
        number = int(row[rounds]) if rounds is not None and str(row[rounds]).strip() else 1
        if not text or number in recorded:
            continue
        settings: dict[str, Any] = {}
        if combined is not None and _unguard(row[combined]).strip() in by_label:
            settings["aggregation"] = by_label[_unguard(row[combined]).strip()]
        if length is not None and str(row[length]).strip().isdigit():
            settings["shortlist_size"] = int(row[length])
        recorded[number] = {
            "shortlist": [item.strip() for item in text.split(";") if item.strip()],
            "text": text,
            "settings": settings,
        }
    return recorded


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
    rounds = pd.Series([str(r.get("round", "") or "") for r in records], dtype="object")
    ids = [r.get("submission_id") for r in records]
    order = (
        np.array(ids, dtype="float64")
        if all(isinstance(i, int | float) and not isinstance(i, bool) for i in ids)
        else np.arange(len(records), dtype="float64")
    )
    tables = pd.DataFrame(
        {
            "table": pd.Series([str(r["table"]) for r in records], dtype="object"),
            "role": pd.Series(
                [str(r.get("role") or r.get("group") or "") for r in records], dtype="object"
            ),
            "round": _rounds_column(rounds, len(records), source),
            "shortlist": pd.Series([list(r["shortlist"]) for r in records], dtype="object"),
            "dots": pd.Series([dict(r.get("dots") or {}) for r in records], dtype="object"),
            "status": pd.Series([str(r.get("status") or "") for r in records], dtype="object"),
            "order": order,
        }
    )
    return document.get("workshop"), tables, weights


def _counted(tables: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, int]:
    """Apply removals and merges; return the counted tables, the latest mask and removals.

    A removed table's submissions are left out; a table merged into another counts under
    the other's name, so that its latest submission counts for the target when the target
    has none later in the round.
    """
    status = tables["status"].astype(str).str.strip()
    removed = status.str.lower().eq("removed").to_numpy()
    merged = status.str.extract(r"(?i)^merged into\s+(.+)$")[0]
    names = np.where(merged.notna(), merged.fillna(""), tables["table"].astype(str))
    keys = pd.DataFrame(
        {"round": tables["round"].to_numpy(), "table": names, "order": tables["order"]}
    )
    keys = keys.assign(position=np.arange(len(keys)))
    kept = keys.loc[~removed].sort_values(["order", "position"], kind="stable")
    last = kept.drop_duplicates(["round", "table"], keep="last")["position"].to_numpy()
    latest = np.zeros(len(tables), dtype=bool)
    latest[last] = True
    return names.astype(object), latest, int(removed.sum())


def the_workshop(name: str) -> str:
    """Name a workshop in a sentence: "the 'Spring' workshop", but "the 'North workshop'".

    Parameters
    ----------
    name : str
        The workshop's name, as the decision log records it.

    Returns
    -------
    str
        The name with "the", and "workshop" after it unless the name ends with it.
    """
    if name.strip().lower().endswith("workshop"):
        return f"the '{name}'"
    return f"the '{name}' workshop"


def room_answer(
    log: DecisionLog, priorities: Any, *, round: int | None = None, settings_of: int | None = None
) -> Any:
    """Return the room's answer: the consensus of the tables' latest weights in a round.

    The answer as the room saw it: scored with the settings the decision log recorded
    (method, shortlist size, one per theme, how the tables' weights are combined), else
    the prioritisation's, on the prioritisation's candidates and criteria. Dot votes
    named by label are matched to their candidates. The board report's workshop section
    and the quarterly update (priorities from the decision log) both use it.

    Parameters
    ----------
    log : DecisionLog
        From :func:`read_decision_log`.
    priorities : toolkit.prioritise.Prioritisation
        The prioritisation the workshop weighed (its candidates, criteria and scoring).
    round : int, optional
        The round; the last by default.
    settings_of : int, optional
        The round whose recorded settings to use (to compare two rounds as one list was
        made); by default ``round``'s own. The list is checked against the recorded one
        only when they are the same round.

    Returns
    -------
    toolkit.prioritise.consensus.RoomConsensus
        The room's shortlist (``shortlist_ids``), each table's, agreement and dots.

    Raises
    ------
    ValueError
        The tables weighed a criterion the candidates were not scored on here (such as
        ``community_voice`` without the filled criteria template): their answer cannot be
        rebuilt.
    """
    from toolkit.prioritise.consensus import room_consensus

    criteria = list(priorities.criteria)
    number = log.last_round if round is None else round
    made = number if settings_of is None else settings_of
    settings = room_settings(log, made)  # as the list was made when the round closed
    model = priorities.scoring
    if settings.get("method", model.method) != model.method:
        from toolkit.prioritise import ScoringModel

        model = ScoringModel(model.table, criteria=criteria, method=settings["method"])
    labels = dict(
        zip(priorities.candidates["candidate"], priorities.candidates["label"], strict=True)
    )
    ids_by_label = {str(label): candidate for candidate, label in labels.items()}
    # A criterion the room weighed that these candidates were not scored on would be
    # dropped, and the room's answer silently changed: refuse, saying what to give.
    used = {column for column in log.match_criteria(criteria).values() if column is not None}
    everything = log.latest(None, round=number)
    lacking = [
        column.removeprefix(WEIGHT_PREFIX)
        for column in everything.columns
        if column.startswith(WEIGHT_PREFIX)
        and column.removeprefix(WEIGHT_PREFIX) not in used
        and (everything[column].fillna(0) != 0).any()
    ]
    if lacking:
        raise ValueError(
            f"The decision log of {the_workshop(log.workshop)} weighs "
            f"{', '.join(map(repr, lacking))}, which the candidates were not scored on here "
            f"(their criteria: {', '.join(str(c.name) for c in criteria)}). Score them as the "
            "workshop's were: give the filled criteria template (criteria_scores) and the "
            "themes the workshop had."
        )
    votes = log.dot_votes(number)
    votes = votes.assign(
        candidate=[
            candidate if candidate in labels else ids_by_label.get(str(candidate), candidate)
            for candidate in votes["candidate"]
        ]
    )
    room = room_consensus(
        log.latest(criteria, round=number),
        model=model,
        size=int(settings.get("shortlist_size", priorities.settings["size"])),
        per_cohort=settings.get("per_cohort", priorities.settings["per_cohort"]),
        aggregation=settings.get("aggregation", "arithmetic_mean"),
        dot_votes=votes,
    )
    # With another round's settings the list is not the one recorded: nothing to compare.
    listed = room.shortlist_ids
    differs = recorded_list_differs(log, number, listed, labels) if made == number else None
    if differs is not None:
        warnings.warn(
            f"The room's list worked out from the decision log of {the_workshop(log.workshop)}"
            f" ({'; '.join(str(labels.get(c, c)) for c in listed)}) is not the "
            f"list recorded when round {number} closed ({differs}): give the candidates, "
            "criteria scores and themes the workshop had (the report says so too).",
            UserWarning,
            stacklevel=2,
        )
    return room


def read_decision_log(path: str | Path, *, workshop: str | None = None) -> DecisionLog:
    """Read a workshop decision log exported by the submission store (CSV or JSON).

    Parameters
    ----------
    path : str or Path
        The ``.csv`` (the facilitator's download, or the flat export) or ``.json`` export.
    workshop : str, optional
        The workshop to keep when a CSV log holds several; by default the log must hold
        one.

    Returns
    -------
    DecisionLog
        Each table's latest submission in every round (replaced ones counted in
        ``superseded``), the last round's in ``tables`` and ``weights``.

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
                tables = tables[keep].reset_index(drop=True)
                weights = weights[keep].reset_index(drop=True)
                name = workshop
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
    counted_names, latest, removed = _counted(tables)
    if not latest.any():
        raise _fail(source, "every table in the decision log was removed.")
    bad = weights[latest].lt(0).any(axis=1).to_numpy()
    if bad.any():
        raise _fail(source, "a weight is negative; weights must be 0 or more.")
    history = tables.assign(table=counted_names)[latest].reset_index(drop=True)
    history_weights = weights[latest].reset_index(drop=True)
    order = sorted(
        range(len(history)),
        key=lambda i: (int(history["round"].iloc[i]), _natural_key(history["table"].iloc[i])),
    )
    history = history.iloc[order].reset_index(drop=True)
    history_weights = history_weights.iloc[order].reset_index(drop=True)
    rounds = tuple(sorted(int(value) for value in history["round"].unique()))
    last = (history["round"] == rounds[-1]).to_numpy()
    columns = ["table", "role", "shortlist", "dots"]
    return DecisionLog(
        workshop=str(name or workshop or source.stem),
        weights=history_weights[last].reset_index(drop=True),
        tables=history.loc[last, columns].reset_index(drop=True),
        superseded=int(len(tables) - removed - latest.sum()),
        source=source.name,
        settings=_settings_of(source),
        rounds=rounds,
        history=history[list(_HISTORY_COLUMNS)].astype({"round": "int64"}),
        history_weights=history_weights,
        removed=removed,
        recorded=_recorded_of(source, str(name) if name is not None else workshop),
    )


__all__ = [
    "DecisionLog",
    "read_decision_log",
    "recorded_list_differs",
    "room_answer",
    "the_workshop",
]
