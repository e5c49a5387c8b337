"""Areas are checked for valid geometry before anything is drawn, with a repair offered.

A self-intersecting polygon (a "bow-tie") used to pass ``pophealth validate --kind areas``
and then stop the board report with a GEOS traceback when the map was drawn. It is now a
data-contract failure naming the row and shapely's reason, and ``repair_geometry`` repairs
it with ``make_valid`` (keeping the polygonal parts), saying which rows it repaired.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

from toolkit.data.readers import read_areas, validate_areas
from toolkit.errors import DataContractError

gpd = pytest.importorskip("geopandas")
shapely = pytest.importorskip("shapely")

HERE = Path(__file__).parent
BOW_TIE_FILE = HERE / "bad_inputs" / "areas_self_intersecting.geojson"
GOOD_AREAS = HERE / "fixtures" / "areas_good.csv"
GOOD_PERSONS = HERE / "fixtures" / "persons_good.csv"

#: The corpus file's bow-tie: row 5, crossing itself at the centre of its 1 km square.
BOW_TIE_ROW = 5
BOW_TIE_REASON = "Self-intersection[443500 350500]"


def _square(west: float, south: float, size: float = 1_000) -> shapely.Polygon:
    return shapely.box(west, south, west + size, south + size)


def _bow_tie(west: float, south: float, size: float = 1_000) -> shapely.Polygon:
    east, north = west + size, south + size
    return shapely.Polygon([(west, south), (east, north), (east, south), (west, north)])


def _areas(shapes: list, *, crs: str | int = 27700) -> gpd.GeoDataFrame:
    """The good areas fixture (8 rows) with ``shapes`` as its geometry."""
    table = pd.read_csv(GOOD_AREAS)
    return gpd.GeoDataFrame(table, geometry=shapes, crs=crs)


def _squares() -> list:
    return [_square(440_000 + 1_000 * i, 350_000) for i in range(8)]


def _write(frame: gpd.GeoDataFrame, path: Path) -> Path:
    frame.to_file(path)
    return path


def _cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "POPHEALTH_DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "toolkit.cli", *arguments],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


# ---------------------------------------------------------------------------------------------
# The reader refuses invalid geometry, naming the row and the reason
# ---------------------------------------------------------------------------------------------


def test_a_bow_tie_is_refused_with_its_row_and_reason():
    with pytest.raises(DataContractError) as caught:
        read_areas(BOW_TIE_FILE)
    error = caught.value
    message = str(error)
    assert message.startswith(f"{BOW_TIE_FILE.name}: 1 problem found.")
    assert f"column 'geometry': 1 row has invalid geometry (row 5: {BOW_TIE_REASON})" in message
    assert "repair_geometry=True" in message and "--repair-geometry" in message  # offered
    assert str(error.source) == str(BOW_TIE_FILE)
    failures = error.failures
    assert list(failures.columns) == ["column", "check", "failing_rows", "example_rows", "message"]
    assert failures["column"].tolist() == ["geometry"]
    assert failures["check"].tolist() == ["valid_geometry"]
    assert failures["failing_rows"].tolist() == [1]
    assert failures["example_rows"].tolist() == [[BOW_TIE_ROW]]
    assert BOW_TIE_REASON in failures["message"].iloc[0]


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson"])
def test_every_invalid_row_is_named_in_a_geopackage_or_geojson(tmp_path, suffix):
    shapes = _squares()
    shapes[0] = _bow_tie(0, 0, size=1)
    shapes[6] = _bow_tie(446_000, 350_000)
    path = _write(_areas(shapes), tmp_path / f"areas{suffix}")
    with pytest.raises(DataContractError) as caught:
        read_areas(path)
    message = str(caught.value)
    assert "2 rows have invalid geometry" in message
    assert "row 2: Self-intersection[0.5 0.5]" in message
    assert "row 8: Self-intersection[446500 350500]" in message
    assert caught.value.failures["example_rows"].tolist() == [[2, 8]]


def test_missing_and_invalid_geometry_are_listed_together(tmp_path):
    shapes = _squares()
    shapes[1] = None
    shapes[3] = _bow_tie(443_000, 350_000)
    with pytest.raises(DataContractError) as caught:
        validate_areas(_areas(shapes), source="areas.gpkg")
    message = str(caught.value)
    assert "2 problems found" in message
    assert "column 'geometry': 1 row has no geometry (row 3)" in message
    assert "column 'geometry': 1 row has invalid geometry (row 5: Self-intersection" in message
    assert caught.value.failures["check"].tolist() == ["geometry", "valid_geometry"]


def test_the_reason_is_in_the_files_own_coordinates_when_reprojected():
    shapes = _squares()
    shapes[3] = _bow_tie(443_000, 350_000)
    in_degrees = _areas(shapes).to_crs(4326)
    expected = shapely.is_valid_reason(in_degrees.geometry.iloc[3])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the reprojection's note
        with pytest.raises(DataContractError) as caught:
            validate_areas(in_degrees)
    assert f"(row 5: {expected})" in str(caught.value)


def test_the_repair_flag_must_be_a_bool():
    with pytest.raises(TypeError, match="'repair_geometry' parameter of read_areas"):
        read_areas(BOW_TIE_FILE, repair_geometry="yes")


# ---------------------------------------------------------------------------------------------
# repair_geometry=True repairs, keeps polygons, and says what it repaired
# ---------------------------------------------------------------------------------------------


def test_repair_accepts_the_file_and_reports_the_row():
    with pytest.warns(UserWarning, match=r"1 row's geometry was invalid and repaired") as caught:
        areas = read_areas(BOW_TIE_FILE, repair_geometry=True)
    assert f"row 5: {BOW_TIE_REASON}" in str(caught[0].message)
    assert areas.attrs["repaired_geometry"] == [BOW_TIE_ROW]
    assert len(areas) == 8
    assert str(areas.crs) == "EPSG:27700"


def test_a_repaired_geometry_is_a_valid_polygon_with_positive_area():
    with pytest.warns(UserWarning):
        areas = read_areas(BOW_TIE_FILE, repair_geometry=True)
    repaired = areas.geometry.iloc[BOW_TIE_ROW - 2]
    assert repaired.is_valid
    assert repaired.geom_type in {"Polygon", "MultiPolygon"}
    assert repaired.area > 0
    assert repaired.area == pytest.approx(500_000)  # the bow-tie's two triangles, in m²
    assert areas.geometry.is_valid.all()
    # The other rows are untouched.
    others = areas.drop(index=BOW_TIE_ROW - 2)
    assert (others.geometry.area == 1_000_000).all()


def test_repair_keeps_only_polygonal_parts():
    # A polygon with a dangling spike: make_valid's default method would give a polygon
    # plus a line; only the polygon is kept, so that the area stays a polygon.
    spiky = shapely.Polygon(
        [(440_000, 350_000), (441_000, 350_000), (441_000, 351_000), (440_000, 351_000),
         (440_000, 350_000), (439_000, 349_000), (440_000, 350_000)]
    )  # fmt: skip
    assert not spiky.is_valid
    shapes = _squares()
    shapes[0] = spiky
    with pytest.warns(UserWarning, match="repaired"):
        areas = validate_areas(_areas(shapes), repair_geometry=True)
    repaired = areas.geometry.iloc[0]
    assert repaired.geom_type in {"Polygon", "MultiPolygon"}
    assert repaired.is_valid and repaired.area == pytest.approx(1_000_000)
    assert areas.attrs["repaired_geometry"] == [2]


def test_only_polygonal_parts_of_a_collection_are_kept():
    from toolkit.data.geometry import _polygonal_part

    square, other = _square(0, 0), _square(5, 5)
    collection = shapely.GeometryCollection(
        [square, shapely.LineString([(0, 0), (-1, -1)]), shapely.MultiPolygon([other])]
    )
    assert _polygonal_part(collection).equals(shapely.MultiPolygon([square, other]))
    assert _polygonal_part(shapely.GeometryCollection([square, shapely.Point(9, 9)])) == square
    assert _polygonal_part(shapely.LineString([(0, 0), (1, 1)])) is None
    assert _polygonal_part(shapely.Polygon()) is None


def test_a_polygon_with_no_area_cannot_be_repaired_and_is_still_refused():
    shapes = _squares()
    shapes[2] = shapely.Polygon([(442_000, 350_000), (442_500, 350_500), (443_000, 351_000)])
    with pytest.raises(DataContractError) as caught:
        validate_areas(_areas(shapes), repair_geometry=True)
    message = str(caught.value)
    assert "1 row has invalid geometry that cannot be repaired into a polygon" in message
    assert "(row 4: " in message and "no area is left" in message


def test_valid_geometry_is_unchanged_and_no_repair_is_reported():
    frame = _areas(_squares())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        areas = validate_areas(frame, repair_geometry=True)
        plain = validate_areas(frame)
    assert areas.attrs["repaired_geometry"] == [] == plain.attrs["repaired_geometry"]
    assert areas.geometry.geom_equals_exact(frame.geometry, tolerance=0).all()
    assert plain.geometry.geom_equals_exact(frame.geometry, tolerance=0).all()


def test_a_valid_file_reads_the_same_with_and_without_repair(tmp_path):
    path = _write(_areas(_squares()), tmp_path / "areas.gpkg")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plain = read_areas(path)
        repaired = read_areas(path, repair_geometry=True)
    assert plain.attrs["repaired_geometry"] == [] == repaired.attrs["repaired_geometry"]
    pd.testing.assert_frame_equal(pd.DataFrame(plain), pd.DataFrame(repaired))


# ---------------------------------------------------------------------------------------------
# The command line: exit 2 and a plain message; --repair-geometry
# ---------------------------------------------------------------------------------------------


def test_validate_refuses_a_bow_tie_with_exit_two_and_no_traceback():
    result = _cli("validate", str(BOW_TIE_FILE), "--kind", "areas")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert "GEOS" not in result.stderr
    assert "the data does not meet the contract" in result.stderr
    assert f"row 5: {BOW_TIE_REASON}" in result.stderr
    assert "--repair-geometry" in result.stderr
    assert result.stdout == ""


def test_validate_with_repair_geometry_accepts_and_names_the_repaired_row():
    result = _cli("validate", str(BOW_TIE_FILE), "--kind", "areas", "--repair-geometry")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "8 rows meet the areas data contract" in result.stdout
    assert "geometry repaired with make_valid in 1 row(s): 5." in result.stdout
    assert f"note: {BOW_TIE_FILE.name}: 1 row's geometry was invalid and repaired" in (
        result.stderr
    )


def test_validate_of_a_valid_file_reports_no_repair(tmp_path):
    path = _write(_areas(_squares()), tmp_path / "areas.gpkg")
    result = _cli("validate", str(path), "--kind", "areas", "--repair-geometry")
    assert result.returncode == 0, result.stderr
    assert "repaired" not in result.stdout + result.stderr


def test_repair_geometry_is_refused_for_a_persons_file(capsys):
    from toolkit.cli import main

    status = main(["validate", str(GOOD_PERSONS), "--repair-geometry"])
    assert status == 2
    assert "--repair-geometry applies only to --kind areas" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# The report reads areas through the same reader: same files accepted and refused
# ---------------------------------------------------------------------------------------------


def _report_config(folder: Path, *, extra: str = "") -> Path:
    path = folder / "report.toml"
    path.write_text(
        f'system_name = "Test ICS"\npersons = "{GOOD_PERSONS.as_posix()}"\n'
        f'areas = "{BOW_TIE_FILE.as_posix()}"\nperiod = "2025/26"\n{extra}',
        encoding="utf-8",
    )
    return path


def test_report_configuration_has_a_repair_geometry_key(tmp_path):
    from toolkit.report import load_config

    assert load_config(_report_config(tmp_path)).repair_geometry is False
    config = load_config(_report_config(tmp_path, extra="repair_geometry = true\n"))
    assert config.repair_geometry is True
    assert config.to_parameters()["repair_geometry"] is True
    with pytest.raises(TypeError, match="'repair_geometry' must be true or false"):
        load_config(_report_config(tmp_path, extra='repair_geometry = "yes"\n'))


def test_report_inputs_refuse_and_repair_as_validate_does(tmp_path):
    from dataclasses import replace

    from toolkit.report import load_config, load_inputs

    config = load_config(_report_config(tmp_path))
    with pytest.raises(DataContractError, match=r"row 5: Self-intersection\[443500 350500\]"):
        load_inputs(config)
    with pytest.warns(UserWarning, match="repaired with make_valid"):
        inputs = load_inputs(replace(config, repair_geometry=True))
    assert inputs.areas.attrs["repaired_geometry"] == [BOW_TIE_ROW]
    assert inputs.areas.geometry.is_valid.all()
    assert "invalid area shapes repaired with make_valid: 1 row, 5" in inputs.description


def test_report_command_passes_repair_geometry_to_the_build(tmp_path, monkeypatch):
    import toolkit.report
    from toolkit.cli import main

    seen = {}

    def fake_build(config, out_dir, **options):
        seen["config"] = config
        return "built"

    monkeypatch.setattr(toolkit.report, "build_report", fake_build)
    config = _report_config(tmp_path)
    assert main(["report", "--config", str(config), "--out", str(tmp_path / "out")]) == 0
    assert seen["config"].repair_geometry is False
    arguments = [
        "report",
        "--config",
        str(config),
        "--out",
        str(tmp_path / "o"),
        "--repair-geometry",
    ]
    assert main(arguments) == 0
    assert seen["config"].repair_geometry is True


def test_report_command_refuses_a_bow_tie_with_exit_two(tmp_path, capsys):
    from toolkit.cli import main

    out = tmp_path / "out"
    status = main(["report", "--config", str(_report_config(tmp_path)), "--out", str(out)])
    captured = capsys.readouterr()
    assert status == 2
    assert "Traceback" not in captured.err + captured.out
    assert f"row 5: {BOW_TIE_REASON}" in captured.err
    assert not out.exists() or not any(out.iterdir())


def test_synth_names_its_own_repair_option_when_it_refuses_a_shape(tmp_path, capsys):
    """`pophealth synth --areas` refused a bow-tie naming only other commands' options."""
    from toolkit.cli import main

    code = main(
        ["synth", "--areas", str(BOW_TIE_FILE), "--persons", "500", "--out", str(tmp_path / "x")]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "pophealth synth --areas FILE --repair-geometry" in err
    assert "Traceback" not in err
    assert not (tmp_path / "x" / "persons.parquet").exists()
