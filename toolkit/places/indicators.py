"""Indicators per neighbourhood (LSOA) and per place, with place polygons dissolved.

:func:`area_indicators` turns person-level data (or counts already aggregated by LSOA and
age band) and the areas table into two tables, ready to map:

- per neighbourhood: population, persons in the data, events, the directly standardised
  rate with its limits (:func:`toolkit.indicators.directly_standardised_rate`), expected
  and excess events against a reference's age-specific rates and the standardised ratio
  (:func:`toolkit.indicators.indirectly_standardised_ratio`), IMD score and decile, and the
  largest segment;
- per place: the same figures computed from the place's persons (not averaged over its
  neighbourhoods), its population-weighted IMD score and Core20 share, and its polygon
  dissolved from its neighbourhoods' (geopandas).

Persons whose LSOA is not among the areas are left out of both, and counted. Data that
break the rules (a count below zero, an area with no place, ...) are refused with one
:class:`~toolkit.errors.DataContractError` listing every problem, with its rows numbered as
a spreadsheet numbers them (:mod:`toolkit.data.problems`: the first row of a table is row 2).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd

from toolkit._params import (
    CONFIDENCE_LEVEL,
    POSITIVE,
    SequenceOf,
    StrOptions,
    check_columns_exist,
    check_new_columns,
    validate_params,
)
from toolkit.data.contract import ESP2013_BANDS
from toolkit.data.problems import FIRST_DATA_ROW, Problem, fail, raise_problems, row_problem
from toolkit.places._reports import CodeMatchReport
from toolkit.places.boundaries import match_lsoa_codes

Reference = Literal["least_deprived", "system"]
Level = Literal["neighbourhood", "place"]
DissolveMethod = Literal["unary", "coverage"]

#: Whose age-specific rates give the expected events.
REFERENCES: Final[dict[str, str]] = {
    "least_deprived": "the age-specific rates of the least deprived IMD decile in the data",
    "system": "the age-specific rates of the whole system (excess sums to zero)",
}
_LEVELS: Final[tuple[str, ...]] = ("neighbourhood", "place")
_DISSOLVE: Final[dict[str, str]] = {
    "unary": "union of each place's polygons (works for any polygons)",
    "coverage": "coverage union (much faster; polygons must tile without overlaps, as LSOAs do)",
}
#: Deciles making up Core20, the most deprived fifth of England.
CORE20_DECILES: Final[tuple[int, ...]] = (1, 2)

_AREA_REQUIRED: Final[tuple[str, ...]] = ("lsoa", "place", "imd_decile")

#: Said when the areas table has no population (File 1 of the indices alone, say).
REGISTERED_POPULATION_NOTE: Final[str] = (
    "no population in the areas table: each area's population is the persons registered in "
    "it (in the data), so population-weighted figures weight by registered persons"
)
_N_BANDS: Final[int] = len(ESP2013_BANDS)


@dataclass(frozen=True)
class AreaIndicators:
    """Result of :func:`area_indicators`.

    Attributes
    ----------
    neighbourhoods : geopandas.GeoDataFrame or pandas.DataFrame
        One row per area of the areas table, in its order: ``lsoa``, ``lsoa_name``,
        ``place``, ``imd_score``, ``imd_decile``, ``population`` (from the areas table;
        the persons registered when it has none), ``persons`` (in the data), ``events``,
        ``value`` (the directly standardised rate) and its limits (``lower_95``,
        ``upper_95``), ``note`` (why a rate is not published), ``expected`` and ``excess``
        (events), ``ratio`` (the indirectly standardised ratio, 100 = as expected),
        ``largest_segment`` and ``largest_segment_share`` (when the data have segments), and
        ``geometry``.
    places : geopandas.GeoDataFrame or pandas.DataFrame
        One row per place: ``place``, ``neighbourhoods``, ``population``, ``persons``,
        ``imd_score`` (population-weighted mean), ``core20_population_share`` (share
        of the population in IMD deciles 1 and 2), the same rate columns, and the dissolved
        ``geometry``.
    segment_mix : pandas.DataFrame or None
        Tidy: ``level``, ``area`` (LSOA code or place), ``segment``, ``persons``,
        ``share``; ``None`` when the data have no segment column.
    events : str
        The events column measured.
    reference : str
        Whose rates give the expected events (see :data:`REFERENCES`).
    reference_deciles : tuple of int
        The IMD decile(s) whose rates were the reference (all deciles for ``"system"``).
    multiplier : float
        Rates are per this many persons.
    matched : CodeMatchReport
        How the data's LSOA codes matched the areas (rows of the data).
    persons_left_out, events_left_out : float
        Persons and events in rows whose LSOA is missing or not among the areas.
    notes : tuple of str
        What the figures rest on that the reader should know (for example
        :data:`REGISTERED_POPULATION_NOTE` when the areas have no population).
    all_places : pandas.DataFrame or None
        One row: the same figures for the places together (``persons``, ``events``, the
        rate and its limits, ``expected``, ``excess``, ``ratio``), that is for every person
        found among the areas. Not the whole data's when ``persons_left_out`` is above 0.
    """

    neighbourhoods: object
    places: object
    segment_mix: pd.DataFrame | None
    events: str
    reference: str
    reference_deciles: tuple[int, ...]
    multiplier: float
    matched: CodeMatchReport
    persons_left_out: float
    events_left_out: float
    notes: tuple[str, ...] = ()
    all_places: pd.DataFrame | None = None

    def to_frame(self, level: Level = "neighbourhood") -> pd.DataFrame:
        """Return the neighbourhood or place table without geometry.

        Parameters
        ----------
        level : {"neighbourhood", "place"}
            Which table.

        Returns
        -------
        pandas.DataFrame
            A plain DataFrame (a copy).
        """
        if level not in _LEVELS:
            raise ValueError(
                f"The 'level' parameter of AreaIndicators.to_frame must be one of "
                f"{list(_LEVELS)}. Got {level!r} instead."
            )
        table = self.neighbourhoods if level == "neighbourhood" else self.places
        columns = [c for c in table.columns if c != "geometry"]
        return pd.DataFrame(table[columns]).reset_index(drop=True)

    def __str__(self) -> str:
        text = (
            f"{self.events} in {len(self.neighbourhoods):,} neighbourhoods and "
            f"{len(self.places):,} places; rates per {self.multiplier:,g}, age-standardised "
            f"to ESP2013; excess against {REFERENCES[self.reference]} "
            f"(IMD decile{'s' if len(self.reference_deciles) > 1 else ''} "
            f"{', '.join(map(str, self.reference_deciles))}). {self.matched}"
        )
        if self.persons_left_out:
            text += (
                f" Left out: {self.persons_left_out:,.0f} persons with "
                f"{self.events_left_out:,.0f} events."
            )
        for note in self.notes:
            text += f" Note: {note}."
        return text

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(str(self))}</p>" + self.to_frame("place").to_html(
            index=False, border=0, float_format=lambda x: f"{x:,.1f}"
        )


@validate_params(
    {
        "areas": ["geo-data-frame"],
        "place": ["column"],
        "sums": [SequenceOf("column")],
        "method": [StrOptions(_DISSOLVE)],
    },
    renamed={"neighbourhoods": "areas"},
)
def dissolve_places(
    areas,
    *,
    place: str = "place",
    sums: tuple[str, ...] = ("population",),
    method: DissolveMethod = "unary",
):
    """Dissolve neighbourhood polygons into place polygons, summing counts.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Neighbourhood polygons with a ``place`` column, one row per neighbourhood (LSOA).
        Formerly ``neighbourhoods``, which still works as a keyword for one release, with a
        ``FutureWarning``.
    place : str
        The column naming each neighbourhood's place.
    sums : tuple of str
        Count columns summed over each place's neighbourhoods (missing values count as 0).
    method : {"unary", "coverage"}
        ``"coverage"`` is much faster for polygons that tile without overlapping, as LSOAs
        do; ``"unary"`` works for any polygons.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per place, sorted by name: ``place``, ``neighbourhoods`` (count), the
        ``sums`` columns and ``geometry``.

    Raises
    ------
    DataContractError
        A neighbourhood has no place (they would be dropped; the rows are named, the first
        row being row 2), or a column is missing.
    """
    function = "dissolve_places"
    missing = [c for c in (place, *sums) if c not in areas.columns]
    if missing:
        fail(
            function,
            "column_present",
            f"the areas have no {', '.join(missing)} column.",
            source=None,
        )
    no_place = _blank_rows(areas[place], "give every neighbourhood a place first")
    if no_place is not None:
        _refuse([no_place], "areas", function)
    frame = areas[[place, *sums, areas.geometry.name]].assign(
        neighbourhoods=1, **{c: areas[c].fillna(0) for c in sums}
    )
    dissolved = frame.dissolve(
        by=place, aggfunc="sum", method=method, sort=True, observed=True
    ).reset_index()
    return dissolved[[place, "neighbourhoods", *sums, dissolved.geometry.name]]


def _whole(values: np.ndarray) -> np.ndarray:
    """Return counts as int64 when they are all whole numbers, else unchanged."""
    if np.all(np.isfinite(values)) and np.all(values == np.round(values)):
        return values.astype(np.int64)
    return values


def _refuse(problems: list[Problem], table: str, function: str) -> None:
    """Raise one DataContractError listing the problems of a table given to ``function``."""
    raise_problems(
        problems, label=f"The {table} given to {function}", source=None, first_row=FIRST_DATA_ROW
    )


def _rows_problem(
    values: pd.Series, bad: np.ndarray, column: str, check: str, phrases: tuple[str, str]
) -> Problem | None:
    """Describe the rows where ``bad`` holds (positions in the table), or ``None``."""
    if not bad.any():
        return None
    positions = np.flatnonzero(bad)
    shown = list(values.iloc[positions])
    return row_problem(column, check, phrases, positions, shown, FIRST_DATA_ROW)


def _blank_rows(values: pd.Series, hint: str) -> Problem | None:
    """Describe the rows where ``values`` (a place column) is blank, or ``None``."""
    blank = values.isna().to_numpy()
    phrases = (f"is blank; {hint}", f"are blank; {hint}")
    return _rows_problem(values, blank, str(values.name), "not_blank", phrases)


def _band_index(ages: pd.Series) -> tuple[np.ndarray, Problem | None]:
    """Return each person's ESP2013 band position, and the rows whose age is not one."""
    years = ages.to_numpy(dtype="float64", na_value=np.nan)
    bad = np.isnan(years) | (years < 0)
    phrases = ("is not a number of years, 0 or more", "are not a number of years, 0 or more")
    problem = _rows_problem(ages, bad, "age", "age_in_years", phrases)
    return np.minimum(np.where(bad, 0, years) // 5, _N_BANDS - 1).astype(np.intp), problem


def _dsr_input(
    group: np.ndarray,
    band: np.ndarray,
    events: np.ndarray,
    n_groups: int,
    *,
    per_person: bool,
    weights: np.ndarray | None = None,
) -> pd.DataFrame:
    """Tidy (group, band[, frequency]) rows for the DSR, from one row per person or cell.

    With ``per_person`` the rows are persons and the events may repeat within a person, so
    the rows are broken down by event frequency (for the non-independent events variance);
    otherwise rows are cells with a population in ``weights``.
    """
    size = n_groups * _N_BANDS
    cell = group * _N_BANDS + band
    population = np.bincount(cell, weights=weights, minlength=size)
    if not per_person:
        total = np.bincount(cell, weights=events, minlength=size)
        keep = np.flatnonzero(population > 0)
        return pd.DataFrame(
            {
                "group": keep // _N_BANDS,
                "band": keep % _N_BANDS,
                "events": total[keep],
                "population": population[keep],
            }
        )
    having = events > 0
    frequency = events[having].astype(np.int64)
    keys, persons_with = np.unique(
        cell[having].astype(np.int64) * (int(frequency.max(initial=0)) + 1) + frequency,
        return_counts=True,
    )
    width = int(frequency.max(initial=0)) + 1
    event_cell, event_frequency = keys // width, keys % width
    occupied = np.flatnonzero(population > 0)
    quiet = np.setdiff1d(occupied, event_cell)  # cells with persons but no events
    cells = np.concatenate([event_cell, quiet])
    return pd.DataFrame(
        {
            "group": cells // _N_BANDS,
            "band": cells % _N_BANDS,
            "frequency": np.concatenate([event_frequency, np.ones(len(quiet), np.int64)]),
            "events": np.concatenate(
                [persons_with * event_frequency, np.zeros(len(quiet), np.int64)]
            ).astype("float64"),
            "population": population[cells],
        }
    )


def _rates(
    tidy: pd.DataFrame,
    *,
    n_groups: int,
    reference_rates: pd.Series,
    multiplier: float,
    confidence: float,
) -> pd.DataFrame:
    """DSR and ISR columns per group code 0..n_groups-1 (groups with no rows get NaN)."""
    from toolkit.indicators.rates import (
        directly_standardised_rate,
        indirectly_standardised_ratio,
    )

    labelled = tidy.assign(age_band=np.asarray(ESP2013_BANDS, dtype=object)[tidy["band"]])
    independent = "frequency" not in tidy.columns
    dsr = directly_standardised_rate(
        labelled,
        events="events",
        population="population",
        age_band="age_band",
        by="group",
        confidence=confidence,
        multiplier=multiplier,
        independent_events=independent,
        event_frequency=None if independent else "frequency",
        # The tidy frame holds each frequency row's events, not its people.
        frequency_counts="events",
    )
    # The ISR needs one row per (group, band) with the band's population once.
    cells = labelled.groupby(["group", "band"], sort=False).agg(
        events=("events", "sum"), population=("population", "first")
    )
    cells = cells.reset_index().assign(
        age_band=lambda f: np.asarray(ESP2013_BANDS, dtype=object)[f["band"]]
    )
    isr = indirectly_standardised_ratio(
        cells,
        events="events",
        population="population",
        age_band="age_band",
        reference_rates=reference_rates,
        by="group",
        confidence=confidence,
    )
    lower, upper = [c for c in dsr.columns if c.startswith(("lower_", "upper_"))]
    out = pd.DataFrame(index=pd.RangeIndex(n_groups))
    dsr = dsr.set_index("group")
    isr = isr.set_index("group")
    out["events"] = dsr["events"].reindex(out.index).fillna(0.0)
    out["value"] = dsr["value"].reindex(out.index)
    out[lower] = dsr[lower].reindex(out.index)
    out[upper] = dsr[upper].reindex(out.index)
    out["note"] = dsr["note"].reindex(out.index).fillna("no persons")
    out["expected"] = isr["expected"].reindex(out.index).fillna(0.0)
    out["excess"] = out["events"] - out["expected"]
    out["ratio"] = isr["value"].reindex(out.index)
    return out


@validate_params(
    {
        "data": ["data-frame"],
        "areas": ["data-frame"],
        "events": ["column"],
        "population": ["column"],
        "segment": ["column", None],
        "reference": [StrOptions(REFERENCES)],
        "multiplier": [POSITIVE],
        "confidence": [CONFIDENCE_LEVEL],
        "dissolve_method": [StrOptions(_DISSOLVE)],
    },
    renamed={"persons_or_cube": "data"},
)
def area_indicators(
    data: pd.DataFrame,
    areas: pd.DataFrame,
    *,
    events: str = "emergency_admissions",
    population: str = "persons",
    segment: str | None = "segment",
    reference: Reference = "least_deprived",
    multiplier: float = 100_000,
    confidence: float = 0.95,
    dissolve_method: DissolveMethod = "unary",
) -> AreaIndicators:
    """Compute population, standardised rates, excess events, deprivation and segments by area.

    Parameters
    ----------
    data : pandas.DataFrame
        Either persons (one row per person, with ``person_id``, ``age``, ``lsoa`` and the
        events column), or counts aggregated by LSOA with ``lsoa``, ``age_band`` (ESP2013
        labels), the ``population`` column and the events column (other dimensions such
        as ``sex`` or ``segment`` are summed over). Neither cube (segment or cohort) has
        ``lsoa``: aggregate the persons by LSOA, or pass the persons themselves.
    areas : pandas.DataFrame or geopandas.GeoDataFrame
        The areas table (``lsoa``, ``lsoa_name``, ``imd_decile``, ``place``, optional
        ``imd_score``, ``population`` and ``geometry``). Each person's place is the place
        of their LSOA here; a ``place`` column in the persons is not used. Without
        ``population`` (File 1 of the indices alone), each area's population is the
        persons registered in it, and ``notes`` says so.
    events : str
        The events column (an activity count, ``died``, a condition flag...).
    population : str
        For aggregated counts, the column of persons at risk.
    segment : str or None
        Column of segments (from :func:`toolkit.segment.assign_segments`) for the segment
        mix; ``None``, or a column the data do not have, gives no mix.
    reference : {"least_deprived", "system"}
        Expected events are what each area's persons would have at the age-specific rates
        of the least deprived IMD decile in the data (the DESIGN's excess events), or of
        the whole system.
    multiplier : float
        Rates per this many persons.
    confidence : float
        Confidence level of the limits, in [0.9, 1) as for every indicator (one level:
        the map shows one pair of limits).
    dissolve_method : {"unary", "coverage"}
        How place polygons are dissolved (see :func:`dissolve_places`).

    Returns
    -------
    AreaIndicators
        ``neighbourhoods`` and ``places`` tables (GeoDataFrames when ``areas`` has
        geometry), the segment mix, and what was left out.

    Raises
    ------
    DataContractError
        A required column is missing, or values break the rules: the areas repeat an LSOA
        code or leave an area without a place; the events are not counts of zero or more
        (whole numbers per person); an age is not a number of years, or an age band not an
        ESP2013 band. One error lists every problem of a table, its rows numbered as a
        spreadsheet numbers them (the first row is row 2). A subclass of ``ValueError``.
    ValueError
        ``events`` (or, for aggregated counts, ``population``) names a column the table
        does not have, a result column would overwrite an areas column, or an option is
        out of range.

    Notes
    -----
    With person-level data, persons with several events are handled as non-independent
    events (Dobson limits with the variance broken down by event frequency); with
    aggregated counts the events are taken as independent. Rates with fewer than 10
    events are not published (``note`` says so). Expected events use indirect
    standardisation; an age band with no persons in the reference takes the system's
    rate for that band.
    """
    import geopandas as gpd

    function = "area_indicators"
    per_person = "person_id" in data.columns
    # A parameter naming a column the table lacks is the caller's slip (ValueError, as in
    # every subpackage); a contract column missing is the data's (DataContractError).
    check_columns_exist(
        data, {"events": events, "population": None if per_person else population}, function
    )
    needed = ["lsoa", *(["age"] if per_person else ["age_band"])]
    absent = [c for c in needed if c not in data.columns]
    if absent:
        kind = "persons" if per_person else "aggregated counts"
        hint = (
            " Neither cube (segment or cohort) has 'lsoa': pass the persons instead."
            if "lsoa" in absent and not per_person
            else ""
        )
        fail(
            function,
            "column_present",
            f"the {kind} have no {', '.join(repr(c) for c in absent)} column." + hint,
            source=None,
        )
    absent = [c for c in _AREA_REQUIRED if c not in areas.columns]
    if absent:
        fail(
            function,
            "column_present",
            f"the areas have no {', '.join(absent)} column.",
            source=None,
        )
    area_problems = [
        _rows_problem(
            areas["lsoa"],
            areas["lsoa"].duplicated(keep=False).to_numpy(),
            "lsoa",
            "unique",
            ("shares an LSOA code with another row", "share an LSOA code with another row"),
        ),
        _blank_rows(areas["place"], "give every area a place"),
    ]
    if any(area_problems):
        _refuse([p for p in area_problems if p], "areas", function)

    # Who is where: each data row's area position; rows not found are counted and left out.
    matched = match_lsoa_codes(data, areas, left="persons" if per_person else "rows", right="areas")
    area_codes = pd.Index(areas["lsoa"].astype(str))
    position = area_codes.get_indexer(data["lsoa"].astype("string").str.strip().fillna(""))
    found = position >= 0
    event_values = data[events].to_numpy(dtype="float64", na_value=np.nan)
    not_count = np.isnan(event_values) | (event_values < 0)
    not_whole = per_person & ~not_count & (event_values != np.round(event_values))
    data_problems = [
        _rows_problem(
            data[events],
            not_count,
            events,
            "count",
            ("is not a count of zero or more", "are not counts of zero or more"),
        ),
        _rows_problem(
            data[events],
            not_whole & found,
            events,
            "whole_number",
            ("is not a whole number of events", "are not whole numbers of events"),
        ),
    ]
    if per_person:
        band, age_problem = _band_index(data["age"])
        heads = np.ones(len(data))
    else:
        band = pd.Index(ESP2013_BANDS).get_indexer(data["age_band"].astype(str).str.strip())
        age_problem = _rows_problem(
            data["age_band"],
            band < 0,
            "age_band",
            "esp2013_band",
            (
                "is not an ESP2013 band ('0-4', ..., '90+')",
                "are not ESP2013 bands ('0-4', ..., '90+')",
            ),
        )
        heads = data[population].to_numpy(dtype="float64", na_value=0.0)
    data_problems.append(age_problem)
    if any(data_problems):
        kind = "persons" if per_person else "aggregated counts"
        _refuse([p for p in data_problems if p], kind, function)
    persons_left_out = float(heads[~found].sum())
    events_left_out = float(event_values[~found].sum())
    position, band, heads, event_values = (
        position[found],
        band[found],
        heads[found],
        event_values[found],
    )
    # Reference age-specific rates.
    deciles = areas["imd_decile"].to_numpy(dtype="float64", na_value=np.nan)
    person_decile = deciles[position]
    band_persons = np.bincount(band, weights=heads, minlength=_N_BANDS)
    band_events = np.bincount(band, weights=event_values, minlength=_N_BANDS)
    with np.errstate(divide="ignore", invalid="ignore"):
        system_rates = np.where(band_persons > 0, band_events / band_persons, 0.0)
    if reference == "least_deprived":
        best = np.nanmax(person_decile) if len(person_decile) else np.nan
        in_reference = person_decile == best
        ref_persons = np.bincount(band[in_reference], heads[in_reference], minlength=_N_BANDS)
        ref_events = np.bincount(band[in_reference], event_values[in_reference], minlength=_N_BANDS)
        with np.errstate(divide="ignore", invalid="ignore"):
            rates = np.where(ref_persons > 0, ref_events / ref_persons, system_rates)
        reference_deciles = (int(best),) if np.isfinite(best) else ()
    else:
        rates = system_rates
        present = np.unique(person_decile[~np.isnan(person_decile)])
        reference_deciles = tuple(int(d) for d in present)
    reference_rates = pd.Series(rates, index=list(ESP2013_BANDS))

    # Neighbourhoods.
    n_areas = len(areas)
    settings = {"reference_rates": reference_rates, "multiplier": multiplier}
    settings["confidence"] = float(confidence)
    weights = None if per_person else heads
    area_rates = _rates(
        _dsr_input(position, band, event_values, n_areas, per_person=per_person, weights=weights),
        n_groups=n_areas,
        **settings,
    )
    persons_in_area = np.bincount(position, weights=heads, minlength=n_areas)
    keep = [c for c in ("lsoa", "lsoa_name", "place", "imd_score", "imd_decile") if c in areas]
    result_columns = ["persons", *area_rates.columns, "largest_segment", "largest_segment_share"]
    check_new_columns(areas, result_columns, function, owner="the areas'")
    neighbourhoods = pd.DataFrame({c: areas[c].to_numpy() for c in keep})
    notes: tuple[str, ...] = ()
    if "population" in areas.columns:
        area_population_column = areas["population"]
    else:
        area_population_column = pd.Series(_whole(persons_in_area))
        notes = (REGISTERED_POPULATION_NOTE,)
    neighbourhoods["population"] = area_population_column.to_numpy()
    neighbourhoods["persons"] = _whole(persons_in_area)
    for column in area_rates.columns:
        neighbourhoods[column] = area_rates[column].to_numpy()
    neighbourhoods["events"] = _whole(neighbourhoods["events"].to_numpy())

    # Places: the same figures from each place's persons.
    place_codes, place_names = pd.factorize(areas["place"].astype("string"), sort=True)
    n_places = len(place_names)
    person_place = place_codes[position]
    place_rates = _rates(
        _dsr_input(
            person_place, band, event_values, n_places, per_person=per_person, weights=weights
        ),
        n_groups=n_places,
        **settings,
    )
    area_population = area_population_column.to_numpy(dtype="float64", na_value=0.0)
    place_population = np.bincount(place_codes, weights=area_population, minlength=n_places)
    scores = (
        areas["imd_score"].to_numpy(dtype="float64", na_value=np.nan)
        if "imd_score" in areas
        else np.full(n_areas, np.nan)
    )
    scored = ~np.isnan(scores)
    core20 = np.isin(deciles, CORE20_DECILES)
    with np.errstate(divide="ignore", invalid="ignore"):
        weighted_score = np.bincount(
            place_codes[scored],
            weights=(scores * area_population)[scored],
            minlength=n_places,
        ) / np.bincount(place_codes[scored], weights=area_population[scored], minlength=n_places)
        core20_population_share = (
            np.bincount(place_codes, weights=area_population * core20, minlength=n_places)
            / place_population
        )
    places = pd.DataFrame(
        {
            "place": np.asarray(place_names, dtype=object),
            "neighbourhoods": np.bincount(place_codes, minlength=n_places),
            "population": place_population.astype(area_population_column.dtype, copy=False)
            if pd.api.types.is_integer_dtype(area_population_column)
            else place_population,
            "persons": _whole(np.bincount(person_place, weights=heads, minlength=n_places)),
            "imd_score": weighted_score,
            "core20_population_share": core20_population_share,
        }
    )
    for column in place_rates.columns:
        places[column] = place_rates[column].to_numpy()
    places["events"] = _whole(places["events"].to_numpy())
    # The places together: everyone found among the areas (not those left out).
    everyone = np.zeros(len(position), dtype=np.intp)
    all_places = _rates(
        _dsr_input(everyone, band, event_values, 1, per_person=per_person, weights=weights),
        n_groups=1,
        **settings,
    )
    all_places.insert(0, "persons", _whole(np.array([heads.sum()])))
    all_places["events"] = _whole(all_places["events"].to_numpy())

    # Segment mix.
    segment_mix = None
    if segment is not None and segment in data.columns:
        labels = data[segment].to_numpy()[found]
        codes, segments = pd.factorize(pd.Series(labels), sort=False)
        if isinstance(data[segment].dtype, pd.CategoricalDtype):
            order = [s for s in data[segment].cat.categories if s in set(segments)]
            segments = pd.Index(order)
            codes = segments.get_indexer(labels)
        n_segments = len(segments)
        tables = []
        for level, group, names, n_groups in (
            ("neighbourhood", position, area_codes, n_areas),
            ("place", person_place, pd.Index(place_names.astype(str)), n_places),
        ):
            counts = np.bincount(
                group * n_segments + codes, weights=heads, minlength=n_groups * n_segments
            ).reshape(n_groups, n_segments)
            totals = counts.sum(axis=1, keepdims=True)
            with np.errstate(divide="ignore", invalid="ignore"):
                shares = np.where(totals > 0, counts / totals, np.nan)
            largest = counts.argmax(axis=1)
            empty = totals[:, 0] == 0
            chosen = np.asarray(segments, dtype=object)[largest]
            chosen[empty] = None
            share_of_largest = np.where(empty, np.nan, shares[np.arange(n_groups), largest])
            target = neighbourhoods if level == "neighbourhood" else places
            target["largest_segment"] = chosen
            target["largest_segment_share"] = share_of_largest
            tables.append(
                pd.DataFrame(
                    {
                        "level": level,
                        "area": np.repeat(np.asarray(names, dtype=object), n_segments),
                        "segment": np.tile(np.asarray(segments, dtype=object), n_groups),
                        "persons": counts.ravel(),
                        "share": shares.ravel(),
                    }
                )
            )
        segment_mix = pd.concat(tables, ignore_index=True)

    if isinstance(areas, gpd.GeoDataFrame):
        neighbourhoods = gpd.GeoDataFrame(
            neighbourhoods, geometry=areas.geometry.to_numpy(), crs=areas.crs
        )
        dissolved = dissolve_places(
            neighbourhoods[["place", "population", "geometry"]],
            method=dissolve_method,
        )
        geometry = dissolved.set_index("place").geometry.reindex(places["place"])
        places = gpd.GeoDataFrame(places, geometry=geometry.to_numpy(), crs=areas.crs)

    return AreaIndicators(
        neighbourhoods=neighbourhoods,
        places=places,
        segment_mix=segment_mix,
        events=events,
        reference=reference,
        reference_deciles=reference_deciles,
        multiplier=float(multiplier),
        matched=matched,
        persons_left_out=persons_left_out,
        events_left_out=events_left_out,
        notes=notes,
        all_places=all_places,
    )
