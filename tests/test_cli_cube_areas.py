"""`--areas`: a cube from persons with an LSOA but no IMD decile, from the command line.

`pophealth validate` accepted such an extract and `pophealth cube` refused it, pointing at
``join_persons_to_areas`` in Python. `cube` (and `candidates`) now take ``--areas FILE``,
joining the persons to the areas by LSOA and counting those without a neighbourhood, and
`validate` says the cube needs it.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from toolkit.cli import main


@pytest.fixture(scope="module")
def extracts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Persons with deciles, the same without, some unmatched, and their areas file."""
    from toolkit.data import make_demo_system

    folder = tmp_path_factory.mktemp("cube_areas")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        system = make_demo_system(persons=600, seed=11)
    persons = system.persons
    files = {"with": folder / "with_deciles.csv", "without": folder / "without.csv"}
    persons.to_csv(files["with"], index=False)
    persons.drop(columns=["imd_decile", "place"]).to_csv(files["without"], index=False)
    unmatched = persons.drop(columns=["imd_decile", "place"]).astype({"lsoa": object})
    unmatched.loc[:11, "lsoa"] = "E01999999"  # 12 persons in no neighbourhood of the file
    unmatched.loc[12:14, "lsoa"] = None  # 3 with no LSOA
    files["unmatched"] = folder / "unmatched.csv"
    unmatched.to_csv(files["unmatched"], index=False)
    files["areas"] = folder / "areas.csv"
    pd.DataFrame(system.areas.drop(columns="geometry")).to_csv(files["areas"], index=False)
    return files


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_validate_says_the_cube_needs_areas(extracts, capsys):
    status, out, _ = run(["validate", str(extracts["without"])], capsys)
    assert status == 0
    assert f"{extracts['without']}: 600 rows meet the persons data contract." in out
    assert (
        f"{extracts['without']} has no imd_decile column: `pophealth cube` needs `--areas FILE` "
        "to give each person their neighbourhood's decile."
    ) in out.splitlines()
    status, out, _ = run(["validate", str(extracts["with"])], capsys)
    assert status == 0 and "imd_decile" not in out


def test_cube_without_areas_names_the_option(extracts, tmp_path, capsys):
    status, _, err = run(
        ["cube", str(extracts["without"]), "--out", str(tmp_path / "c.parquet"), "--quiet"],
        capsys,
    )
    assert status == 2
    assert "lacks columns the segment and cohort cubes need: 'imd_decile'" in err
    assert "`--areas FILE`" in err


def test_cube_with_areas_is_the_cube_of_the_persons_with_their_deciles(extracts, tmp_path, capsys):
    out_with, out_joined = tmp_path / "with.parquet", tmp_path / "joined.parquet"
    status, _, err = run(["cube", str(extracts["with"]), "--out", str(out_with), "--quiet"], capsys)
    assert status == 0, err
    argv = ["cube", str(extracts["without"]), "--areas", str(extracts["areas"])]
    status, out, err = run([*argv, "--out", str(out_joined), "--quiet"], capsys)
    assert status == 0, err
    assert (
        f"{extracts['without']} joined to {extracts['areas']} by LSOA: 600 persons kept: 600 "
        "matched an area"
    ) in out
    pd.testing.assert_frame_equal(pd.read_parquet(out_joined), pd.read_parquet(out_with))


def test_persons_without_a_neighbourhood_are_counted_and_kept(extracts, tmp_path, capsys):
    out = tmp_path / "cube.parquet"
    argv = ["cube", str(extracts["unmatched"]), "--areas", str(extracts["areas"])]
    status, said, err = run([*argv, "--out", str(out), "--quiet"], capsys)
    assert status == 0, err
    assert (
        "585 matched an area, 12 have an LSOA the areas table does not have, 3 have no LSOA. "
        "Unmatched LSOAs, most persons first: E01999999 (12)."
    ) in said
    assert (
        f"{extracts['unmatched']}: 15 persons have no IMD decile (no neighbourhood in "
        f"{extracts['areas']}, and none in the file): the cube counts them with the decile "
        "blank (deprivation unknown)."
    ) in said.splitlines()
    cube = pd.read_parquet(out)
    assert cube["persons"].sum() == 600
    assert cube.loc[cube["imd_decile"].isna(), "persons"].sum() == 15


def test_a_file_with_its_own_deciles_keeps_them_and_says_where_they_differ(
    extracts, tmp_path, capsys
):
    persons = pd.read_csv(extracts["with"])
    changed = persons.index[:4]
    persons.loc[changed, "imd_decile"] = persons.loc[changed, "imd_decile"] % 10 + 1
    path = tmp_path / "own.csv"
    persons.to_csv(path, index=False)
    argv = ["cube", str(path), "--areas", str(extracts["areas"])]
    status, said, err = run([*argv, "--out", str(tmp_path / "c.parquet"), "--quiet"], capsys)
    assert status == 0, err
    assert (
        f"{path}: the file's own IMD decile differs from {extracts['areas']}'s for 4 of the "
        "600 persons matched: the file's deciles are kept (the areas fill only blank ones); "
        "check that both use the same IMD edition."
    ) in said.splitlines()
    assert "existing=" not in said  # no Python words on the command line


def test_unmatched_persons_with_their_own_deciles_keep_them_and_are_said_so(
    extracts, tmp_path, capsys
):
    """Second review: 12 unmatched persons with deciles were said to be counted as blank."""
    persons = pd.read_csv(extracts["with"]).astype({"lsoa": object})
    persons.loc[:11, "lsoa"] = "E01999999"
    path = tmp_path / "own_unmatched.csv"
    persons.to_csv(path, index=False)
    out = tmp_path / "c.parquet"
    argv = ["cube", str(path), "--areas", str(extracts["areas"]), "--out", str(out), "--quiet"]
    status, said, err = run(argv, capsys)
    assert status == 0, err
    assert "counts them with the decile blank" not in said
    assert (
        f"{path}: 12 persons with no neighbourhood in {extracts['areas']} keep the file's own "
        "IMD decile."
    ) in said.splitlines()
    assert pd.read_parquet(out).loc[lambda c: c["imd_decile"].isna(), "persons"].sum() == 0


def test_blank_deciles_filled_from_the_areas_are_counted(extracts, tmp_path, capsys):
    persons = pd.read_csv(extracts["with"])
    persons.loc[:49, "imd_decile"] = None
    path = tmp_path / "blanks.csv"
    persons.to_csv(path, index=False)
    argv = ["cube", str(path), "--areas", str(extracts["areas"])]
    status, said, err = run([*argv, "--out", str(tmp_path / "c.parquet"), "--quiet"], capsys)
    assert status == 0, err
    assert (
        f"{path}: 50 blank IMD deciles were taken from {extracts['areas']}."
    ) in said.splitlines()


def test_the_areas_place_replaces_the_persons_own_as_in_the_board_report(
    extracts, tmp_path, capsys
):
    """Second review: the cube kept a place of the persons' own that the report replaces."""
    persons = pd.read_csv(extracts["with"])
    persons.loc[:99, "place"] = "Somewhere Else"
    path = tmp_path / "places.csv"
    persons.to_csv(path, index=False)
    out = tmp_path / "c.parquet"
    argv = ["cube", str(path), "--areas", str(extracts["areas"]), "--out", str(out), "--quiet"]
    status, said, err = run(argv, capsys)
    assert status == 0, err
    assert (
        f"{path}: the file's own place was replaced by {extracts['areas']}'s, as the board "
        "report's maps and place table use them, for 100 of the 600 persons matched."
    ) in said.splitlines()
    cube = pd.read_parquet(out)
    assert "Somewhere Else" not in set(cube["place"].dropna())
    expected = pd.read_csv(extracts["with"]).groupby("place").size()
    assert cube.groupby("place")["persons"].sum().sort_index().tolist() == (
        expected.sort_index().tolist()
    )


def test_areas_need_an_lsoa_column_and_repair_needs_areas(extracts, tmp_path, capsys):
    persons = pd.read_csv(extracts["with"]).drop(columns="lsoa")
    path = tmp_path / "no_lsoa.csv"
    persons.to_csv(path, index=False)
    argv = ["cube", str(path), "--areas", str(extracts["areas"]), "--out", str(tmp_path / "c")]
    status, _, err = run(argv, capsys)
    assert status == 2
    assert f"{path}: --areas gives each person their neighbourhood's IMD decile by LSOA" in err
    argv = ["cube", str(extracts["with"]), "--repair-geometry", "--out", str(tmp_path / "c")]
    status, _, err = run(argv, capsys)
    assert status == 2 and "--repair-geometry applies only with --areas" in err


def test_candidates_take_areas_too(extracts, tmp_path, capsys):
    template = tmp_path / "criteria.csv"
    argv = ["candidates", str(extracts["without"]), "--areas", str(extracts["areas"])]
    status, said, err = run([*argv, "--template", str(template), "--quiet"], capsys)
    assert status == 0, err
    assert "600 matched an area" in said
    assert template.exists()
