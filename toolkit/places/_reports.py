"""Reports of what a join or recoding matched, changed and left out.

Every step of :mod:`toolkit.places` that can leave rows behind returns one of these next to its
result, so that nothing is excluded without being counted. Each is a frozen dataclass with
``to_frame()``, a plain-text ``str()`` and an HTML view for notebooks.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from toolkit._words import listed
from toolkit.data.problems import FIRST_DATA_ROW, ROWS_NUMBERED

#: How many codes or row numbers a message quotes before saying "and N more".
EXAMPLES_SHOWN = 5


def _examples(values, total: int | None = None) -> str:
    """Show the first :data:`EXAMPLES_SHOWN` values, then how many more there are in all.

    ``total`` is how many there are when ``values`` holds only the first of them; the
    "and N more" counts from it.
    """
    return listed(values, most=EXAMPLES_SHOWN, total=total, final_and=False)


def _html_table(frame: pd.DataFrame, caption: str) -> str:
    return f"<p><strong>{html.escape(caption)}</strong></p>" + frame.to_html(
        index=False, escape=True, border=0
    )


@dataclass(frozen=True)
class CodeMatchReport:
    """How the LSOA codes of one table matched those of another.

    Attributes
    ----------
    left : str
        What the rows being matched are (for example ``"persons"``).
    right : str
        What they are matched against (for example ``"neighbourhoods"``).
    rows : int
        Rows of the left table.
    matched_rows : int
        Rows whose code was found on the right.
    missing_code_rows : int
        Rows with no code at all.
    unmatched_rows : int
        Rows with a code that is not on the right.
    unmatched_codes : tuple of str
        The distinct codes that did not match, sorted.
    unmatched_row_numbers : tuple of int
        Row positions (0-based, as ``DataFrame.iloc`` takes them) of the first (up to 20)
        rows left out: those with no code or a code not on the right. ``str()`` and
        :attr:`unmatched_spreadsheet_rows` show them as a spreadsheet numbers rows.
    right_unused_codes : tuple of str
        Codes on the right that no left row used (for example boundaries with no IMD row).
    """

    left: str
    right: str
    rows: int
    matched_rows: int
    missing_code_rows: int
    unmatched_rows: int
    unmatched_codes: tuple[str, ...] = ()
    unmatched_row_numbers: tuple[int, ...] = ()
    right_unused_codes: tuple[str, ...] = ()

    @property
    def all_matched(self) -> bool:
        """Whether every left row found its code on the right."""
        return self.matched_rows == self.rows

    @property
    def left_out_rows(self) -> int:
        """How many left rows were left out: no code, or a code not on the right."""
        return self.missing_code_rows + self.unmatched_rows

    @property
    def unmatched_spreadsheet_rows(self) -> tuple[int, ...]:
        """The rows of :attr:`unmatched_row_numbers` numbered as a spreadsheet numbers them.

        The header is row 1, so the table's first row (position 0) is row 2, as in the
        toolkit's other messages (:data:`toolkit.data.problems.FIRST_DATA_ROW`).
        """
        return tuple(position + FIRST_DATA_ROW for position in self.unmatched_row_numbers)

    def to_frame(self) -> pd.DataFrame:
        """Return the counts as a tidy table, one row per outcome."""
        return pd.DataFrame(
            {
                "outcome": [
                    "matched",
                    "no code",
                    "code not found",
                    f"{self.right} not used",
                ],
                "rows": [
                    self.matched_rows,
                    self.missing_code_rows,
                    self.unmatched_rows,
                    len(self.right_unused_codes),
                ],
                "distinct_codes": [
                    pd.NA,
                    pd.NA,
                    len(self.unmatched_codes),
                    len(self.right_unused_codes),
                ],
                "examples": [
                    "",
                    "",
                    _examples(self.unmatched_codes),
                    _examples(self.right_unused_codes),
                ],
            }
        )

    def __str__(self) -> str:
        text = f"{self.matched_rows:,} of {self.rows:,} {self.left} matched {self.right}."
        if self.missing_code_rows:
            text += f" {self.missing_code_rows:,} {self.left} have no LSOA code."
        if self.unmatched_rows:
            text += (
                f" {self.unmatched_rows:,} {self.left} have an LSOA code not found in "
                f"{self.right} ({len(self.unmatched_codes):,} codes: "
                f"{_examples(self.unmatched_codes)})."
            )
        if self.unmatched_row_numbers:
            total = max(self.left_out_rows, len(self.unmatched_row_numbers))
            text += (
                f" First rows left out: {_examples(self.unmatched_spreadsheet_rows, total)}. "
                f"{ROWS_NUMBERED}"
            )
        if self.right_unused_codes:
            text += (
                f" {len(self.right_unused_codes):,} {self.right} were not used "
                f"({_examples(self.right_unused_codes)})."
            )
        return text

    def _repr_html_(self) -> str:
        return _html_table(self.to_frame(), str(self))


@dataclass(frozen=True)
class LsoaRecodeReport:
    """What :func:`~toolkit.places.recode_lsoa` did to each row.

    Attributes
    ----------
    source_vintage, target_vintage : str
        The LSOA vintages recoded from and to (``"2011"`` or ``"2021"``).
    split_rule : str
        The rule used where one code became several.
    rows : int
        Rows of the input.
    rows_by_change : dict of str to int
        Rows recoded, by ONS change indicator: ``U`` unchanged, ``S`` split, ``M`` merged,
        ``X`` complex.
    rows_already_target : int
        Rows whose code was already of the target vintage (kept as they were).
    rows_missing_code : int
        Rows with no code (kept, still without a code).
    rows_unmatched : int
        Rows whose code is in neither vintage of the lookup (kept with the code unchanged).
    rows_unassigned : int
        Rows of split or complex codes left without a code because ``split_rule`` was
        ``"unassigned"``.
    unmatched_codes : tuple of str
        The distinct codes found in neither vintage.
    complex_codes : tuple of str
        The distinct source codes with a complex (``X``) change, which deserve a look.
    """

    source_vintage: str
    target_vintage: str
    split_rule: str
    rows: int
    rows_by_change: dict[str, int] = field(default_factory=dict)
    rows_already_target: int = 0
    rows_missing_code: int = 0
    rows_unmatched: int = 0
    rows_unassigned: int = 0
    unmatched_codes: tuple[str, ...] = ()
    complex_codes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """Return the counts as a tidy table, one row per outcome."""
        names = {
            "U": "unchanged",
            "S": "split",
            "M": "merged",
            "X": "complex change",
        }
        outcomes = [(names[key], self.rows_by_change.get(key, 0)) for key in names]
        outcomes += [
            (f"already {self.target_vintage}", self.rows_already_target),
            ("no code", self.rows_missing_code),
            ("code not in lookup", self.rows_unmatched),
            ("left unassigned", self.rows_unassigned),
        ]
        return pd.DataFrame(outcomes, columns=["outcome", "rows"])

    def __str__(self) -> str:
        recoded = sum(self.rows_by_change.values())
        text = (
            f"{recoded:,} of {self.rows:,} rows recoded from LSOA {self.source_vintage} to "
            f"{self.target_vintage} ("
            + ", ".join(f"{key}: {value:,}" for key, value in sorted(self.rows_by_change.items()))
            + f"; splits resolved by '{self.split_rule}')."
        )
        if self.rows_already_target:
            text += f" {self.rows_already_target:,} already had {self.target_vintage} codes."
        if self.rows_missing_code:
            text += f" {self.rows_missing_code:,} have no code."
        if self.rows_unmatched:
            text += (
                f" {self.rows_unmatched:,} have a code in neither vintage of the lookup "
                f"({_examples(self.unmatched_codes)}); they are kept unchanged."
            )
        if self.rows_unassigned:
            text += f" {self.rows_unassigned:,} left without a code (split or complex)."
        if self.complex_codes:
            text += f" Complex changes to check: {_examples(self.complex_codes)}."
        return text

    def _repr_html_(self) -> str:
        return _html_table(self.to_frame(), str(self))
