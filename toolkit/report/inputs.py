"""Load and check a report's data: the persons and areas tables, with a fingerprint of each.

The fingerprint (SHA-256) goes in the report's provenance box, so that a reader can tell
whether two reports were made from the same data.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from toolkit.data.contract import DISCLOSURE_THRESHOLD
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
        Persons matched to an area whose own IMD decile (in the persons file) differs from
        their area's in the areas file: the report keeps the persons' own
        (:data:`DECILES_USED`).
    persons_matched : int
        Persons whose LSOA code is in the areas file.
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

    @property
    def areas_note(self) -> str:
        """Say which areas of the file the report leaves out, and why ("" when none).

        Each reason is counted: areas left out because they hold no registered person,
        areas left out because they lie outside the system's places, areas the report
        covers that hold no one, and (:attr:`decile_note`) persons whose IMD decile differs
        from their area's. How many persons match no area is said on page 1 from the
        report's linked tables (suppressed as the tables are), not here.
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
        if self.decile_note:
            parts.append(self.decile_note)
        return " ".join(parts)

    @property
    def decile_note(self) -> str:
        """Say, for the board, that persons' IMD deciles differ from their areas' ("" if not).

        No count, so that nothing suppressed elsewhere can be worked out from it: "every
        person", "almost every person" (95% or more), a share of the people matched to an
        area rounded to 10%, or "fewer than one in twenty" (the command line's warning gives
        the exact counts to the analyst).
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
        total = max(self.persons.shape[0], 1)
        said = "; ".join(
            f"{count:,} of the {total:,} persons ({_percent(count / total)}) "
            f"{'has' if count == 1 else 'have'} {words}"
            for count, words in given
        )
        text = (
            f"{said}: the report counts them in the system's figures but in no neighbourhood "
            "or place (page 1 and the place table say so)."
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
            files[0] if len(files) == 1 else files, repair_geometry=config.repair_geometry
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
    joined, report = join_persons_to_areas(persons, areas, existing="fill")
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
        deciles_differ=int(report.differing.get("imd_decile", 0)),
        persons_matched=report.matched,
        threshold=config.disclosure_threshold,
    )
    import warnings

    if inputs.persons_note:
        warnings.warn(inputs.persons_note, UserWarning, stacklevel=2)
    if inputs.decile_note:  # said with the data in the provenance box, as on page 1
        description += f"; IMD deciles: {inputs.decile_note[0].lower()}{inputs.decile_note[1:]}"
        inputs = dataclasses.replace(inputs, description=description)
        warnings.warn(
            f"The IMD decile in the persons file differs from the areas file's for "
            f"{inputs.deciles_differ:,} of the {inputs.persons_matched:,} persons matched to an "
            f"area: check that both use the same IMD edition; {DECILES_USED}.",
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
    empty = int((~has_people).sum())
    if len(areas) and empty / len(areas) > EMPTY_AREAS_WARNING_SHARE:
        warnings.warn(
            f"{empty:,} of the {len(areas):,} areas in the areas file have no registered "
            f"person; the report covers {int(keep.sum()):,} of them. Is the areas file for "
            "this system (set 'system_places' to name its places)?",
            UserWarning,
            stacklevel=3,
        )
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
