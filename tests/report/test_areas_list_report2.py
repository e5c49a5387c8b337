"""A report configuration's ``areas`` may list files joined on LSOA code (issue 14).

``pophealth validate --kind areas FILE_1 FILE_6`` and ``pophealth synth --areas`` take the
English Indices of Deprivation File 1 (deciles) with File 6 (population); the report's
``areas`` key took one file only. The report needs no boundaries (without them it draws no
map and says so), so it takes the same list.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest

from toolkit.data import make_demo_system, read_areas
from toolkit.report import compute_board_figures, load_config, load_inputs
from toolkit.report.config import ReportConfig, config_template

IOD = Path(__file__).resolve().parents[1] / "data" / "iod"
FILE_1 = "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
FILE_6 = "File_6_-_IoD2019_Population_Denominators.csv"
SEED = 20261122


@pytest.fixture(scope="module")
def system(tmp_path_factory) -> Path:
    """A folder with IoD2019 File 1 and File 6 (in iod/) and persons living in their LSOAs."""
    folder = tmp_path_factory.mktemp("iod-report")
    (folder / "iod").mkdir()
    for name in (FILE_1, FILE_6):
        shutil.copy(IOD / name, folder / "iod" / name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        areas = read_areas([IOD / FILE_1, IOD / FILE_6])
        people = make_demo_system(persons=600, seed=SEED, areas=areas).persons
    people.drop(columns=["imd_decile", "place"], errors="ignore").to_csv(
        folder / "persons.csv", index=False
    )
    return folder


def _config(folder: Path, areas: str) -> Path:
    path = folder / "report.toml"
    path.write_text(
        f'system_name = "City system"\npersons = "persons.csv"\nareas = {areas}\n'
        f"seed = {SEED}\nshortlist_size = 3\nsynthetic_data = true\n",
        encoding="utf-8",
    )
    return path


def test_a_list_of_areas_files_is_read_joined_on_lsoa_code(system):
    config = load_config(_config(system, f'["iod/{FILE_1}", "iod/{FILE_6}"]'))
    assert config.areas == [str(system / "iod" / FILE_1), str(system / "iod" / FILE_6)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inputs = load_inputs(config)
    areas = inputs.areas.set_index("lsoa")
    # File 1's deciles and File 6's population, joined on LSOA code.
    assert areas.loc["E01000001", "imd_decile"] == 9
    assert areas.loc["E01000001", "population"] == 1296
    assert areas.loc["E01000006", "population"] == 1939
    assert not inputs.has_boundaries  # the report draws no map, and says so
    assert inputs.description == f"persons: persons.csv; areas: {FILE_1} + {FILE_6}"
    assert set(inputs.fingerprints) == {"persons", f"areas ({FILE_1})", f"areas ({FILE_6})"}
    assert len(set(inputs.fingerprints.values())) == 3


def test_a_report_is_computed_from_file_1_and_file_6(system):
    config = load_config(_config(system, f'["iod/{FILE_1}", "iod/{FILE_6}"]'))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        figures = compute_board_figures(config, progress=False)
    assert int(figures.segments.loc["total", "persons"]) == 600
    assert figures.inputs.areas_in_file == 5
    # The papermill parameters carry the list as it is (the notebook's ReportConfig takes it).
    assert config.to_parameters()["areas"] == config.areas
    assert ReportConfig(**config.to_parameters()) == config


def test_one_file_in_a_list_reads_as_that_file(system):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (File 1 alone: no score, no population)
        single = load_inputs(load_config(_config(system, f'"iod/{FILE_1}"')))
        listed = load_inputs(load_config(_config(system, f'["iod/{FILE_1}"]')))
    assert listed.description == single.description
    assert listed.fingerprints == single.fingerprints
    assert list(single.fingerprints) == ["persons", "areas"]


@pytest.mark.parametrize(
    ("areas", "error", "match"),
    [
        ('["iod/nope.csv"]', FileNotFoundError, r"'areas' names .*nope\.csv, which does not"),
        ("[]", ValueError, r"'areas' must be a list of areas files \(text\), without 'demo'"),
        ('["demo"]', ValueError, r"'areas' must be a list of areas files"),
        ("3", TypeError, r"'areas' must be text \(in quotes\), or a list of text"),
        (f'["iod/{FILE_1}", ""]', ValueError, r"'areas' must be a list of areas files"),
        ('""', ValueError, r"'areas' must name a file, or be 'demo'"),
        (
            f'["iod/{FILE_1}", "iod/{FILE_6}", "iod/{FILE_6}"]',
            ValueError,
            r"'areas' names the same file more than once",
        ),
    ],
)
def test_a_bad_list_of_areas_files_is_refused_naming_the_key(system, areas, error, match):
    with pytest.raises(error, match=match) as refused:
        load_config(_config(system, areas))
    assert "report.toml" in str(refused.value)


def test_demo_persons_take_demo_areas_not_a_list():
    with pytest.raises(ValueError, match="'areas' must be 'demo' exactly when persons is"):
        ReportConfig(system_name="A", areas=["a.csv", "b.csv"])


def test_print_config_and_the_guide_say_areas_takes_a_list():
    template = config_template()
    assert "a list of files joined on LSOA code (IoD File 1 and File 6; no map)" in template
    guide = (Path(__file__).resolve().parents[2] / "docs" / "report.md").read_text("utf-8")
    row = next(line for line in guide.splitlines() if line.startswith("| `areas` |"))
    assert "list of files joined on LSOA code" in row


@pytest.mark.parametrize("key", ["criteria_scores", "decision_log"])
def test_a_blank_optional_file_is_refused_naming_the_key(system, key):
    path = _config(system, '"demo"').read_text(encoding="utf-8")
    path = path.replace('persons = "persons.csv"', 'persons = "demo"') + f'{key} = " "\n'
    (system / "blank.toml").write_text(path, encoding="utf-8")
    with pytest.raises(ValueError, match=f"'{key}' must name a file, or be left out"):
        load_config(system / "blank.toml")
