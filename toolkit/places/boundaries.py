"""Read ONS LSOA boundaries, recode LSOA vintages, and join boundaries to IMD and persons.

The Office for National Statistics publishes Lower layer Super Output Area (LSOA) boundaries
for 2011 and 2021 as GeoPackage, Shapefile and GeoJSON on the Open Geography Portal
(https://geoportal.statistics.gov.uk), and a 2011 to 2021 best-fit lookup with a change
indicator per pair of codes. GeoPackage and Shapefile come in British National Grid
(EPSG:27700); GeoJSON in WGS 84 longitude and latitude (EPSG:4326). Everything here returns
British National Grid so that areas are in square metres and scale bars in metres.

IMD 2019 is published on LSOA 2011 codes and IMD 2025 on LSOA 2021 codes: join each to the
boundaries of its own vintage. Person data on the other vintage can be recoded with
:func:`recode_lsoa` and the ONS lookup. Every join returns a report of the codes that did not
match; nothing is dropped without being counted.
"""

from __future__ import annotations

import re
from numbers import Integral
from pathlib import Path
from typing import Final, Literal

import numpy as np
import pandas as pd

from toolkit._params import Interval, StrOptions, check_columns_exist, validate_params
from toolkit.data.problems import FIRST_DATA_ROW, raise_problems, row_problem
from toolkit.errors import DataContractError
from toolkit.places._reports import CodeMatchReport, LsoaRecodeReport, _examples

#: The coordinate reference system every function here returns: British National Grid.
BRITISH_NATIONAL_GRID: Final[str] = "EPSG:27700"

#: ONS code and name columns of each LSOA vintage.
ONS_LSOA_COLUMNS: Final[dict[str, tuple[str, str]]] = {
    "2011": ("LSOA11CD", "LSOA11NM"),
    "2021": ("LSOA21CD", "LSOA21NM"),
}

#: ONS change indicators of the 2011 to 2021 LSOA lookup.
ONS_CHANGE_INDICATORS: Final[dict[str, str]] = {
    "U": "unchanged",
    "S": "split: one 2011 LSOA became two or more 2021 LSOAs",
    "M": "merged: two or more 2011 LSOAs became one 2021 LSOA",
    "X": "complex: boundaries redrawn, neither a simple split nor a merge",
}

#: An LSOA code in England (E01) or Wales (W01).
LSOA_CODE_PATTERN: Final[re.Pattern[str]] = re.compile(r"^[EW]01\d{6}$")

# British National Grid false origin and extent (metres), used to catch a wrongly labelled CRS.
_BNG_EXTENT: Final[tuple[float, float, float, float]] = (-10_000, -10_000, 710_000, 1_310_000)

#: How many of the rows left out a CodeMatchReport keeps (it counts them all).
_ROWS_KEPT: Final[int] = 20

LsoaVintage = Literal["2011", "2021"]
SplitRule = Literal["lowest_code", "largest_population", "unassigned"]

_SPLIT_RULES: Final[dict[str, str]] = {
    "lowest_code": "the new LSOA with the lowest code (deterministic, needs no other data)",
    "largest_population": "the new LSOA with the largest population (needs `population`)",
    "unassigned": "no code: the row is kept without an LSOA and counted in the report",
}
_VINTAGES: Final[tuple[str, ...]] = ("2011", "2021")


def _find_column(columns, wanted: str) -> str | None:
    """Return the column whose name equals ``wanted`` ignoring case, if any."""
    for column in columns:
        if str(column).upper() == wanted.upper():
            return column
    return None


def _clean_codes(values: pd.Series) -> pd.Series:
    """Return codes as strings without surrounding spaces; missing stays missing."""
    codes = values.astype("string").str.strip()
    return codes.mask(codes == "")


@validate_params(
    {
        "path": ["path"],
        "vintage": [StrOptions({"auto", *_VINTAGES})],
        "layer": ["str", None],
        "assume_crs": ["str", Interval(Integral, 1, None, closed="left"), None],
        "repair": ["boolean"],
    }
)
def read_lsoa_boundaries(
    path: str | Path,
    *,
    vintage: Literal["auto", "2011", "2021"] = "auto",
    layer: str | None = None,
    assume_crs: str | int | None = None,
    repair: bool = True,
):
    """Read an ONS LSOA boundary file into British National Grid.

    Parameters
    ----------
    path : str or Path
        A GeoPackage (``.gpkg``), GeoJSON (``.geojson``, ``.json``) or Shapefile (``.shp``,
        or a ``.zip`` holding one) of LSOA 2011 or 2021 boundaries as published by ONS.
    vintage : {"auto", "2011", "2021"}
        Which LSOA codes to read. ``"auto"`` finds ``LSOA21CD`` or ``LSOA11CD`` (any case)
        and refuses a file that has both.
    layer : str, optional
        The layer of a GeoPackage with several layers.
    assume_crs : str or int, optional
        The coordinate reference system to assume when the file declares none (for example
        ``"EPSG:27700"``). A file that declares one is never overridden.
    repair : bool
        Repair invalid polygons with ``make_valid`` (counted in ``attrs``). With ``False``,
        invalid polygons raise :class:`~toolkit.errors.DataContractError`.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per LSOA: ``lsoa``, ``lsoa_name``, ``geometry`` in EPSG:27700, in file order.
        ``attrs`` records ``lsoa_vintage``, ``source``, ``source_crs``, ``features`` and
        ``repaired_geometries``. Other ONS columns (``BNG_E``, ``LAT``, ``GlobalID``, ...)
        are not kept.

    Raises
    ------
    DataContractError
        The file has no LSOA code column, missing, malformed or duplicated codes, empty or
        non-polygon geometries, no CRS (and no ``assume_crs``), or coordinates that do not
        fall in Great Britain once reprojected.
    """
    import geopandas as gpd
    import pyogrio

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"No boundary file at {path}.")
    if layer is None and path.suffix.lower() == ".gpkg":
        layers = pyogrio.list_layers(path)
        if len(layers) > 1:
            names = ", ".join(str(name) for name in layers[:, 0])
            raise ValueError(
                f"{path.name} has {len(layers)} layers ({names}); pass layer= to choose one."
            )
    raw = gpd.read_file(path, layer=layer) if layer is not None else gpd.read_file(path)
    source = path.name

    found = {
        year: _find_column(raw.columns, ONS_LSOA_COLUMNS[year][0])
        for year in _VINTAGES
        if _find_column(raw.columns, ONS_LSOA_COLUMNS[year][0]) is not None
    }
    if vintage == "auto":
        if len(found) != 1:
            columns = ", ".join(str(column) for column in raw.columns)
            problem = "both LSOA11CD and LSOA21CD" if found else "neither LSOA11CD nor LSOA21CD"
            raise DataContractError(
                f"{source} has {problem}; pass vintage='2011' or '2021'"
                f"{' to choose' if found else ' only for a file with one of them'}. "
                f"Columns found: {columns}.",
                source=source,
            )
        vintage = next(iter(found))
    elif vintage not in found:
        raise DataContractError(
            f"{source} has no {ONS_LSOA_COLUMNS[vintage][0]} column for LSOA {vintage} codes. "
            f"Columns found: {', '.join(str(column) for column in raw.columns)}.",
            source=source,
        )
    code_column = found[vintage]
    name_column = _find_column(raw.columns, ONS_LSOA_COLUMNS[vintage][1])

    codes = _clean_codes(raw[code_column])
    names = (
        _clean_codes(raw[name_column])
        if name_column is not None
        else pd.Series(pd.NA, index=raw.index, dtype="string")
    )
    boundaries = gpd.GeoDataFrame(
        {"lsoa": codes.to_numpy(), "lsoa_name": names.to_numpy()},
        geometry=raw.geometry.to_numpy(),
        crs=raw.crs,
    )
    _check_codes(boundaries["lsoa"], source=source, column=str(code_column))

    problems = []
    empty = (boundaries.geometry.isna() | boundaries.geometry.is_empty).to_numpy()
    polygonal = boundaries.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    for mask, check, phrases in (
        (empty, "has_geometry", ("has no shape (geometry)", "have no shape (geometry)")),
        (
            ~polygonal & ~empty,
            "polygon",
            (
                "is not a polygon (is this an LSOA boundary file?)",
                "are not polygons (is this an LSOA boundary file?)",
            ),
        ),
    ):
        if mask.any():
            problems.append(
                row_problem(
                    str(code_column),  # each area named by its code, as for invalid shapes
                    check,
                    phrases,
                    np.flatnonzero(mask),
                    boundaries["lsoa"].to_numpy()[mask].tolist(),
                    FIRST_DATA_ROW,
                )
            )
    if problems:
        raise_problems(problems, label=source, source=source)

    source_crs = boundaries.crs
    if source_crs is None:
        if assume_crs is None:
            raise DataContractError(
                f"{source} declares no coordinate reference system. ONS GeoPackages and "
                "Shapefiles are in British National Grid: if this one is, pass "
                "assume_crs='EPSG:27700'.",
                source=source,
            )
        boundaries = boundaries.set_crs(assume_crs)
        source_crs = boundaries.crs
    if not boundaries.crs.equals(BRITISH_NATIONAL_GRID):
        boundaries = boundaries.to_crs(BRITISH_NATIONAL_GRID)
    xmin, ymin, xmax, ymax = boundaries.total_bounds
    lo_x, lo_y, hi_x, hi_y = _BNG_EXTENT
    if not (xmin >= lo_x and ymin >= lo_y and xmax <= hi_x and ymax <= hi_y):
        raise DataContractError(
            f"{source}'s coordinates fall outside Great Britain once read as "
            f"{source_crs.to_string()} and reprojected to British National Grid "
            f"(bounds {xmin:,.0f}, {ymin:,.0f}, {xmax:,.0f}, {ymax:,.0f}). The file's "
            "coordinate reference system is probably mislabelled.",
            source=source,
        )

    invalid = ~boundaries.geometry.is_valid
    repaired = int(invalid.sum())
    if repaired:
        if not repair:
            raise_problems(
                [
                    row_problem(
                        str(code_column),  # each area named by its code
                        "valid_geometry",
                        (
                            "has an invalid polygon (pass repair=True to repair it with "
                            "make_valid)",
                            "have invalid polygons (pass repair=True to repair them with "
                            "make_valid)",
                        ),
                        np.flatnonzero(invalid.to_numpy()),
                        boundaries.loc[invalid, "lsoa"].tolist(),
                        FIRST_DATA_ROW,
                    )
                ],
                label=source,
                source=source,
            )
        fixed = boundaries.geometry.copy()
        fixed.loc[invalid] = (
            boundaries.geometry[invalid]
            .make_valid(method="structure", keep_collapsed=False)
            .to_numpy()
        )
        boundaries = boundaries.set_geometry(fixed)

    boundaries.attrs = {
        "lsoa_vintage": vintage,
        "source": source,
        "source_crs": source_crs.to_string(),
        "features": len(boundaries),
        "repaired_geometries": repaired,
    }
    return boundaries


def _check_codes(codes: pd.Series, *, source: str, column: str) -> None:
    """Raise one DataContractError for missing, malformed and duplicated LSOA codes."""
    problems = []
    values = codes.to_numpy(dtype=object)
    missing = codes.isna().to_numpy()
    malformed = (
        ~missing
        & ~codes.fillna("").str.fullmatch(LSOA_CODE_PATTERN.pattern).astype(bool).to_numpy()
    )
    repeated = ~missing & codes.duplicated(keep=False).to_numpy()
    for mask, check, phrases, shown in (
        (missing, "not_blank", ("has no code", "have no code"), None),
        (
            malformed,
            "lsoa_code",
            ("is not an LSOA code like E01000001", "are not LSOA codes like E01000001"),
            values,
        ),
        (repeated, "unique", ("repeats an LSOA code", "repeat LSOA codes"), values),
    ):
        if mask.any():
            problems.append(
                row_problem(
                    column,
                    check,
                    phrases,
                    np.flatnonzero(mask),
                    None if shown is None else shown[mask].tolist(),
                    FIRST_DATA_ROW,
                )
            )
    if problems:
        raise_problems(problems, label=source, source=source)


@validate_params({"path": ["path"]})
def read_lsoa_lookup(path: str | Path) -> pd.DataFrame:
    """Read the ONS LSOA 2011 to LSOA 2021 lookup (CSV or Excel).

    Parameters
    ----------
    path : str or Path
        The ONS "LSOA (2011) to LSOA (2021) to Local Authority District (2022) Lookup for
        England and Wales" as CSV or ``.xlsx``, with columns ``LSOA11CD``, ``LSOA21CD`` and
        ``CHGIND`` (any case); names and local authority columns are kept if present.

    Returns
    -------
    pandas.DataFrame
        The lookup with upper-case ONS column names, codes stripped of spaces, one row per
        pair of codes.

    Raises
    ------
    DataContractError
        A required column is missing, a code is missing or malformed, or a change indicator
        is not one of U, S, M, X.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"No lookup file at {path}.")
    if path.suffix.lower() in {".xlsx", ".xls"}:
        raw = pd.read_excel(path, dtype=str)
    else:
        raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    lookup = raw.rename(columns={column: str(column).strip().upper() for column in raw.columns})
    required = ("LSOA11CD", "LSOA21CD", "CHGIND")
    absent = [column for column in required if column not in lookup.columns]
    if absent:
        raise DataContractError(
            f"{path.name} is not an ONS LSOA 2011 to 2021 lookup: it has no "
            f"{', '.join(absent)} column. Columns found: {', '.join(map(str, raw.columns))}.",
            source=path.name,
        )
    lookup = lookup.assign(
        **{column: _clean_codes(lookup[column]) for column in required},
    )
    lookup = lookup.assign(CHGIND=lookup["CHGIND"].str.upper())
    problems = []
    for column in ("LSOA11CD", "LSOA21CD"):
        codes = lookup[column]
        bad = codes.isna() | ~codes.fillna("").str.fullmatch(LSOA_CODE_PATTERN.pattern)
        bad = bad.astype(bool).to_numpy()
        if bad.any():
            problems.append(
                row_problem(
                    column,
                    "lsoa_code",
                    (
                        "is blank or not an LSOA code like E01000001",
                        "are blank or not LSOA codes like E01000001",
                    ),
                    np.flatnonzero(bad),
                    codes[bad].tolist(),
                    FIRST_DATA_ROW,
                )
            )
    bad = (~lookup["CHGIND"].isin(list(ONS_CHANGE_INDICATORS))).astype(bool).to_numpy()
    if bad.any():
        problems.append(
            row_problem(
                "CHGIND",
                "one_of",
                ("is not one of U, S, M, X", "are other than U, S, M, X"),
                np.flatnonzero(bad),
                lookup.loc[bad, "CHGIND"].tolist(),
                FIRST_DATA_ROW,
            )
        )
    if problems:
        raise_problems(problems, label=path.name, source=path.name)
    return lookup.drop_duplicates(subset=["LSOA11CD", "LSOA21CD"]).reset_index(drop=True)


@validate_params(
    {
        "data": ["data-frame"],
        "lookup": ["data-frame"],
        "column": ["column"],
        "to": [StrOptions(_VINTAGES)],
        "split_rule": [StrOptions(_SPLIT_RULES)],
        "population": ["series", None],
    }
)
def recode_lsoa(
    data: pd.DataFrame,
    lookup: pd.DataFrame,
    *,
    column: str = "lsoa",
    to: LsoaVintage = "2021",
    split_rule: SplitRule = "lowest_code",
    population: pd.Series | None = None,
) -> tuple[pd.DataFrame, LsoaRecodeReport]:
    """Recode a table's LSOA codes from one vintage to the other with the ONS lookup.

    Use it when person data and boundaries (or IMD) use different LSOA vintages: each row
    gets exactly one code of the target vintage, so that counts are conserved.

    Parameters
    ----------
    data : pandas.DataFrame
        Rows with an LSOA code each (persons, or any row-level table).
    lookup : pandas.DataFrame
        The ONS lookup as returned by :func:`read_lsoa_lookup`.
    column : str
        The column holding LSOA codes; it is replaced by the target vintage's codes.
    to : {"2021", "2011"}
        The vintage to recode to.
    split_rule : {"lowest_code", "largest_population", "unassigned"}
        Where one code became several (an ONS split, ``S``, or a complex change, ``X``):
        ``"lowest_code"`` takes the new LSOA with the lowest code, ``"largest_population"``
        the one with the largest ``population``, ``"unassigned"`` leaves the row without
        a code. Merges (``M``) need no rule: every old code has one new code.
    population : pandas.Series, optional
        Population indexed by target-vintage LSOA code, needed by ``"largest_population"``
        (for example ``areas.set_index("lsoa")["population"]``).

    Returns
    -------
    recoded : pandas.DataFrame
        A new table, rows in the same order, with ``column`` holding target-vintage codes and
        the original codes kept in ``f"{column}_{source vintage}"`` (``lsoa_2011``).
    report : LsoaRecodeReport
        Rows by change type; rows already on the target vintage, with no code, with a code
        in neither vintage (kept unchanged) or left unassigned; complex codes to check.

    Notes
    -----
    A split assigns a whole person to one part. Nothing in an LSOA code says which part a
    person lives in, so any rule is a guess; ``"largest_population"`` is right for the most
    people, ``"lowest_code"`` needs no population and gives the same answer on every run.
    With postcodes, a postcode-to-2021-LSOA lookup (ONS NSPL) places people exactly.
    """
    function = "recode_lsoa"
    check_columns_exist(data, {"column": column}, function)
    missing_lookup = [c for c in ("LSOA11CD", "LSOA21CD") if c not in lookup.columns]
    if missing_lookup:
        raise ValueError(
            f"{function}: the lookup has no {', '.join(missing_lookup)} column; read it "
            "with read_lsoa_lookup."
        )
    source = "2011" if to == "2021" else "2021"
    kept_column = f"{column}_{source}"
    if kept_column in data.columns:
        raise ValueError(
            f"{function} would write the original codes to '{kept_column}', which the data "
            "already have. Rename or drop it first."
        )
    if split_rule == "largest_population":
        if population is None:
            raise ValueError(
                f"The 'population' parameter of {function} is needed when split_rule is "
                "'largest_population'. Got None instead."
            )

    source_column, target_column = ONS_LSOA_COLUMNS[source][0], ONS_LSOA_COLUMNS[to][0]
    has_change = "CHGIND" in lookup.columns
    pairs = pd.DataFrame(
        {
            "source": _clean_codes(lookup[source_column]),
            "target": _clean_codes(lookup[target_column]),
            "change": (
                lookup["CHGIND"].astype("string").str.upper()
                if has_change
                else pd.Series(pd.NA, index=lookup.index, dtype="string")
            ),
        }
    ).drop_duplicates(subset=["source", "target"])
    if to == "2011" and has_change:
        # The ONS indicator describes 2011 -> 2021; going back, a merge is a split.
        pairs = pairs.assign(change=pairs["change"].replace({"S": "M", "M": "S"}))
    targets_per_source = pairs.groupby("source", sort=False)["target"].transform("nunique")
    # Without a change indicator, infer it: one target is a U or M, several an S.
    inferred = np.where(targets_per_source.to_numpy() > 1, "S", "U")
    pairs = pairs.assign(
        change=pairs["change"].fillna(pd.Series(inferred, index=pairs.index, dtype="string")),
        several=targets_per_source.to_numpy() > 1,
    )

    if split_rule == "largest_population":
        population_by_code = pd.Series(
            population.to_numpy(dtype=float), index=population.index.astype(str)
        )
        split_targets = pairs.loc[pairs["several"], "target"]
        lacking = sorted(set(split_targets) - set(population_by_code.dropna().index))
        if lacking:
            raise ValueError(
                f"{function}: 'population' has no figure for {len(lacking):,} LSOA {to} codes "
                f"that split codes map to ({_examples(lacking)})."
            )
        pairs = pairs.assign(rank_key=-pairs["target"].map(population_by_code).to_numpy())
    else:
        pairs = pairs.assign(rank_key=0.0)
    # One target per source code: lowest rank key (largest population), ties by lowest code.
    chosen = pairs.sort_values(["source", "rank_key", "target"]).drop_duplicates("source")
    if split_rule == "unassigned":
        chosen = chosen.assign(target=chosen["target"].mask(chosen["several"]))
    change_of_source = (
        pairs.assign(is_x=pairs["change"].eq("X"))
        .groupby("source", sort=False)
        .agg(change=("change", "first"), is_x=("is_x", "any"))
    )
    change_of_source = change_of_source["change"].mask(change_of_source["is_x"], "X")

    codes = _clean_codes(data[column])
    target_of = pd.Series(chosen["target"].to_numpy(), index=chosen["source"].to_numpy())
    in_source = codes.isin(target_of.index).to_numpy()
    in_target = codes.isin(pairs["target"]).to_numpy() & ~in_source
    missing = codes.isna().to_numpy()
    unmatched = ~(in_source | in_target | missing)
    new_codes = codes.copy()
    new_codes.loc[in_source] = codes[in_source].map(target_of).to_numpy()

    changes = codes[in_source].map(change_of_source)
    rows_by_change = {
        key: int(value) for key, value in changes.value_counts().items() if int(value)
    }
    unassigned = int((in_source & new_codes.isna().to_numpy()).sum())
    complex_codes = tuple(sorted(codes[in_source][changes.eq("X").to_numpy()].unique()))
    report = LsoaRecodeReport(
        source_vintage=source,
        target_vintage=to,
        split_rule=split_rule,
        rows=len(data),
        rows_by_change=rows_by_change,
        rows_already_target=int(in_target.sum()),
        rows_missing_code=int(missing.sum()),
        rows_unmatched=int(unmatched.sum()),
        rows_unassigned=unassigned,
        unmatched_codes=tuple(sorted(codes[unmatched].unique())),
        complex_codes=complex_codes,
    )
    position = data.columns.get_loc(column)
    recoded = data.assign(**{column: new_codes.to_numpy()})
    recoded.insert(position + 1, kept_column, data[column].to_numpy())
    return recoded, report


@validate_params(
    {
        "data": ["data-frame"],
        "areas": ["data-frame"],
        "column": ["column"],
        "left": ["str"],
        "right": ["str"],
    }
)
def match_lsoa_codes(
    data: pd.DataFrame,
    areas: pd.DataFrame,
    *,
    column: str = "lsoa",
    left: str = "persons",
    right: str = "neighbourhoods",
) -> CodeMatchReport:
    """Report which rows' LSOA codes are found among the areas' codes.

    Parameters
    ----------
    data : pandas.DataFrame
        Rows with LSOA codes in ``column`` (persons, an IMD table, ...).
    areas : pandas.DataFrame or geopandas.GeoDataFrame
        Areas with an ``lsoa`` column (boundaries or the areas table).
    column : str
        The column of ``data`` holding LSOA codes.
    left, right : str
        What the rows and the areas are, for the report's wording.

    Returns
    -------
    CodeMatchReport
        Matched rows, rows with no code, rows whose code is not among the areas (with the
        codes), the first 20 rows left out (``unmatched_row_numbers``, as positions;
        ``str()`` shows them as spreadsheet rows, the first row being row 2, and says how
        many were left out in all), and area codes no row used.
    """
    check_columns_exist(data, {"column": column}, "match_lsoa_codes")
    if "lsoa" not in areas.columns:
        raise ValueError("match_lsoa_codes: the areas have no 'lsoa' column.")
    codes = _clean_codes(data[column])
    known = pd.Index(_clean_codes(areas["lsoa"]).dropna().unique())
    missing = codes.isna().to_numpy()
    found = codes.isin(known).to_numpy()
    unmatched = ~found & ~missing
    left_out = np.flatnonzero(~found)
    return CodeMatchReport(
        left=left,
        right=right,
        rows=len(data),
        matched_rows=int(found.sum()),
        missing_code_rows=int(missing.sum()),
        unmatched_rows=int(unmatched.sum()),
        unmatched_codes=tuple(sorted(codes[unmatched].unique())),
        unmatched_row_numbers=tuple(int(row) for row in left_out[:_ROWS_KEPT]),
        right_unused_codes=tuple(sorted(known.difference(codes.dropna().unique()))),
    )


@validate_params({"boundaries": ["geo-data-frame"], "areas": ["data-frame"], "areas_name": ["str"]})
def join_boundaries(
    boundaries,
    areas: pd.DataFrame,
    *,
    areas_name: str = "IMD rows",
):
    """Attach boundaries to an areas table (an IMD file read by ``read_areas``) by LSOA code.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        LSOA boundaries with ``lsoa`` and ``geometry`` (from :func:`read_lsoa_boundaries`).
    areas : pandas.DataFrame
        One row per LSOA with an ``lsoa`` column and no geometry, such as the areas contract
        (``lsoa``, ``lsoa_name``, ``imd_score``, ``imd_decile``, ``population``, ``place``).
        Its codes must be of the boundaries' vintage: IMD 2019 with 2011 boundaries, IMD 2025
        with 2021 boundaries.
    areas_name : str
        What the areas rows are, for the report's wording.

    Returns
    -------
    joined : geopandas.GeoDataFrame
        The areas rows that have a boundary, in the areas' order, with the boundary's
        geometry (EPSG:27700 if read by :func:`read_lsoa_boundaries`). ``lsoa_name`` is
        taken from the boundaries where the areas have none.
    report : CodeMatchReport
        Areas rows with no boundary (codes and rows), and boundaries with no areas row.

    Raises
    ------
    DataContractError
        Either table repeats an LSOA code.
    ValueError
        The areas table already has a ``geometry`` column.
    """
    import geopandas as gpd

    function = "join_boundaries"
    for name, frame in (("boundaries", boundaries), ("areas", areas)):
        if "lsoa" not in frame.columns:
            raise ValueError(f"{function}: the {name} have no 'lsoa' column.")
        codes = _clean_codes(frame["lsoa"])
        repeated = codes[codes.duplicated(keep=False) & codes.notna()]
        if len(repeated):
            raise DataContractError(
                f"{function}: the {name} repeat {repeated.nunique():,} LSOA codes "
                f"({_examples(sorted(repeated.unique()))}); each LSOA must appear once."
            )
    geometry_name = boundaries.geometry.name
    if geometry_name in areas.columns or "geometry" in areas.columns:
        raise ValueError(
            f"{function}: the areas table already has a '{geometry_name}' column; drop it "
            "before joining boundaries."
        )
    report = match_lsoa_codes(areas, boundaries, left=areas_name, right="boundaries")
    keyed = boundaries.assign(lsoa=_clean_codes(boundaries["lsoa"]))
    lookup_columns = ["lsoa", geometry_name]
    if "lsoa_name" in boundaries.columns:
        lookup_columns.insert(1, "lsoa_name")
    right = pd.DataFrame(keyed[lookup_columns]).rename(
        columns={"lsoa_name": "_boundary_lsoa_name", geometry_name: "_geometry"}
    )
    left = areas.assign(lsoa=_clean_codes(areas["lsoa"]))
    merged = left.merge(right, on="lsoa", how="inner", sort=False, validate="one_to_one")
    if "_boundary_lsoa_name" in merged.columns:
        if "lsoa_name" in merged.columns:
            merged = merged.assign(
                lsoa_name=merged["lsoa_name"].fillna(merged["_boundary_lsoa_name"])
            )
        else:
            merged.insert(1, "lsoa_name", merged["_boundary_lsoa_name"])
        merged = merged.drop(columns="_boundary_lsoa_name")
    joined = gpd.GeoDataFrame(
        merged.drop(columns="_geometry"),
        geometry=gpd.GeoSeries(merged["_geometry"].to_numpy(), crs=boundaries.crs).to_numpy(),
        crs=boundaries.crs,
    )
    joined.attrs = dict(boundaries.attrs)
    return joined, report


__all__ = [
    "BRITISH_NATIONAL_GRID",
    "LSOA_CODE_PATTERN",
    "ONS_CHANGE_INDICATORS",
    "ONS_LSOA_COLUMNS",
    "join_boundaries",
    "match_lsoa_codes",
    "read_lsoa_boundaries",
    "read_lsoa_lookup",
    "recode_lsoa",
]
