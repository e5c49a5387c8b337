"""Synthesising on your own geography (issue 14): ``make_demo_system(areas=...)`` and
``pophealth synth --areas FILE``.

The fixture geography has real-looking LSOA codes (E01000001 to E01000012), three places,
deciles from 1 to 10 and unequal populations, with square boundaries in British National
Grid. Every random check uses a fixed seed, so none can flake.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from toolkit.data import synth
from toolkit.data.readers import read_areas, read_persons
from toolkit.data.synth import DemoSystem, make_demo_system, write_demo_system

PERSONS = 60_000
SEED = 20261122

LSOAS = tuple(f"E01{number:06d}" for number in range(1, 13))
DECILES = (1, 1, 2, 2, 3, 5, 6, 7, 8, 9, 10, 10)
POPULATIONS = (1_200, 1_800, 1_500, 2_100, 1_000, 1_600, 1_400, 1_700, 1_300, 2_500, 1_550, 1_650)
PLACES = ("North",) * 4 + ("Central",) * 4 + ("South",) * 4


def _geography() -> gpd.GeoDataFrame:
    """Twelve LSOAs in a 4 x 3 grid of 1 km squares, in the areas contract."""
    squares = [
        shapely.box(
            430_000 + (i % 4) * 1_000,
            430_000 + (i // 4) * 1_000,
            431_000 + (i % 4) * 1_000,
            431_000 + (i // 4) * 1_000,
        )
        for i in range(len(LSOAS))
    ]
    return gpd.GeoDataFrame(
        {
            "lsoa": list(LSOAS),
            "lsoa_name": [
                f"{place} {i // 4 + 1:03d}{'ABCD'[i % 4]}" for i, place in enumerate(PLACES)
            ],
            "imd_score": np.linspace(60.0, 2.0, len(LSOAS)).round(1),
            "imd_decile": list(DECILES),
            "population": list(POPULATIONS),
            "place": list(PLACES),
        },
        geometry=squares,
        crs="EPSG:27700",
    )


@pytest.fixture(scope="module")
def geography() -> gpd.GeoDataFrame:
    return _geography()


@pytest.fixture(scope="module")
def system(geography: gpd.GeoDataFrame) -> DemoSystem:
    return make_demo_system(PERSONS, SEED, areas=geography)


@pytest.fixture(scope="module")
def persons(system: DemoSystem) -> pd.DataFrame:
    return system.persons


# --- persons carry over from their LSOA -------------------------------------------------


def test_every_person_lives_in_one_of_the_given_lsoas(persons):
    assert len(persons) == PERSONS
    assert set(persons["lsoa"]) == set(LSOAS)


def test_each_person_has_their_lsoas_decile_and_place(persons, geography):
    lookup = geography.set_index("lsoa")
    expected_decile = persons["lsoa"].map(lookup["imd_decile"])
    expected_place = persons["lsoa"].map(lookup["place"])
    assert (persons["imd_decile"].to_numpy() == expected_decile.to_numpy()).all()
    assert (persons["place"].to_numpy() == expected_place.to_numpy()).all()


def test_persons_per_lsoa_in_proportion_to_population(persons):
    counts = persons["lsoa"].value_counts().reindex(list(LSOAS)).to_numpy()
    exact = PERSONS * np.asarray(POPULATIONS) / sum(POPULATIONS)
    # Largest remainders: every LSOA is within one person of its exact share.
    assert np.abs(counts - exact).max() < 1.0
    assert counts.sum() == PERSONS


def test_epidemiology_follows_each_lsoas_real_decile(persons):
    deprived = persons["imd_decile"] <= 2
    affluent = persons["imd_decile"] >= 9
    admissions = persons["emergency_admissions"]
    assert admissions[deprived].mean() > 1.15 * admissions[affluent].mean()
    # Deprived areas are younger (the decile's age structure), and multimorbidity comes
    # earlier there (at 50 to 64, more people with two or more conditions).
    older = persons["age"] >= 65
    assert older[deprived].mean() < older[affluent].mean()
    conditions = persons[list(synth.CONDITIONS)].sum(axis=1) >= 2
    middle = persons["age"].between(50, 64)
    assert conditions[deprived & middle].mean() > 1.3 * conditions[affluent & middle].mean()


def test_the_decile_not_the_row_drives_the_epidemiology(geography):
    # The same LSOAs with their deciles reversed: the gradient follows the deciles.
    reversed_deciles = geography.assign(imd_decile=list(DECILES[::-1]))
    persons = make_demo_system(PERSONS, SEED, areas=reversed_deciles).persons
    first_four = persons["lsoa"].isin(LSOAS[:4])
    last_four = persons["lsoa"].isin(LSOAS[-4:])
    admissions = persons["emergency_admissions"]
    assert admissions[last_four].mean() > 1.15 * admissions[first_four].mean()


def test_persons_meet_the_contract(persons):
    from toolkit.data.readers import validate_persons

    assert len(validate_persons(persons, source="synthesised persons")) == PERSONS


# --- the areas returned ------------------------------------------------------------------


def test_areas_are_the_given_areas_with_their_real_population(system, geography):
    assert isinstance(system.areas, gpd.GeoDataFrame)
    pd.testing.assert_frame_equal(
        pd.DataFrame(system.areas.drop(columns="geometry")),
        pd.DataFrame(geography.drop(columns="geometry")),
    )
    assert system.areas.geometry.geom_equals_exact(geography.geometry, tolerance=0).all()
    assert system.areas is not geography
    assert system.areas["population"].tolist() == list(POPULATIONS)


def test_boundary_is_the_union_of_the_given_shapes(system):
    assert system.boundary.equals(shapely.box(430_000, 430_000, 434_000, 433_000))
    assert "12 given LSOAs in 3 places" in system.name
    assert system.seed == SEED


def test_areas_without_shapes_give_no_boundary(geography):
    plain = pd.DataFrame(geography.drop(columns="geometry"))
    system = make_demo_system(2_000, SEED, areas=plain)
    assert system.boundary is None
    assert not isinstance(system.areas, gpd.GeoDataFrame)
    # Shapes or not, the same seed places the same persons.
    with_shapes = make_demo_system(2_000, SEED, areas=geography)
    pd.testing.assert_frame_equal(system.persons, with_shapes.persons)


def test_equal_shares_without_a_population_column_with_a_warning(geography):
    plain = geography.drop(columns="population")
    with pytest.warns(UserWarning, match="no population, so each of its 12 LSOAs"):
        system = make_demo_system(1_200, SEED, areas=plain)
    counts = system.persons["lsoa"].value_counts()
    assert set(counts) == {100}
    assert system.areas["population"].tolist() == [100] * 12
    assert "population" not in plain.columns  # the caller's table is not changed
    # A population column with no values at all counts as none.
    blank = geography.assign(population=pd.array([pd.NA] * 12, dtype="Int64"))
    with pytest.warns(UserWarning, match="no population"):
        counts = make_demo_system(1_200, SEED, areas=blank).persons["lsoa"].value_counts()
    assert set(counts) == {100}


def test_only_the_needed_columns_are_required(geography):
    minimal = pd.DataFrame(geography[["lsoa", "place", "imd_decile", "population"]])
    persons = make_demo_system(1_000, SEED, areas=minimal).persons
    assert set(persons["lsoa"]) <= set(LSOAS)


def test_an_lsoa_with_no_population_gets_no_persons(geography):
    empty_first = geography.assign(population=[0, *POPULATIONS[1:]])
    persons = make_demo_system(5_000, SEED, areas=empty_first).persons
    assert LSOAS[0] not in set(persons["lsoa"])


def test_same_seed_and_areas_give_equal_persons(geography):
    first = make_demo_system(3_000, 9, areas=geography).persons
    second = make_demo_system(3_000, 9, areas=geography).persons
    other = make_demo_system(3_000, 10, areas=geography).persons
    pd.testing.assert_frame_equal(first, second)
    assert not first["age"].equals(other["age"])


def test_write_demo_system_places_persons_on_the_given_areas(tmp_path, geography):
    paths = write_demo_system(
        tmp_path, persons=2_500, seed=3, areas=geography, progress=False, chunk_size=1
    )
    assert paths["areas"].name == "areas.gpkg"
    written = pd.read_parquet(paths["persons"])
    pd.testing.assert_frame_equal(
        written, make_demo_system(2_500, 3, areas=geography).persons, check_dtype=True
    )
    areas = read_areas(paths["areas"])
    assert areas["lsoa"].tolist() == list(LSOAS)
    assert areas["population"].tolist() == list(POPULATIONS)


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (lambda a: a.to_dict(), TypeError, "The 'areas' parameter of make_demo_system must be"),
        (lambda a: a.drop(columns="imd_decile"), ValueError, "has no imd_decile column"),
        (lambda a: a.iloc[:0], ValueError, "has no rows"),
        (lambda a: a.assign(imd_decile=[11, *DECILES[1:]]), ValueError, "whole number 1 to 10"),
        (lambda a: a.assign(imd_decile=[None, *DECILES[1:]]), ValueError, "blank or non-numeric"),
        (lambda a: a.assign(lsoa=[LSOAS[1], *LSOAS[1:]]), ValueError, "same lsoa more than once"),
        (
            lambda a: a.assign(place=["", *PLACES[1:]]),
            ValueError,
            "blank place in the row at position 0",
        ),
        (lambda a: a.assign(population=[-1, *POPULATIONS[1:]]), ValueError, "0 or more"),
        (lambda a: a.assign(population=0), ValueError, "population of 0 in every LSOA"),
    ],
)
def test_bad_areas_are_refused_plainly(geography, change, error, message):
    with pytest.raises(error, match=re.escape(message)):
        make_demo_system(1_000, SEED, areas=change(geography))


# --- without areas, nothing changes ------------------------------------------------------

#: Digests of the whole default demo system (persons; areas without and with geometry) as
#: generated before ``areas=`` existed (numpy 2.4, pandas 3.1).
DEFAULT_DIGESTS = {
    (2_000, 7): (
        "655a4bba411cc64490d81a834335e4699b44ee46daa14cd5956c039ab105d950",
        "8e7ef0cff2f3cc5c5ec664ab8288d333acb674fa5d1d3339f6e4295c5e3fbcae",
        "e3af2975ad5064f74086e39f41014630010a684bd1d189fd594e45ca35400ed2",
    ),
    (120_000, 3): (
        "b4880579276a23c981298b6dad61047603a500f01d3e3e1142f98ba766465db4",
        "69eb1771ddd75161c14c4590993ec3e5d937897db5bdbd6faf64b85ad7b3ce66",
        "7c107bea2f1c2ecc438a8cc3dec6f1ae3b12c0f14bdbc27a9784386f593d6393",
    ),
}


def _digest(frame: pd.DataFrame, columns: list[str]) -> str:
    """SHA-256 over the columns' values: raw bytes of numpy numbers and flags, others as text.

    Nullable columns (``boolean``) are hashed as text: their numpy form holds objects.
    """
    parts = []
    for name in columns:
        series = frame[name]
        column = hashlib.sha256()
        if isinstance(series.dtype, np.dtype) and series.dtype.kind in "biuf":
            column.update(np.ascontiguousarray(series.to_numpy()).tobytes())
        else:
            column.update("\x1f".join("\x00" if pd.isna(v) else str(v) for v in series).encode())
        parts.append(f"{name}:{column.hexdigest()}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@pytest.mark.parametrize(("persons", "seed"), list(DEFAULT_DIGESTS))
def test_default_demo_system_is_unchanged(persons, seed):
    system = make_demo_system(persons, seed)
    areas = system.areas
    assert system.name == synth.DEMO_SYSTEM_NAME
    assert (
        _digest(system.persons, list(system.persons.columns)) == DEFAULT_DIGESTS[persons, seed][0]
    )
    assert (
        _digest(areas, [c for c in areas.columns if c != "geometry"])
        == (DEFAULT_DIGESTS[persons, seed][1])
    )
    wkb = hashlib.sha256(b"".join(areas.geometry.to_wkb())).hexdigest()
    assert wkb == DEFAULT_DIGESTS[persons, seed][2]
    explicit = make_demo_system(persons, seed, areas=None)
    pd.testing.assert_frame_equal(explicit.persons, system.persons)


# --- the command line ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def synthesised(tmp_path_factory, geography) -> dict[str, Path]:
    """``pophealth synth --areas`` run on the fixture geography written as a GeoPackage."""
    from toolkit.cli import main

    folder = tmp_path_factory.mktemp("own_geography")
    areas_file = folder / "my-areas.gpkg"
    geography.to_file(areas_file, layer="areas", driver="GPKG")
    out = folder / "synth"
    status = main(
        [
            "synth",
            "--areas",
            str(areas_file),
            "--persons",
            "30000",
            "--seed",
            "5",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert status == 0
    return {"persons": out / "persons.parquet", "areas": out / "areas.gpkg"}


def test_cli_writes_files_that_validate_accepts(synthesised, capsys):
    from toolkit.cli import main

    assert main(["validate", str(synthesised["persons"])]) == 0
    assert main(["validate", "--kind", "areas", str(synthesised["areas"])]) == 0
    printed = capsys.readouterr().out
    assert "30,000 rows meet the persons data contract" in printed
    assert "12 rows meet the areas data contract" in printed
    persons = read_persons(synthesised["persons"])
    assert set(persons["lsoa"]) == set(LSOAS)
    assert read_areas(synthesised["areas"])["population"].tolist() == list(POPULATIONS)


def test_cli_areas_without_shapes_are_written_as_parquet(tmp_path, geography, capsys):
    from toolkit.cli import main

    areas_file = tmp_path / "areas.csv"
    pd.DataFrame(geography.drop(columns="geometry")).to_csv(areas_file, index=False)
    out = tmp_path / "out"
    status = main(["synth", "--areas", str(areas_file), "--persons", "1200", "--out", str(out)])
    assert status == 0
    assert "placed 1,200 synthetic persons in the 12 LSOAs" in capsys.readouterr().out
    assert main(["validate", "--kind", "areas", str(out / "areas.parquet")]) == 0
    assert not (out / "areas.gpkg").exists()


def test_cli_bad_areas_file_exits_2_without_a_traceback(tmp_path, capsys):
    from toolkit.cli import EXIT_BAD_INPUT, main

    bad = tmp_path / "areas.csv"
    bad.write_text("lsoa,place\nX,Somewhere\n", encoding="utf-8")
    out = tmp_path / "out"
    status = main(["synth", "--areas", str(bad), "--persons", "1000", "--out", str(out)])
    err = capsys.readouterr().err
    assert status == EXIT_BAD_INPUT
    assert "Traceback" not in err
    assert "pophealth synth: the data does not meet the contract" in err
    assert "areas.csv" in err
    assert not (out / "persons.parquet").exists()


def test_cli_missing_areas_file_exits_2(tmp_path, capsys):
    from toolkit.cli import EXIT_BAD_INPUT, main

    status = main(["synth", "--areas", str(tmp_path / "none.gpkg"), "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == EXIT_BAD_INPUT
    assert "Traceback" not in err and "there is no such file" in err


def test_cli_help_explains_synthesising_on_your_own_areas(capsys):
    from toolkit.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(["synth", "--help"])
    assert stopped.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--areas FILE" in text
    assert "in proportion to its population" in text
    assert "real deprivation decile" in text
    assert "rehearse the whole workflow" in text


# --- the board report builds on the synthesised files -------------------------------------


@pytest.mark.slow
def test_board_report_builds_from_the_synthesised_files(synthesised, tmp_path):
    import nbformat

    from toolkit.report.build import build_report
    from toolkit.report.config import ReportConfig

    config = ReportConfig(
        system_name="Rehearsal system (synthetic persons)",
        persons=str(synthesised["persons"]),
        areas=str(synthesised["areas"]),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = build_report(config, tmp_path / "report", progress=False, pdf=False)
    notebook = nbformat.read(result.notebook, as_version=4)
    errors = [
        output
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors
    html = result.html.read_text(encoding="utf-8")
    assert "Rehearsal system (synthetic persons)" in html
    assert all(place in html for place in ("North", "Central", "South"))


# --- the indices edition travels with the written areas (walk-through fix) ----------------

FILE_1_2025 = Path(__file__).parent / "iod" / "File_1_IoD2025_Index_of_Multiple_Deprivation.csv"


def _report_inputs(persons: Path, areas: Path):
    from toolkit.report import load_inputs
    from toolkit.report.config import ReportConfig

    config = ReportConfig(system_name="Rehearsal", persons=str(persons), areas=str(areas))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_inputs(config)


def test_synth_on_an_iod2025_file_writes_areas_that_say_2025(tmp_path, capsys):
    from toolkit.cli import main

    out = tmp_path / "s3"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        status = main(
            ["synth", "--areas", str(FILE_1_2025), "--persons", "200", "--out", str(out), "--quiet"]
        )
    assert status == 0, capsys.readouterr().err
    assert read_areas(out / "areas.parquet").attrs["imd_edition"] == "2025"
    assert _report_inputs(out / "persons.parquet", out / "areas.parquet").imd_edition == "2025"


def test_a_written_geopackage_records_the_edition_too(tmp_path, geography):
    areas = geography.copy()
    areas.attrs["imd_edition"] = "2025"
    paths = write_demo_system(tmp_path, persons=1_200, seed=SEED, areas=areas, progress=False)
    assert paths["areas"].suffix == ".gpkg"
    assert read_areas(paths["areas"]).attrs["imd_edition"] == "2025"
    assert _report_inputs(paths["persons"], paths["areas"]).imd_edition == "2025"


def test_the_report_does_not_guess_an_edition_the_areas_do_not_give(tmp_path, geography):
    areas_file = tmp_path / "my_areas.csv"  # no edition in the name or the columns
    pd.DataFrame(geography.drop(columns="geometry")).to_csv(areas_file, index=False)
    paths = write_demo_system(
        tmp_path / "out", persons=1_200, seed=SEED, areas=read_areas(areas_file), progress=False
    )
    assert read_areas(paths["areas"]).attrs["imd_edition"] is None
    assert _report_inputs(paths["persons"], paths["areas"]).imd_edition == ""  # not "2019"


# --- what synth says about the areas it was given (walk-through) -------------------------


def _many_lsoas(count: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lsoa": [f"E01{number:06d}" for number in range(1, count + 1)],
            "lsoa_name": [f"Area {number:03d}A" for number in range(1, count + 1)],
            "imd_decile": [1 + number % 10 for number in range(count)],
            "population": [1_500] * count,
            "place": ["North", "South", "East"] * (count // 3),
        }
    )


def test_synth_counts_the_lsoas_that_receive_no_one(tmp_path, capsys):
    from toolkit.cli import main

    areas_file = tmp_path / "many_areas.csv"
    _many_lsoas(300).to_csv(areas_file, index=False)
    out = tmp_path / "out"
    status = main(
        ["synth", "--areas", str(areas_file), "--persons", "100", "--out", str(out), "--quiet"]
    )
    assert status == 0
    err = capsys.readouterr().err
    assert (
        "many_areas.csv has 300 LSOAs, but 100 persons shared out in proportion to population "
        "reach only 100 of them: the other 200 receive no one"
    ) in " ".join(err.split())
    import json

    import pyarrow.parquet as pq

    recorded = json.loads(pq.read_schema(out / "persons.parquet").metadata[b"toolkit.synth"])
    assert recorded["areas"] == 300 and recorded["areas_with_persons"] == 100
    assert read_persons(out / "persons.parquet")["lsoa"].nunique() == 100


def test_synth_says_how_many_lsoas_received_persons_and_combines_indices_files(tmp_path, capsys):
    from toolkit.cli import main

    areas_file = tmp_path / "many_areas.csv"
    _many_lsoas(300).to_csv(areas_file, index=False)
    out = tmp_path / "out"
    args = ["--persons", "100", "--out", str(out), "--quiet"]
    assert main(["synth", "--areas", str(areas_file), *args]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert "placed 100 synthetic persons in 100 of the 300 LSOAs of" in said
    # Several Indices of Deprivation files are combined (File 1's deciles, File 6's
    # population), as read_areas([...]) combines them.
    iod = Path(__file__).parent / "iod"
    file_1 = iod / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
    file_6 = iod / "File_6_-_IoD2019_Population_Denominators.csv"
    both = tmp_path / "both"
    assert main(["synth", "--areas", str(file_1), str(file_6), "--out", str(both), "--quiet",
                 "--persons", "500"]) == 0  # fmt: skip
    said = " ".join(capsys.readouterr().out.split())
    assert f"of {file_1} + {file_6}" in said
    written = read_areas(both / "areas.parquet")
    expected = read_areas([file_1, file_6])
    assert written["population"].tolist() == expected["population"].tolist()


def test_no_warning_when_only_lsoas_of_no_population_receive_no_one(geography):
    empty_first = geography.assign(population=[0, *POPULATIONS[1:]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_demo_system(5_000, SEED, areas=empty_first)


def test_synth_names_the_areas_file_not_a_function(tmp_path, geography, capsys):
    from toolkit.cli import EXIT_BAD_INPUT, main

    areas_file = tmp_path / "zero_population.csv"
    pd.DataFrame(geography.drop(columns="geometry")).assign(population=0).to_csv(
        areas_file, index=False
    )
    status = main(["synth", "--areas", str(areas_file), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == EXIT_BAD_INPUT
    assert "zero_population.csv has a population of 0 in every LSOA" in err
    assert "write_demo_system" not in err
