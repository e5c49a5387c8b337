from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.data.synth import DEMO_SYSTEM_NAME
from toolkit.report import ReportConfig, demo_config, load_config

ROOT = Path(__file__).resolve().parents[2]


def _write(folder: Path, text: str) -> Path:
    path = folder / "report.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_demo_configuration_file_loads_and_matches_demo_config():
    config = load_config(ROOT / "reports" / "demo.toml")
    default = demo_config()
    for key in ("system_name", "persons", "areas", "demo_persons", "seed", "period"):
        assert getattr(config, key) == getattr(default, key)
    assert config.is_demo and config.source.endswith("demo.toml")
    assert default.system_name == DEMO_SYSTEM_NAME
    assert default.to_parameters()["shortlist_size"] == 5


def test_paths_are_relative_to_the_file(tmp_path):
    (tmp_path / "data").mkdir()
    for name in ("persons.parquet", "areas.gpkg", "log.csv"):
        (tmp_path / "data" / name).write_bytes(b"")
    path = _write(
        tmp_path,
        'system_name = "North ICS"\npersons = "data/persons.parquet"\n'
        'areas = "data/areas.gpkg"\ndecision_log = "data/log.csv"\nperiod = "2024/25"\n',
    )
    config = load_config(path)
    assert config.persons == str((tmp_path / "data" / "persons.parquet").resolve())
    assert config.decision_log == str((tmp_path / "data" / "log.csv").resolve())
    assert not config.is_demo


@pytest.mark.parametrize(
    ("text", "error", "match"),
    [
        ('system_name = "A"\nshortlist = 5\n', ValueError, "unknown key\\(s\\) 'shortlist'"),
        ('period = "2025/26"\n', ValueError, "'system_name' is missing"),
        ('system_name = "A"\nseed = "one"\n', TypeError, "'seed' must be a whole number"),
        ('system_name = "A"\nshortlist_size = 5.0\n', TypeError, "'shortlist_size' must be"),
        ('system_name = "A"\ndisclosure_threshold = true\n', TypeError, "'disclosure_threshold'"),
        ('system_name = "A"\nshortlist_size = 12\n', ValueError, "'shortlist_size' must be from"),
        ('system_name = "A"\npersons = "p.csv"\n', ValueError, "'areas' must be 'demo' exactly"),
        ('system_name = "A"\npersons = "p.csv"\nareas = "a.csv"\n', FileNotFoundError, "'persons'"),
        ('system_name = "A"\nperiod = ""\n', ValueError, "'period' must not be blank"),
        ("system_name = \n", ValueError, "is not valid TOML at line 1"),
        ('system_name = "A"\nmodel = "lynn"\n', ValueError, "'model' must be one of"),
        (
            'system_name = "A"\nadmission_cost_source = "Local tariff"\n',
            ValueError,
            "'admission_cost_source' names the source of 'admission_unit_cost', which is not",
        ),
        (
            'system_name = "A"\nadmission_unit_cost = 2000\nadmission_cost_source = " "\n',
            ValueError,
            "'admission_cost_source' must say where the cost comes from",
        ),
        (
            'system_name = "A"\nadmission_unit_cost = 2000\nadmission_cost_source = 2025\n',
            TypeError,
            "'admission_cost_source' must be text",
        ),
    ],
)
def test_bad_files_name_the_file_and_the_key(tmp_path, text, error, match):
    path = _write(tmp_path, text)
    with pytest.raises(error, match=match) as raised:
        load_config(path)
    assert "report.toml" in str(raised.value)


def test_missing_file_and_wrong_argument_type():
    with pytest.raises(FileNotFoundError, match="no such report configuration file"):
        load_config("no/such/file.toml")
    with pytest.raises(TypeError, match="'path' parameter of load_config"):
        load_config(3)


def test_config_checks_its_own_values():
    with pytest.raises(ValueError, match="'years' must be more than 0"):
        ReportConfig(system_name="A", years=0.0)
    with pytest.raises(TypeError, match="'period' must be text"):
        ReportConfig(system_name="A", period=2025)


def test_the_report_guide_lists_every_configuration_key():
    """docs/report.md's table of keys missed seven keys the command accepts."""
    from pathlib import Path

    from toolkit.report.config import config_keys

    guide = (Path(__file__).resolve().parents[2] / "docs" / "report.md").read_text("utf-8")
    rows = {
        line.split("|")[1].strip().strip("`")
        for line in guide.splitlines()
        if line.startswith("| `")
    }
    assert set(config_keys()) <= rows, sorted(set(config_keys()) - rows)


def test_print_config_and_help_give_the_admission_cost_source_key(capsys):
    """The cost's source is a key of its own, written by --print-config and listed by --help."""
    import tomllib

    from toolkit.cli import main
    from toolkit.report.config import config_keys, config_template

    keys = config_keys()
    assert keys.index("admission_cost_source") == keys.index("admission_unit_cost") + 1
    template = config_template()
    assert '# admission_cost_source = "Kestermoor ICB local tariff, 2025/26"' in template
    assert "a cost given here is called the local figure given in the report's" in template
    uncommented = "\n".join(
        line[2:] if line.startswith("# admission_") else line for line in template.splitlines()
    )
    read = tomllib.loads(uncommented)
    assert read["admission_unit_cost"] == 1590.0
    assert read["admission_cost_source"] == "Kestermoor ICB local tariff, 2025/26"
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    assert "admission_cost_source" in " ".join(capsys.readouterr().out.split())
