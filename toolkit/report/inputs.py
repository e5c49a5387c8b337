"""Load and check a report's data: the persons and areas tables, with a fingerprint of each.

The fingerprint (SHA-256) goes in the report's provenance box, so that a reader can tell
whether two reports were made from the same data.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit._numbers import round_half_up
from toolkit.data.contract import DISCLOSURE_THRESHOLD
from toolkit.prioritise.theme_measures import round_figure
from toolkit.report.config import ReportConfig

#: Bytes read at a time when hashing a data file.
_HASH_CHUNK = 1 << 20


@dataclass(frozen=True, eq=False)
class ReportInputs:
    """The checked data of a report.

    Attributes
    ----------
    persons : pandas.DataFrame
        One row per person, in the data contract, with each person's IMD decile and
        place filled from the areas table where the persons file lacked them.
    areas : pandas.DataFrame or geopandas.GeoDataFrame
        One row per neighbourhood (LSOA); a GeoDataFrame when boundaries were given.
    description : str
        Where the data came from, in words (file names, not full paths), naming the areas
        rows whose invalid shapes were repaired, if any.
    fingerprints : dict of str to str
        SHA-256 of each input (of the file, or of the generated demo table's contents).
    join_summary : str
        How persons matched areas (every person is kept; unmatched ones are counted).
    areas_left_out : int
        Areas of the file left out of the report: those with no registered person, or
        outside the configuration's ``system_places``.
    areas_in_file : int
        Areas in the areas file.
    areas_outside_places : int
        Areas of the file left out because they lie outside ``system_places`` (0 without
        it: areas are then left out only for holding no registered person).
    areas_without_persons : int
        Areas the report covers that hold no registered person (those of ``system_places``
        in which no one is registered).
    persons_not_in_areas : int
        Persons whose LSOA code the areas file does not have: counted in the system's
        figures, in no neighbourhood or place.
    persons_outside_places : int
        Persons whose LSOA is in the areas file but outside ``system_places``: in no
        neighbourhood or place either.
    persons_without_lsoa : int
        Persons with a blank LSOA code.
    deciles_differ : int
        Persons in a neighbourhood of the report whose own IMD decile (in the persons file)
        differs from their neighbourhood's in the areas file: the report keeps the persons'
        own (:data:`DECILES_USED`). Persons in no neighbourhood of the report are not
        counted: the report does not cover them, and :attr:`decile_note` is of its people.
    places_differ : int
        Persons in a neighbourhood of the report whose own place (in the persons file)
        differs from their neighbourhood's in the areas file. The areas' place wins: the
        maps and the place table are drawn from the areas, so every person's place is
        their neighbourhood's (:attr:`place_note` says so).
    persons_placed : int
        Persons the report keeps who are in one of its neighbourhoods.
    persons_left_out : int
        Persons in none of the report's neighbourhoods (the three reasons above together)
        left out of the report because they are from 1 to the threshold less one: counted
        apart, the report's totals with and without them would give their number away
        by subtraction, and protecting it would hide every count of people. 0 when there
        are none, or as many as the threshold (they are then kept and counted apart).
        :attr:`persons` holds the persons kept.
    persons_matched : int
        Persons matched to an area the report covers (one of its neighbourhoods), of whom
        :attr:`deciles_differ` is a part.
    place_counts_shown : bool
        The report's linked tables show every place's count of people (none is suppressed):
        :func:`toolkit.report.compute_board_figures` says so once it has protected them.
        Only then does :attr:`place_note` give a number; False (the default) when not known.
    threshold : int
        The disclosure threshold: a count below it in :attr:`areas_note` is given as
        "fewer than" the threshold.
    imd_edition : str
        The Indices of Deprivation edition of the areas' deciles ("2019", "2025"), from the
        areas table (``attrs["imd_edition"]``); "" when the table does not say (no edition
        is guessed, so a caption "IMD {edition} deciles" names none).
    synthetic : bool
        The persons are synthetic: the demo system, ``synthetic_data = true``, or a Parquet
        file written by ``pophealth synth`` (which records itself in the file's metadata).
    """

    persons: pd.DataFrame
    areas: pd.DataFrame
    description: str
    fingerprints: dict[str, str]
    join_summary: str
    areas_left_out: int = 0
    areas_in_file: int = 0
    imd_edition: str = ""
    synthetic: bool = False
    areas_outside_places: int = 0
    areas_without_persons: int = 0
    persons_not_in_areas: int = 0
    persons_outside_places: int = 0
    persons_without_lsoa: int = 0
    deciles_differ: int = 0
    persons_matched: int = 0
    threshold: int = DISCLOSURE_THRESHOLD
    places_differ: int = 0
    persons_placed: int = 0
    persons_left_out: int = 0
    place_counts_shown: bool = False

    @property
    def areas_note(self) -> str:
        """Say which areas of the file the report leaves out, and why ("" when none).

        Each reason is counted: areas left out because they hold no registered person,
        areas left out because they lie outside the system's places, areas the report
        covers that hold no one, (:attr:`decile_note`) persons whose IMD decile differs
        from their area's, (:attr:`place_note`) persons whose own place was replaced by
        their neighbourhood's, and (:attr:`left_out_note`) the few persons in no
        neighbourhood left out. How many persons match no area, when they are kept, is
        said on page 1 from the report's linked tables (suppressed as the tables are), not
        here.
        """
        parts = []
        if self.areas_left_out:
            why = (
                "they lie outside the system's places"
                if self.areas_outside_places
                else "they hold no registered person"
            )
            if 0 < self.areas_outside_places < self.areas_left_out:  # not expected: both
                why = "they hold no registered person, or lie outside the system's places"
            parts.append(
                f"{self.areas_left_out:,} of the {self.areas_in_file:,} areas in the areas "
                f"file are left out: {why}."
            )
        if self.areas_without_persons:
            covered = self.areas_in_file - self.areas_left_out
            parts.append(
                f"Of the {covered:,} areas the report covers, {self.areas_without_persons:,} "
                f"{'holds' if self.areas_without_persons == 1 else 'hold'} no registered "
                "person."
            )
        parts += [note for note in (self.decile_note, self.place_note) if note]
        if self.left_out_note:
            parts.append(self.left_out_note)
        return " ".join(parts)

    @property
    def left_out_note(self) -> str:
        """Say, for the board, that a few persons in no neighbourhood are left out ("" if not).

        Their number is below the threshold, so it is said as "fewer than" the threshold;
        no figure of the report counts them (:attr:`persons_left_out`).
        """
        if not self.persons_left_out:
            return ""
        outside = " (or one outside the system's places)" if self.persons_outside_places else ""
        return (
            f"Fewer than {self.threshold} people had no neighbourhood in the areas "
            f"file{outside} and are left out of every figure of this report."
        )

    @property
    def place_note(self) -> str:
        """Say, for the board, that the persons' own places were replaced ("" if none differ).

        The count of persons whose place differed is rounded ("about 2,300", "about 20":
        :func:`_about`), and given only when every place's count of people is shown
        (:attr:`place_counts_shown`). When one is hidden, a count could give it back: if the
        persons of that place alone had another place, the count is that place's, and
        rounded it still narrows the interval the place's count must lie in (to one value,
        beside the other counts shown); so no number is given. When every one differed, it
        says "all the people", with no number (their count is the place table's total). A
        count below the threshold, or one leaving fewer than the threshold (beside the place
        table's count of people, a small count by subtraction), is "fewer than" the
        threshold, or "all but fewer than" it.
        """
        if not self.places_differ:
            return ""
        placed, differ, threshold = self.persons_placed, self.places_differ, self.threshold
        if differ >= placed:
            whom = "all the people in the report's neighbourhoods had another place there"
        elif not self.place_counts_shown:
            whom = "some of the people in the report's neighbourhoods had another place there"
        elif differ < threshold:
            whom = f"fewer than {threshold} people had another place there"
        elif placed - differ < threshold:
            whom = (
                f"all but fewer than {threshold} of the people in the report's neighbourhoods "
                "had another place there"
            )
        else:
            whom = f"about {_about(differ)} people had another place there"
        return (
            "The places recorded in the persons file were replaced by the places of the areas "
            f"file, which the maps and the place table use: {whom}."
        )

    @property
    def decile_note(self) -> str:
        """Say, for the board, that persons' IMD deciles differ from their areas' ("" if not).

        No count, so that nothing suppressed elsewhere can be worked out from it: "every
        person", "almost every person" (95% or more), a share of the people matched to an
        area rounded to 10%, or "fewer than one in twenty" (the command line's warning gives
        the exact counts to the analyst). Both counts are of the persons in the report's
        neighbourhoods (:attr:`deciles_differ`, :attr:`persons_matched`), the people it
        describes.
        """
        if not self.deciles_differ:
            return ""
        if self.deciles_differ == self.persons_matched:
            whom = "every person matched to an area"
        else:
            share = self.deciles_differ / max(self.persons_matched, 1)
            if share < 0.05:
                whom = "fewer than one in twenty of the people matched to an area"
            elif share >= 0.95:  # not "about 100%": some do not differ
                whom = "almost every person matched to an area"
            else:
                whom = f"about {round(share, 1):.0%} of the people matched to an area"
        return (
            "The deprivation decile recorded in the persons file differs from that of their "
            f"neighbourhood in the list of areas for {whom}; {DECILES_USED}."
        )

    @property
    def persons_note(self) -> str:
        """Say, for the analyst, how many persons match no area and why ("" when all do).

        Exact counts, for the command line's warning (not for the board's pages, whose
        counts are suppressed as the tables are).
        """
        reasons = [
            (self.persons_not_in_areas, "an LSOA code that the areas file does not have"),
            (self.persons_outside_places, "an LSOA code outside the system's places"),
            (self.persons_without_lsoa, "no LSOA code"),
        ]
        given = [(count, words) for count, words in reasons if count]
        if not given:
            return ""
        total = max(self.persons.shape[0] + self.persons_left_out, 1)
        said = "; ".join(
            f"{count:,} of the {total:,} persons ({_percent(count / total)}) "
            f"{'has' if count == 1 else 'have'} {words}"
            for count, words in given
        )
        if self.persons_left_out:
            text = (
                f"{said}: fewer than the disclosure threshold ({self.threshold}) in all, so the "
                "report leaves them out of every figure (counted apart, the totals with and "
                "without them would give their number away); page 1 says that fewer than "
                f"{self.threshold} people are left out."
            )
        else:
            text = (
                f"{said}: the report counts them in the system's figures but in no "
                "neighbourhood or place (page 1 and the place table say so)."
            )
        if self.persons_not_in_areas:
            text += (
                " Check that both files use the same LSOA codes (2011 codes for IoD2019, "
                "2021 codes for IoD2025)"
            )
            empty = self.areas_left_out - self.areas_outside_places + self.areas_without_persons
            text += (
                f"; {empty:,} of the {self.areas_in_file:,} areas in the areas file hold no "
                "registered person."
                if empty > 0
                else "."
            )
        return text

    @property
    def has_boundaries(self) -> bool:
        """Whether the areas carry polygons, so that a map can be drawn."""
        return "geometry" in self.areas.columns


#: Which IMD decile each part of the board report uses, when the persons file gives its own.
DECILES_USED = (
    "the report uses the persons' recorded deciles, except for the place table's comparison "
    "with the least deprived decile, which uses the deciles in the list of areas"
)


def _percent(share: float) -> str:
    """Write a share as a whole percentage, "less than 1%" for a small one."""
    return "less than 1%" if 0 < share < 0.005 else f"{share:.0%}"


def _about(count: int) -> str:
    """Write a count of people rounded for a board: "about" this, never the count itself.

    Two significant figures from 100 (2,340 is 2,300: :func:`round_figure`, as the
    report's estimates are rounded), the nearest ten below it (23 is 20, 25 is 30), where
    two significant figures would be the count itself; halves up. The figure shown stands
    for ten values or more, so it never tells which one the count is.
    """
    rounded = round_figure(count) if count >= 100 else round_half_up(count, -1)
    return f"{rounded:,.0f}"


def file_fingerprint(path: str | Path) -> str:
    """Return the SHA-256 of a file's bytes, as 64 hexadecimal digits.

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    str
        The hex digest.
    """
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(_HASH_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def table_fingerprint(table: pd.DataFrame) -> str:
    """Return the SHA-256 of a table's contents (column names and values, not the index).

    Parameters
    ----------
    table : pandas.DataFrame
        The table; a ``geometry`` column is hashed by its well-known binary form.

    Returns
    -------
    str
        The hex digest.
    """
    digest = hashlib.sha256()
    digest.update("\x1f".join(map(str, table.columns)).encode())
    plain = table.drop(columns="geometry") if "geometry" in table.columns else table
    digest.update(pd.util.hash_pandas_object(pd.DataFrame(plain), index=False).to_numpy().tobytes())
    if "geometry" in table.columns:
        for shape in table["geometry"].to_wkb():
            digest.update(shape or b"")
    return digest.hexdigest()


def load_inputs(config: ReportConfig) -> ReportInputs:
    """Read (or synthesise), check and join the persons and areas tables of a report.

    Parameters
    ----------
    config : ReportConfig
        The report's configuration: ``persons`` and ``areas`` files, or ``"demo"``; several
        areas files are joined on LSOA code (:func:`toolkit.data.read_areas`), each with its
        fingerprint. With ``repair_geometry``, invalid area shapes are repaired (and listed
        in ``areas.attrs["repaired_geometry"]``) instead of refused.

    Returns
    -------
    ReportInputs
        The checked tables, where they came from, their fingerprints and the join summary.

    Raises
    ------
    DataContractError
        The data break the data contract (the message names the file, column and rows).
    """
    from toolkit.data import (
        join_persons_to_areas,
        make_demo_system,
        read_areas,
        read_persons,
        validate_areas,
        validate_persons,
    )

    if not isinstance(config, ReportConfig):
        raise TypeError(
            "The 'config' parameter of load_inputs must be a ReportConfig. "
            f"Got {type(config).__name__} instead."
        )
    if config.is_demo:
        system = make_demo_system(persons=config.demo_persons, seed=config.seed)
        persons = validate_persons(system.persons, source="demo persons")
        areas = validate_areas(
            system.areas, source="demo areas", repair_geometry=config.repair_geometry
        )
        description = f"synthetic demo system ({config.demo_persons:,} persons, seed {config.seed})"
        fingerprints = {
            "persons": table_fingerprint(system.persons),
            "areas": table_fingerprint(system.areas),
        }
    else:
        persons = read_persons(config.persons, reference_date=config.reference_date)
        files = config.areas if isinstance(config.areas, list) else [config.areas]
        # Several files (IoD File 1 with File 6) are joined on LSOA code, as validate joins them.
        areas = read_areas(
            files[0] if len(files) == 1 else files,
            repair_geometry=config.repair_geometry,
            imd_edition=config.imd_edition,
        )
        names = [Path(file).name for file in files]
        description = f"persons: {Path(config.persons).name}; areas: {' + '.join(names)}"
        fingerprints = {"persons": file_fingerprint(config.persons)}
        for number, (file, name) in enumerate(zip(files, names, strict=True), start=1):
            key = "areas" if len(files) == 1 else f"areas ({name})"
            if key in fingerprints:  # two files of the same name, in different folders
                key = f"areas ({number}: {name})"
            fingerprints[key] = file_fingerprint(file)
    repaired = areas.attrs.get("repaired_geometry") or []
    if repaired:
        rows = ", ".join(str(row) for row in repaired)
        description += (
            f" (invalid area shapes repaired with make_valid: {len(repaired):,} "
            f"row{'s' if len(repaired) != 1 else ''}, {rows})"
        )
    # The persons' own deciles are kept (DECILES_USED); their own places are replaced below.
    own_place = "place" in persons.columns
    joined, report = join_persons_to_areas(
        persons,
        areas,
        columns=("imd_decile",) if own_place else ("imd_decile", "place"),
        existing="fill",
    )
    edition = str(areas.attrs.get("imd_edition") or "")
    kept = _system_areas(areas, joined, config)
    codes = joined["lsoa"].astype("string").str.strip()
    kept_codes = set(kept["lsoa"].astype(str).str.strip())
    registered = set(codes.dropna())
    outside_places = int(
        (codes.isin(set(areas["lsoa"].astype(str).str.strip())) & ~codes.isin(kept_codes))
        .fillna(False)
        .sum()
    )
    in_report = codes.isin(kept_codes).fillna(False).to_numpy(dtype=bool)
    # The persons in the report's neighbourhoods, against their neighbourhoods: how many
    # have another decile or place of their own is counted of them (the notes' people).
    own = [column for column in ("imd_decile", "place") if column in persons.columns]
    replaced, check = join_persons_to_areas(
        persons[["lsoa", *own]], kept, columns=own, existing="replace"
    )
    if own_place:  # the areas' place wins: the maps and place table are theirs
        joined["place"] = replaced["place"]
    unplaced = len(joined) - int(in_report.sum())
    left_out = unplaced if 0 < unplaced < config.disclosure_threshold else 0
    if left_out:  # counted apart, a small number would hide every count of people
        joined = joined.loc[in_report].reset_index(drop=True)
    inputs = ReportInputs(
        persons=joined,
        areas=kept,
        description=description,
        fingerprints=fingerprints,
        join_summary=str(report),
        areas_left_out=len(areas) - len(kept),
        areas_in_file=len(areas),
        imd_edition=edition,
        synthetic=config.is_synthetic or synthetic_persons_file(config.persons),
        areas_outside_places=0 if config.system_places is None else len(areas) - len(kept),
        areas_without_persons=len(kept_codes - registered),
        persons_not_in_areas=report.unmatched,
        persons_outside_places=outside_places,
        persons_without_lsoa=report.without_lsoa,
        deciles_differ=int(check.differing.get("imd_decile", 0)),
        persons_matched=check.matched,
        threshold=config.disclosure_threshold,
        places_differ=int(check.differing.get("place", 0)),
        persons_placed=int(in_report.sum()),
        persons_left_out=left_out,
    )
    import warnings

    if inputs.persons_note:
        warnings.warn(inputs.persons_note, UserWarning, stacklevel=2)
    if inputs.places_differ:
        warnings.warn(
            "The place in the persons file differs from the areas file's for "
            f"{inputs.places_differ:,} of the {inputs.persons_placed:,} persons in the "
            "report's neighbourhoods: the "
            "report uses the areas file's places, which its maps and place table are drawn "
            "from (page 1 says so).",
            UserWarning,
            stacklevel=2,
        )
    if inputs.decile_note:  # said with the data in the provenance box, as on page 1
        description += f"; IMD deciles: {inputs.decile_note[0].lower()}{inputs.decile_note[1:]}"
        inputs = dataclasses.replace(inputs, description=description)
        warnings.warn(
            f"The IMD decile in the persons file differs from the areas file's for "
            f"{inputs.deciles_differ:,} of the {inputs.persons_matched:,} persons in the "
            f"report's neighbourhoods: check that both use the same IMD edition; {DECILES_USED}.",
            UserWarning,
            stacklevel=2,
        )
    return inputs


def synthetic_persons_file(path: str | Path) -> bool:
    """Return whether a persons file was written by ``pophealth synth`` (its metadata says so).

    Parameters
    ----------
    path : str or Path
        The persons file; only Parquet files carry the record, other files give False.

    Returns
    -------
    bool
        True when the file's schema metadata holds ``toolkit.synth``.
    """
    source = Path(path)
    if source.suffix.lower() != ".parquet" or not source.is_file():
        return False
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_schema(source).metadata or {}
    except (OSError, ValueError):
        return False
    return b"toolkit.synth" in metadata


#: Share of the file's areas without a registered person above which the report warns.
EMPTY_AREAS_WARNING_SHARE = 0.5


def _empty_areas_warning(has_people: np.ndarray, keep: np.ndarray, *, named: bool) -> str:
    """Return the warning that most areas hold no registered person ("" when most do).

    Without ``system_places`` the report covers the file's areas that hold anyone, and
    the share is the file's: most areas empty suggests an areas file for a wider region.
    With it, the report covers the places' areas, and the share is theirs (an
    England-wide file given with ``system_places`` is expected to be mostly empty).
    """
    if named:
        covered, empty = int(keep.sum()), int((keep & ~has_people).sum())
        if not covered or empty / covered <= EMPTY_AREAS_WARNING_SHARE:
            return ""
        return (
            f"{empty:,} of the {covered:,} areas of the places named by 'system_places' have "
            f"no registered person; {covered - empty:,} have. Check that 'system_places' names "
            "this system's places and that the persons file is complete."
        )
    empty = int((~has_people).sum())
    if not len(has_people) or empty / len(has_people) <= EMPTY_AREAS_WARNING_SHARE:
        return ""
    return (
        f"{empty:,} of the {len(has_people):,} areas in the areas file have no registered "
        f"person; the report covers the {len(has_people) - empty:,} that have. Is the areas "
        "file for this system? Set 'system_places' to name its places, and the report covers "
        "their areas."
    )


def _system_areas(areas: pd.DataFrame, persons: pd.DataFrame, config: ReportConfig) -> pd.DataFrame:
    """Return the areas the report covers: the system's places, or areas holding anyone.

    An England-wide areas file given with one system's persons would otherwise be mapped
    whole, and its places listed with no people. Areas are never dropped silently: the
    count left out is on the report, and a warning says when most areas have no one.
    """
    import warnings

    codes = areas["lsoa"].astype(str).str.strip()
    registered = set(persons["lsoa"].dropna().astype(str).str.strip())
    has_people = codes.isin(registered).to_numpy()
    if config.place_labels:
        named = set(areas["place"].astype(str).str.strip())
        # Matched exactly, as the place table looks labels up.
        unlabelled = sorted(key for key in config.place_labels if key not in named)
        if unlabelled:  # a label for no place would be silently unused
            raise ValueError(
                f"{config.source or 'the report configuration'}: 'place_labels' names "
                f"{', '.join(map(repr, unlabelled))}, which the areas file does not have "
                f"(its places: {', '.join(map(repr, sorted(named)[:12]))}"
                f"{' and more' if len(named) > 12 else ''})."
            )
    if config.system_places is not None:
        wanted = {place.strip() for place in config.system_places}
        places = areas["place"].astype(str).str.strip()
        unknown = sorted(wanted - set(places))
        if unknown:
            raise ValueError(
                f"{config.source or 'the report configuration'}: 'system_places' names "
                f"{', '.join(map(repr, unknown))}, which the areas file does not have."
            )
        keep = places.isin(wanted).to_numpy()
    else:
        keep = has_people
    warning = _empty_areas_warning(has_people, keep, named=config.system_places is not None)
    if warning:
        warnings.warn(warning, UserWarning, stacklevel=3)
    result = areas.loc[keep].copy()
    result.attrs = dict(areas.attrs)
    return result


__all__ = [
    "ReportInputs",
    "file_fingerprint",
    "load_inputs",
    "synthetic_persons_file",
    "table_fingerprint",
]
