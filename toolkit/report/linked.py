"""The board report as one set of linked tables: disclosure control across the whole output.

Within one table, secondary suppression (:func:`toolkit.report.suppress_counts`) stops a
total minus the shown cells revealing a suppressed count. A report shows many tables of the
same people, though: segments, deprivation deciles, places, the headline figures and how
persons matched areas all add up to the same totals, and a place that is one neighbourhood
can hold exactly the people of a decile row. Statistical offices treat such a publication
as one set of linked tables (Hundepool and others, *Statistical Disclosure Control*, Wiley
2012, chapter 4). This module does so:

- Persons are grouped into *atoms*, the finest cross-classification the report's figures are
  sums of (segment x IMD decile x place x how the person matched areas), each holding its
  persons, emergency admissions and deaths.
- Every count the report publishes is a :class:`LinkedCell`: a measure summed over the atoms
  that meet its conditions. Shares published against a shown total (the share of a place's
  people in the most deprived fifth) are registered as *implied* cells, since a share of a
  shown total is a count.
- :meth:`LinkedTables.protect` suppresses counts from 1 to the threshold less one (primary),
  then audits every suppressed cell by linear programming: the smallest and largest value it
  can take given every figure shown (``scipy.optimize.linprog``, HiGHS). A suppressed cell
  whose interval is narrower than one (recovered exactly) or, for a small count, whose
  largest possible value is below the threshold (known to be small) is protected by
  suppressing a further cell (complementary suppression), until none is.
- :func:`feasible_intervals` is the same audit from the reader's side: given the figures a
  report shows (counts and ratios, as rounded on the page), the interval each suppressed
  count must lie in. The report's tests run it on the figures read back from the HTML.

The linear-programming audit is the method of tau-ARGUS's "audit" (a Java program); no
maintained Python library does cell suppression over linked tables, so the bookkeeping is
the toolkit's own code, and the optimisation is SciPy's.

The report's own linked tables (which counts its sections show) are registered by
:func:`link_report` and :func:`link_board_report`, in :mod:`toolkit.report._report_links`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from toolkit.data.contract import DISCLOSURE_THRESHOLD
from toolkit.disclosure import check_threshold
from toolkit.report._report_links import (
    CORE20_DECILES,  # noqa: F401  (importable from here as before)
    OTHER_DECILES,  # noqa: F401
    link_board_report,
    link_report,
    shortlist_acted_on,
    shortlist_cohorts,
)

#: The measures a report's counts are sums of, by atom column.
MEASURES: tuple[str, ...] = ("persons", "emergency_admissions", "deaths")

#: How a person matched the areas table (the join summary's reasons).
JOIN_MATCHED = "matched an area"
JOIN_NOT_IN_AREAS = "have an LSOA the areas table does not have"
JOIN_NO_LSOA = "have no LSOA"
JOIN_REASONS: tuple[str, ...] = (JOIN_MATCHED, JOIN_NOT_IN_AREAS, JOIN_NO_LSOA)

#: The dimensions of the atoms.
DIMENSIONS: tuple[str, ...] = ("segment", "imd_decile", "place", "join")

#: Reasons a cell is suppressed.
PRIMARY = "primary"
COMPLEMENTARY = "complementary"

#: Interval narrower than this is an exact recovery (counts are whole numbers).
_EXACT = 1.0 - 1e-6


@dataclass(frozen=True)
class LinkedCell:
    """One count the report publishes: a measure summed over the atoms meeting conditions.

    Attributes
    ----------
    key : str
        Unique name, ``table/row/measure`` ("segments/end_of_life/persons").
    table : str
        The table (or text) that shows it; cells of one table are tried first when a
        suppressed one needs protecting.
    measure : str
        One of :data:`MEASURES`.
    where : tuple of (str, tuple)
        Conditions: each dimension and the values it may take (all values when absent).
    implied : bool
        True for a count shown only through a share of a shown total.
    implied_by : str, optional
        For an implied count, the share that shows it: the count is published only while
        that share is (and the share is hidden when any count it implies is suppressed).
    """

    key: str
    table: str
    measure: str
    where: tuple[tuple[str, tuple[Any, ...]], ...]
    implied: bool = False
    implied_by: str | None = None


@dataclass(frozen=True)
class LinkedRatio:
    """A figure computed from two published counts: ``numerator / denominator * multiplier``.

    Attributes
    ----------
    key : str
        Unique name.
    numerator, denominator : str
        Keys of the two cells.
    multiplier : float
        1,000 for a rate per 1,000 people, 100 for a percentage.
    decimals : int
        Decimal places shown (of the multiplied value), so that a reader's bounds allow
        for rounding.
    """

    key: str
    numerator: str
    denominator: str
    multiplier: float
    decimals: int

    def shown_decimals(self, value: float) -> int:
        """Decimal places the report shows of ``value``: a rate of 100 or more is whole.

        A rate (a multiplier above 100: per 1,000 people) from 100 up is shown as a whole
        number (:func:`toolkit.report.tables.format_rate`); a percentage keeps its places.
        """
        if self.multiplier > 100 and abs(round(value, self.decimals)) >= 100:
            return 0
        return self.decimals


@dataclass(frozen=True)
class Leak:
    """A suppressed count that the figures shown pin down (:func:`feasible_intervals`)."""

    key: str
    low: float
    high: float
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.key}: {self.reason} (it must lie between {self.low:,.2f} and {self.high:,.2f})"
        )


def report_atoms(
    persons: pd.DataFrame,
    areas: pd.DataFrame,
    *,
    segment: str = "segment",
    cohorts: Mapping[str, np.ndarray] | None = None,
    measures: Sequence[str] = (),
) -> pd.DataFrame:
    """Return persons grouped into the atoms every figure of a board report is a sum of.

    Parameters
    ----------
    persons : pandas.DataFrame
        One row per person after :func:`toolkit.data.join_persons_to_areas` and segment
        assignment: ``segment``, ``imd_decile``, ``place``, ``lsoa``,
        ``emergency_admissions`` and ``died``. Not changed.
    areas : pandas.DataFrame
        The areas table (its ``lsoa`` column says which persons matched).
    segment : str
        Column of the segment.
    cohorts : mapping of str to numpy.ndarray, optional
        Cohorts whose counts the report shows (the shortlist's): each a boolean mask over
        the persons, added as a dimension ``cohort:<name>``.
    measures : sequence of str
        Further columns of ``persons`` to sum (a theme's outcome, such as
        ``emergency_admissions_respiratory``).

    Returns
    -------
    pandas.DataFrame
        One row per combination of ``segment``, ``imd_decile`` (0 when unknown), ``place``
        ("" when unknown), ``join`` (one of :data:`JOIN_REASONS`) and each cohort's
        membership that holds anyone, with ``persons``, ``emergency_admissions``,
        ``deaths`` and ``measures``.
    """
    lsoa = persons["lsoa"].astype("string").str.strip()
    known = set(areas["lsoa"].astype(str).str.strip())
    join = np.where(
        lsoa.isna() | (lsoa == ""),
        JOIN_NO_LSOA,
        np.where(lsoa.isin(known).fillna(False), JOIN_MATCHED, JOIN_NOT_IN_AREAS),
    )
    frame = pd.DataFrame(
        {
            "segment": persons[segment].astype(str).to_numpy(),
            "imd_decile": pd.to_numeric(persons["imd_decile"]).fillna(0).astype("int64").to_numpy(),
            "place": persons["place"].astype("string").fillna("").to_numpy(dtype=object),
            "join": join,
            "persons": 1,
            "emergency_admissions": persons["emergency_admissions"].to_numpy(dtype="int64"),
            "deaths": persons["died"].astype("int64").to_numpy(),
        }
    )
    dimensions = list(DIMENSIONS)
    for name, mask in (cohorts or {}).items():
        column = f"cohort:{name}"
        frame[column] = np.asarray(mask, dtype=bool)
        dimensions.append(column)
    extra = [m for m in dict.fromkeys(measures) if m not in MEASURES]
    for measure in extra:
        frame[measure] = pd.to_numeric(persons[measure]).fillna(0).to_numpy()
    return (
        frame.groupby(dimensions, sort=True, observed=True)[[*MEASURES, *extra]].sum().reset_index()
    )


def _as_values(value: object) -> tuple[Any, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        return (value,)
    return tuple(value)


@dataclass
class LinkedTables:
    """Every count a report publishes, as sums over the same atoms; protected together.

    Parameters
    ----------
    atoms : pandas.DataFrame
        :func:`report_atoms`.
    threshold : int
        Counts from 1 to ``threshold - 1`` are suppressed.
    measures : tuple of str
        The atoms' columns of counts; by default :data:`MEASURES` and any column of the
        atoms that is neither one of them nor a dimension (:data:`DIMENSIONS` or a
        ``cohort:`` membership).

    Examples
    --------
    >>> atoms = pd.DataFrame({"segment": ["a", "b", "c"], "imd_decile": [1, 1, 2],
    ...     "place": ["P", "P", "Q"], "join": [JOIN_MATCHED] * 3,
    ...     "persons": [4, 40, 60], "emergency_admissions": [1, 5, 9], "deaths": [0, 0, 1]})
    >>> tables = LinkedTables(atoms)
    >>> for name in "abc":
    ...     _ = tables.add(f"segments/{name}/persons", "segments", "persons", segment=name)
    >>> _ = tables.add("segments/total/persons", "segments", "persons")
    >>> sorted(tables.protect())
    ['segments/a/persons', 'segments/b/persons']
    """

    atoms: pd.DataFrame
    threshold: int = DISCLOSURE_THRESHOLD
    measures: tuple[str, ...] = ()
    cells: dict[str, LinkedCell] = field(default_factory=dict)
    ratios: dict[str, LinkedRatio] = field(default_factory=dict)
    _members: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _suppressed: dict[str, str] | None = field(default=None, repr=False)
    _hidden: set[str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.threshold = check_threshold(self.threshold, function="LinkedTables")
        missing = [c for c in (*DIMENSIONS, *MEASURES) if c not in self.atoms.columns]
        if missing:
            raise ValueError(f"LinkedTables: the atoms have no column(s) {missing!r}.")
        self.atoms = self.atoms.reset_index(drop=True)
        self.dimensions: tuple[str, ...] = (
            *DIMENSIONS,
            *(c for c in self.atoms.columns if str(c).startswith("cohort:")),
        )
        if not self.measures:
            self.measures = (
                *MEASURES,
                *(c for c in self.atoms.columns if c not in MEASURES and c not in self.dimensions),
            )

    # -- registering what the report shows ---------------------------------------------

    def add(
        self,
        key: str,
        table: str,
        measure: str,
        *,
        implied: bool = False,
        implied_by: str | None = None,
        **where: object,
    ) -> LinkedCell:
        """Register a published count: ``measure`` summed over the atoms meeting ``where``.

        Parameters
        ----------
        key : str
            Unique name of the figure.
        table : str
            The table or text that shows it.
        measure : str
            One of :data:`MEASURES`.
        implied : bool
            Shown only through a share of a shown total.
        implied_by : str, optional
            The key of that share (registered later with :meth:`add_ratio`).
        **where
            Dimension = value, or a collection of values (a ``cohort:`` dimension by
            ``**{"cohort:copd": True}``).

        Returns
        -------
        LinkedCell
            The cell.
        """
        if key in self.cells:
            raise ValueError(f"LinkedTables.add: a cell named {key!r} is already registered.")
        if measure not in self.measures:
            raise ValueError(
                "The 'measure' parameter of LinkedTables.add must be one of "
                f"{list(self.measures)}. Got {measure!r} instead."
            )
        unknown = [name for name in where if name not in self.dimensions]
        if unknown:
            raise ValueError(f"LinkedTables.add: unknown dimension(s) {unknown!r}.")
        conditions = tuple((name, _as_values(value)) for name, value in where.items())
        mask = np.ones(len(self.atoms), dtype=bool)
        for name, values in conditions:
            mask &= self.atoms[name].isin(values).to_numpy()
        cell = LinkedCell(key, table, measure, conditions, implied or bool(implied_by), implied_by)
        self.cells[key] = cell
        self._members[key] = np.flatnonzero(mask)
        self._suppressed = None
        self._hidden = None
        return cell

    def add_ratio(
        self, key: str, numerator: str, denominator: str, *, multiplier: float, decimals: int
    ) -> LinkedRatio:
        """Register a figure computed from two registered counts (a rate or a share)."""
        for name in (numerator, denominator):
            if name not in self.cells:
                raise ValueError(f"LinkedTables.add_ratio: no cell named {name!r}.")
        ratio = LinkedRatio(key, numerator, denominator, float(multiplier), int(decimals))
        self.ratios[key] = ratio
        self._suppressed = None
        self._hidden = None
        return ratio

    def value(self, key: str) -> int:
        """Return a registered cell's true value (for the analyst's session only)."""
        cell = self.cells[key]
        return int(self.atoms[cell.measure].to_numpy()[self._members[key]].sum())

    # -- protecting ----------------------------------------------------------------------

    def protect(self) -> dict[str, str]:
        """Return the cells to suppress and why ("primary" or "complementary").

        Primary: counts from 1 to the threshold less one. Complementary: further cells,
        until no suppressed count can be recovered exactly from the cells shown, and no
        small one can be shown to be below the threshold. Candidates are tried smallest
        first, cells of the same table before others, totals last; zeros are never
        suppressed for protection (they hide nothing).

        Returns
        -------
        dict of str to str
            Key of each suppressed cell and the reason.
        """
        if self._suppressed is not None:
            return dict(self._suppressed)
        values = {key: self.value(key) for key in self.cells}
        suppressed = {key: PRIMARY for key, value in values.items() if 1 <= value < self.threshold}
        for _ in range(len(self.cells) + 1):
            leaks = self._leaks(values, suppressed)
            if not leaks:
                break
            leak = leaks[0]
            pick = self._choose(leak, values, suppressed)
            if pick is None:  # nothing left to hide behind: should not happen with totals
                raise RuntimeError(
                    f"LinkedTables.protect: cannot protect {leak.key}; no cell left to suppress."
                )
            suppressed[pick] = COMPLEMENTARY
        self._suppressed = suppressed
        self._hidden = self._unpublished(suppressed)
        return dict(suppressed)

    def _unpublished(self, suppressed: Mapping[str, str]) -> set[str]:
        """Cells not published: the suppressed, and implied counts whose share is hidden."""
        hidden = set(suppressed)
        hidden_ratios = {key for key in self.ratios if self._ratio_hidden(key, hidden)}
        hidden |= {
            key
            for key, cell in self.cells.items()
            if cell.implied and (cell.implied_by is None or cell.implied_by in hidden_ratios)
        }
        return hidden

    def _ratio_hidden(self, key: str, suppressed: set[str] | Mapping[str, str]) -> bool:
        ratio = self.ratios[key]
        if ratio.numerator in suppressed or ratio.denominator in suppressed:
            return True
        return any(
            cell.implied_by == key and other in suppressed for other, cell in self.cells.items()
        )

    def is_suppressed(self, key: str) -> bool:
        """Whether a registered cell, or a ratio of one, is hidden."""
        suppressed = self.protect()
        if key in self.ratios:
            return self._ratio_hidden(key, suppressed)
        if key not in self.cells:
            raise KeyError(f"LinkedTables: no cell or ratio named {key!r}.")
        return key in (self._hidden if self._hidden is not None else self._unpublished(suppressed))

    def shown(self) -> dict[str, float | None]:
        """Return each published figure as the report shows it (None where suppressed)."""
        suppressed = self.protect()
        hidden = self._hidden if self._hidden is not None else self._unpublished(suppressed)
        figures: dict[str, float | None] = {
            key: (None if key in hidden else float(self.value(key))) for key in self.cells
        }
        for key, ratio in self.ratios.items():
            if self.is_suppressed(key):
                figures[key] = None
                continue
            denominator = self.value(ratio.denominator)
            exact = (
                self.value(ratio.numerator) / denominator * ratio.multiplier if denominator else 0
            )
            figures[key] = None if denominator == 0 else round(exact, ratio.shown_decimals(exact))
        return figures

    def _leaks(self, values: Mapping[str, int], suppressed: Mapping[str, str]) -> list[Leak]:
        hidden = self._unpublished(suppressed)
        shown = {key: float(v) for key, v in values.items() if key not in hidden}
        small = {key for key, reason in suppressed.items() if reason == PRIMARY}
        return _audit(self, shown, {}, suppressed, small)

    def _choose(
        self, leak: Leak, values: Mapping[str, int], suppressed: Mapping[str, str]
    ) -> str | None:
        cell = self.cells[leak.key]
        members = set(self._members[leak.key].tolist())

        def order(key: str) -> tuple[int, int, int]:
            other = self.cells[key]
            same_table = other.table == cell.table
            overlaps = bool(members & set(self._members[key].tolist()))
            is_total = "/total/" in key
            return (0 if same_table else (1 if overlaps else 2), int(is_total), values[key])

        candidates = sorted(
            (
                key
                for key, other in self.cells.items()
                if key not in suppressed and other.measure == cell.measure and values[key] > 0
            ),
            key=order,
        )
        if not candidates:
            return None
        small = {key for key, reason in suppressed.items() if reason == PRIMARY}
        for key in candidates[:12]:  # the nearest few: does hiding one protect the leak?
            trial = self._unpublished({**suppressed, key: COMPLEMENTARY})
            shown = {k: float(v) for k, v in values.items() if k not in trial}
            low, high = _interval(self, shown, {}, leak.key)
            if _safe(low, high, leak.key in small, self.threshold):
                return key
        return candidates[0]


def _safe(low: float, high: float, small: bool, threshold: int) -> bool:
    if high - low < _EXACT:
        return False
    return not (small and high < threshold - 1e-6)


def _bounds_matrix(
    tables: LinkedTables,
    shown: Mapping[str, float],
    shown_ratios: Mapping[str, float],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Equalities for shown counts and inequalities for shown ratios, over (measure, atom)."""
    n_atoms = len(tables.atoms)
    n_vars = n_atoms * len(tables.measures)

    def row(key: str) -> np.ndarray:
        cell = tables.cells[key]
        vector = np.zeros(n_vars)
        offset = tables.measures.index(cell.measure) * n_atoms
        vector[offset + tables._members[key]] = 1.0
        return vector

    eq_rows, eq_values = [], []
    for key, value in shown.items():
        eq_rows.append(row(key))
        eq_values.append(float(value))
    ub_rows, ub_values = [], []
    for key, value in shown_ratios.items():
        ratio = tables.ratios[key]
        half = 0.5 * 10.0 ** (-ratio.shown_decimals(value))
        numerator, denominator = row(ratio.numerator), row(ratio.denominator)
        # (value - half) * d <= m * n <= (value + half) * d
        ub_rows.append(ratio.multiplier * numerator - (value + half) * denominator)
        ub_values.append(0.0)
        ub_rows.append((value - half) * denominator - ratio.multiplier * numerator)
        ub_values.append(0.0)
    a_eq = np.array(eq_rows) if eq_rows else np.zeros((0, n_vars))
    a_ub = np.array(ub_rows) if ub_rows else np.zeros((0, n_vars))
    return a_eq, np.array(eq_values), a_ub, np.array(ub_values), n_vars


def _interval(
    tables: LinkedTables,
    shown: Mapping[str, float],
    shown_ratios: Mapping[str, float],
    key: str,
) -> tuple[float, float]:
    """Smallest and largest value of a cell consistent with the figures shown."""
    from scipy.optimize import linprog

    a_eq, b_eq, a_ub, b_ub, n_vars = _bounds_matrix(tables, shown, shown_ratios)
    cell = tables.cells[key]
    objective = np.zeros(n_vars)
    objective[tables.measures.index(cell.measure) * len(tables.atoms) + tables._members[key]] = 1.0
    bounds = []
    for sign in (1.0, -1.0):
        result = linprog(
            sign * objective,
            A_ub=a_ub if len(a_ub) else None,
            b_ub=b_ub if len(b_ub) else None,
            A_eq=a_eq if len(a_eq) else None,
            b_eq=b_eq if len(b_eq) else None,
            bounds=(0, None),
            method="highs",
        )
        if result.status == 3:  # unbounded above
            bounds.append(math.inf)
        elif result.status != 0:
            raise RuntimeError(f"feasible_intervals: the figures shown are inconsistent ({key}).")
        else:
            bounds.append(sign * float(result.fun))
    return bounds[0], bounds[1]


def _audit(
    tables: LinkedTables,
    shown: Mapping[str, float],
    shown_ratios: Mapping[str, float],
    suppressed: Iterable[str],
    small: set[str],
) -> list[Leak]:
    leaks = []
    for key in suppressed:
        low, high = _interval(tables, shown, shown_ratios, key)
        if high - low < _EXACT:
            leaks.append(Leak(key, low, high, "recovered exactly"))
        elif key in small and high < tables.threshold - 1e-6:
            leaks.append(Leak(key, low, high, "shown to be below the threshold"))
    return leaks


def feasible_intervals(
    tables: LinkedTables,
    figures: Mapping[str, float | None],
    *,
    small: Sequence[str] = (),
) -> tuple[dict[str, tuple[float, float]], list[Leak]]:
    """Work out, as a reader could, the interval each suppressed count must lie in.

    Parameters
    ----------
    tables : LinkedTables
        The report's structure: which atoms each figure sums (not the values).
    figures : mapping of str to float or None
        Each figure as the report shows it (counts and ratios, rounded as shown), None
        where suppressed. Keys not registered are ignored.
    small : sequence of str
        Suppressed counts known (to the tester) to be small: a leak also when shown to be
        below the threshold. Implied counts (published only through a share) are checked
        only when named here: while their share is hidden they are not figures of the
        report.

    Returns
    -------
    intervals : dict of str to (float, float)
        The smallest and largest value of each suppressed count.
    leaks : list of Leak
        The suppressed counts recovered exactly (or shown to be small).
    """
    shown = {k: float(v) for k, v in figures.items() if k in tables.cells and v is not None}
    ratios = {k: float(v) for k, v in figures.items() if k in tables.ratios and v is not None}
    small_keys = set(small)
    hidden = [
        k
        for k, v in figures.items()
        if k in tables.cells and v is None and (not tables.cells[k].implied or k in small_keys)
    ]
    intervals = {key: _interval(tables, shown, ratios, key) for key in hidden}
    leaks = _audit(tables, shown, ratios, hidden, set(small))
    return intervals, leaks


def hidden_cells(
    tables: LinkedTables,
    table: str,
    rows: Sequence[object],
    columns: Mapping[str, str],
    index: pd.Index,
) -> pd.DataFrame:
    """Return which cells of a report table the linked protection hides.

    Parameters
    ----------
    tables : LinkedTables
        From :func:`link_report`.
    table : str
        The table's prefix ("segments", "deprivation", "places").
    rows : sequence
        Each row's name in the keys ("end_of_life", 3, "total"), in the table's order.
    columns : mapping of str to str
        The table's column -> the key's last part ("persons", "emergency_admissions",
        "per_1000", "core20_population_share").
    index : pandas.Index
        The table's index.

    Returns
    -------
    pandas.DataFrame
        Booleans, ``index`` by the columns; cells with no registered figure are False.
    """
    suppressed = tables.protect()
    data = {}
    for column, part in columns.items():
        flags = []
        for row in rows:
            key = f"{table}/{row}/{part}"
            if key in tables.ratios:
                flags.append(tables.is_suppressed(key))
            else:
                flags.append(key in suppressed)
        data[column] = flags
    return pd.DataFrame(data, index=index, dtype=bool)


__all__ = [
    "COMPLEMENTARY",
    "DIMENSIONS",
    "JOIN_MATCHED",
    "JOIN_NOT_IN_AREAS",
    "JOIN_NO_LSOA",
    "JOIN_REASONS",
    "LinkedCell",
    "LinkedRatio",
    "LinkedTables",
    "Leak",
    "MEASURES",
    "PRIMARY",
    "feasible_intervals",
    "hidden_cells",
    "link_board_report",
    "link_report",
    "shortlist_acted_on",
    "shortlist_cohorts",
    "report_atoms",
]
