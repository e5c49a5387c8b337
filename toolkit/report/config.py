"""What a board report is about: the system, its data, the period and the report's options.

A report is configured by a small TOML file (``reports/demo.toml`` is the demo's)::

    system_name = "Kestermoor and Wyvendale Integrated Care System"
    persons = "demo"            # a persons file (CSV, Parquet, Excel), or "demo"
    # reference_date = "2026-03-31"   # optional: count age from date_of_birth at this date
    areas = "demo"              # an areas file with boundaries (GeoPackage), or "demo"
    # areas = ["File_1.xlsx", "File_6.xlsx"]   # or IoD files joined on LSOA code (no map)
    demo_persons = 250000       # size of the demo system when persons = "demo"
    period = "2025/26"
    shortlist_size = 5
    seed = 20261122
    disclosure_threshold = 10
    # decision_log = "workshop/decision-log.csv"   # optional: the workshop's export
    # weights_source = "ICB executive, 3 November 2026"   # optional: who agreed [weights]
    # criteria_scores = "criteria.csv"   # optional: the filled `pophealth candidates` template
    # themes = ["my_themes"]   # optional: your own theme folders, added to the library
    # repair_geometry = true   # optional: repair invalid area shapes instead of refusing them
    # imd_edition = 2019   # optional: the areas' IMD edition, where the file does not say it
    # system_places = ["Bolton", "Bury"]   # optional: the system's places (see below)
    # place_labels = { "NHS Greater Manchester ICB - 00T" = "Bolton" }   # optional
    # map_attribution = "Contains OS data ..."   # optional: ONS/OS wording by default
    # synthetic_data = true   # optional: says "synthetic data" on every page

Areas without a registered person are left out of the report (their number is stated), unless
``system_places`` names the system's places: areas in those places are then kept, and areas
elsewhere left out. :func:`config_template` writes a commented file with every key
(``pophealth report --print-config``).

:func:`load_config` reads and checks it, naming the file and the key of any problem; paths
are relative to the file's folder. :func:`demo_config` gives the demo's configuration.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any, Final

from toolkit._toml import read_toml
from toolkit.data.contract import DISCLOSURE_THRESHOLD
from toolkit.defaults import DEFAULT_MODEL, DEMO_PERSONS, DEMO_SEED, SHORTLIST_CAP, SHORTLIST_SIZE
from toolkit.report._config_files import check_model_and_themes
from toolkit.report._config_weights import WEIGHTS_TEMPLATE_KEYS, check_report_weights

#: Value of ``persons`` and ``areas`` that asks for the synthetic demo system.
DEMO: Final[str] = "demo"

#: Cost of one emergency admission used to value excess admissions when the configuration
#: does not give one: the national average non-elective inpatient episode, £1,590 (NHS
#: Improvement, Reference Costs 2016/17, excluding excess bed days), the figure the themes
#: library values avoided admissions at, so that the report's costs share one source. Give
#: your local tariff instead.
DEFAULT_ADMISSION_COST_GBP: Final[float] = 1_590.0

#: Where :data:`DEFAULT_ADMISSION_COST_GBP` comes from, in the words the report prints beside
#: it when the configuration gives no ``admission_unit_cost``.
DEFAULT_ADMISSION_COST_SOURCE: Final[str] = (
    "the national average cost of an emergency hospital episode in NHS Reference Costs "
    "2016/17, not adjusted for inflation"
)

#: What the report prints beside an ``admission_unit_cost`` the configuration gives without
#: an ``admission_cost_source`` (even £1,590: the figure is the analyst's, whatever its value).
LOCAL_ADMISSION_COST_SOURCE: Final[str] = "the local figure given in the report's configuration"

#: Largest shortlist a board is asked to agree (not everything can be a priority).
MAX_SHORTLIST: Final[int] = SHORTLIST_CAP

#: ``system_name`` as ``--print-config`` writes it: :func:`load_config` refuses it unchanged,
#: so that no report goes out under a name the analyst did not give.
SYSTEM_NAME_PLACEHOLDER: Final[str] = "NAME OF YOUR INTEGRATED CARE SYSTEM"

#: The year in the ``map_attribution`` that ``--print-config`` writes, for the analyst to
#: replace with the year of the boundaries' edition (:func:`load_config` refuses it unchanged).
MAP_YEAR_PLACEHOLDER: Final[str] = "YYYY"


@dataclass(frozen=True)
class ReportConfig:
    """Configuration of a board report.

    Attributes
    ----------
    system_name : str
        Name of the integrated care system, as the board knows it.
    persons : str
        A persons file (CSV, Parquet or Excel; see :func:`toolkit.data.read_persons`), or
        ``"demo"`` for the synthetic demo system.
    reference_date : str or None
        The date at which to count each person's age, written ``"YYYY-MM-DD"`` (the end of
        the period, say), for a persons file with ``date_of_birth`` and no ``age``
        (``reference_date`` of :func:`toolkit.data.read_persons`: whole years; a date of
        birth after it is refused). A file with ``age`` keeps its ages. ``None`` by default.
    areas : str or list of str
        An areas file with boundaries (GeoPackage or other geographic file; see
        :func:`toolkit.data.read_areas`), or ``"demo"``. Must be ``"demo"`` when persons is.
        A list of files is joined on LSOA code as :func:`toolkit.data.read_areas` joins
        them (English Indices of Deprivation File 1 with File 6, as ``pophealth validate
        --kind areas`` takes them); without boundaries, the report draws no map and says so.
    period : str
        The period the data cover, as the board reads it ("2025/26", "12 months to March
        2026"). Shown on every chart and table.
    demo_persons : int
        Persons in the demo system (only with ``persons = "demo"``).
    shortlist_size : int
        Priorities in the shortlist, 1 to 7 (5 by default).
    seed : int
        Seed of every random step (the demo system, SII limits, weight draws).
    disclosure_threshold : int
        Counts below this are not shown (10 by default).
    decision_log : str or None
        The workshop's decision log (CSV or JSON export of
        :class:`toolkit.workshop.store.SubmissionStore`); the workshop section appears only
        when one is given.
    workshop : str or None
        Which workshop of the decision log to report (needed only when it holds several).
    weights, weights_source : dict of str to float, str or None
        Criteria weights agreed without a workshop (not with ``decision_log``), and who agreed
        them and when, named on page 1 (see :mod:`toolkit.report._config_weights`).
    model : str
        Segmentation model: ``"bridges_to_health"`` (default), ``"age_ltc"`` or a rules file.
    years : float
        Years the data cover (1 by default); rates are per year.
    admission_unit_cost : float
        Pounds per emergency admission, to value the excess admissions
        (:data:`DEFAULT_ADMISSION_COST_GBP` by default).
    admission_cost_source : str or None
        Where ``admission_unit_cost`` comes from ("Kestermoor ICB local tariff, 2025/26"), printed
        beside it. ``None`` (the default): the report names :data:`DEFAULT_ADMISSION_COST_SOURCE`
        for the default figure and :data:`LOCAL_ADMISSION_COST_SOURCE` for any other;
        :func:`load_config` sets the latter when the file gives a cost without a source.
    criteria_scores : str or None
        The analysts' filled criteria template (CSV or TOML written by ``pophealth
        candidates``: what communities said, feasibility); its scores join the criteria.
    themes : list of str or None
        Folders of the analysts' own theme files (``*.toml``, as in the built-in library),
        added to the built-in library (:func:`toolkit.prioritise.load_themes`); a filled
        criteria template then names their ids too.
    repair_geometry : bool
        Repair invalid shapes in the areas file with ``make_valid`` (the rows repaired are
        reported) instead of refusing the file (``False`` by default; see
        :func:`toolkit.data.read_areas`).
    imd_edition : int or None
        The IMD edition of the areas' deciles (2019 or 2025), for an areas file that does not
        say it (a CSV or GeoPackage of the analyst's own); the captions name it. An areas
        file that says another edition is refused (:func:`toolkit.data.read_areas`).
    system_places : list of str or None
        The system's places. Areas in them are kept even with no registered person; areas
        elsewhere are left out. Without it, areas with no registered person are left out.
        Either way the report states how many areas of the file it left out.
    place_labels : dict of str to str or None
        Short labels for places, by their name in the areas file ("NHS Greater Manchester
        ICB - 00T" = "Bolton"), used in the place table and on the map.
    map_attribution : str or None
        Attribution printed under the map. By default "Boundaries: synthetic" for made-up
        boundaries (the demo's, and those ``pophealth synth`` makes up when not given areas
        of the analyst's own); for any other, the ONS and OS wording for ONS boundaries
        (:data:`ONS_ATTRIBUTION`), whose year is that of the boundaries' edition. An areas
        file does not record that year, so give it here: the ONS wording with the year
        (without it, the report prints a placeholder for the year and warns).
    synthetic_data : bool
        The data are synthetic (made by ``pophealth synth`` or the demo): every page of the
        report says so. Always true for the demo.
    source : str or None
        The configuration file this came from, for the provenance box.
    """

    system_name: str
    persons: str = DEMO
    areas: str | list[str] = DEMO
    period: str = "2025/26"
    reference_date: str | None = None
    demo_persons: int = DEMO_PERSONS
    shortlist_size: int = SHORTLIST_SIZE
    seed: int = DEMO_SEED
    disclosure_threshold: int = DISCLOSURE_THRESHOLD
    decision_log: str | None = None
    workshop: str | None = None
    weights: dict[str, float] | None = None
    weights_source: str | None = None
    model: str = DEFAULT_MODEL
    years: float = 1.0
    admission_unit_cost: float = DEFAULT_ADMISSION_COST_GBP
    admission_cost_source: str | None = None
    criteria_scores: str | None = None
    themes: list[str] | None = None
    repair_geometry: bool = False
    imd_edition: int | None = None
    system_places: list[str] | None = None
    place_labels: dict[str, str] | None = None
    map_attribution: str | None = None
    synthetic_data: bool = False
    source: str | None = None

    def __post_init__(self) -> None:
        check_config(self, _TYPES, self._problems)
        check_report_weights(self)

    def _problems(self) -> list[tuple[str, str, object]]:
        """Return the problems with this configuration's own keys (see :func:`check_config`)."""
        problems: list[tuple[str, str, object]] = []
        if (self.persons == DEMO) != (self.areas == DEMO):
            problems.append(("areas", "must be 'demo' exactly when persons is 'demo'", self.areas))
        if isinstance(self.areas, list) and (
            not self.areas
            or not all(
                isinstance(path, str) and path.strip() and path != DEMO for path in self.areas
            )
        ):
            problems.append(
                ("areas", "must be a list of areas files (text), without 'demo'", self.areas)
            )
        elif isinstance(self.areas, list) and len(set(self.areas)) < len(self.areas):
            problems.append(("areas", "names the same file more than once", self.areas))
        for key in ("persons", "areas", "decision_log", "criteria_scores"):
            value = getattr(self, key)
            if isinstance(value, str) and not value.strip():
                wanted = "be 'demo'" if key in ("persons", "areas") else "be left out"
                problems.append((key, f"must name a file, or {wanted}", value))
        problems += shared_setting_problems(self)
        if not (math.isfinite(self.years) and self.years > 0):
            problems.append(("years", "must be more than 0", self.years))
        if not (math.isfinite(self.admission_unit_cost) and self.admission_unit_cost >= 0):
            problems.append(("admission_unit_cost", "must be 0 or more", self.admission_unit_cost))
        if self.admission_cost_source is not None and not self.admission_cost_source.strip():
            problems.append(
                (
                    "admission_cost_source",
                    "must say where the cost comes from, or be left out",
                    self.admission_cost_source,
                )
            )
        if self.system_places is not None and (
            not self.system_places
            or not all(isinstance(place, str) and place.strip() for place in self.system_places)
        ):
            problems.append(
                ("system_places", "must be a list of place names (text)", self.system_places)
            )
        if self.imd_edition is not None and self.imd_edition not in (2019, 2025):
            problems.append(("imd_edition", "must be 2019 or 2025", self.imd_edition))
        if self.place_labels is not None and not all(
            isinstance(key, str) and isinstance(value, str) and value.strip()
            for key, value in self.place_labels.items()
        ):
            problems.append(
                ("place_labels", "must map place names to short labels (text)", self.place_labels)
            )
        return problems

    @property
    def is_demo(self) -> bool:
        """Whether the report runs on the synthetic demo system."""
        return self.persons == DEMO

    @property
    def is_synthetic(self) -> bool:
        """Whether the report's data are synthetic (the demo, or ``synthetic_data``)."""
        return self.is_demo or self.synthetic_data

    def to_parameters(self) -> dict[str, Any]:
        """Return the configuration as the report notebook's papermill parameters."""
        return asdict(self)


def _is_iso_date(text: str) -> bool:
    """Whether ``text`` is a date written YYYY-MM-DD (a real one: no 30 February)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


#: Type each key must have (int accepted for floats), by key.
_TYPES: Final[dict[str, tuple[type, ...]]] = {
    "system_name": (str,),
    "persons": (str,),
    "areas": (str, list),
    "period": (str,),
    "reference_date": (str, type(None)),
    "demo_persons": (int,),
    "shortlist_size": (int,),
    "seed": (int,),
    "disclosure_threshold": (int,),
    "decision_log": (str, type(None)),
    "workshop": (str, type(None)),
    "weights": (Mapping, type(None)),
    "weights_source": (str, type(None)),
    "model": (str,),
    "years": (float, int),
    "admission_unit_cost": (float, int),
    "admission_cost_source": (str, type(None)),
    "criteria_scores": (str, type(None)),
    "themes": (list, type(None)),
    "repair_geometry": (bool,),
    "imd_edition": (int, type(None)),
    "system_places": (list, type(None)),
    "place_labels": (dict, type(None)),
    "map_attribution": (str, type(None)),
    "synthetic_data": (bool,),
    "source": (str, type(None)),
}

_TYPE_NAMES: Final[dict[tuple[type, ...], str]] = {
    (str,): "text (in quotes)",
    (int, type(None)): "a whole number, or left out",
    (int,): "a whole number",
    (float, int): "a number",
    (str, type(None)): "text (in quotes), or left out",
    (str, list): 'text (in quotes), or a list of text (["A", "B"])',
    (bool,): "true or false",
    (list, type(None)): 'a list of text (["A", "B"]), or left out',
    (dict, type(None)): 'a table of text ({ "long name" = "short" }), or left out',
    (Mapping, type(None)): "a table of numbers ([weights] with evidence_score = 2), or left out",
}

#: Attribution for maps drawn on ONS boundaries (the wording ONS asks for; OGL v3.0).
ONS_ATTRIBUTION: Final[str] = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right {year}."
)

#: Each key of the configuration, with a comment for the template (in file order).
_TEMPLATE_KEYS: Final[tuple[tuple[str, str, str], ...]] = (
    (
        "system_name",
        f'"{SYSTEM_NAME_PLACEHOLDER}"',
        "Name of the integrated care system, as the board knows it. Required: replace the "
        "placeholder (the report is refused while it stands).",
    ),
    (
        "persons",
        '"persons.parquet"',
        'A persons file (CSV, Parquet or Excel), or "demo" for the synthetic demo system.',
    ),
    (
        "areas",
        '"areas.gpkg"',
        "An areas file (with boundaries for a map), or a list of files joined on LSOA code "
        '(IoD File 1 and File 6; no map), or "demo". "demo" exactly when persons is.',
    ),
    ("period", '"2025/26"', "The period the data cover, shown on every chart and table."),
    (
        "reference_date",
        '"2026-03-31"',
        "For a persons file with date_of_birth and no age: the date at which to count ages "
        '(whole years), written "YYYY-MM-DD" (the end of the period, say).',
    ),
    ("demo_persons", str(DEMO_PERSONS), 'Persons in the demo system (only with persons = "demo").'),
    ("shortlist_size", str(SHORTLIST_SIZE), f"Priorities in the shortlist, 1 to {MAX_SHORTLIST}."),
    ("seed", str(DEMO_SEED), "Seed of every random step."),
    ("disclosure_threshold", "10", "Counts below this are not shown."),
    (
        "decision_log",
        '"workshop/decision-log.csv"',
        "The workshop's decision log (CSV or JSON export); the workshop section needs it.",
    ),
    ("workshop", '"Board workshop"', "Which workshop of the decision log, when it holds several."),
    *WEIGHTS_TEMPLATE_KEYS,
    (
        "model",
        f'"{DEFAULT_MODEL}"',
        'Segmentation model: "bridges_to_health", "age_ltc" or a rules file.',
    ),
    ("years", "1.0", "Years the data cover; rates are per year."),
    (
        "admission_unit_cost",
        "1590.0",
        "Pounds per emergency admission, to value the excess (default: NHS Reference "
        "Costs 2016/17; give your local tariff).",
    ),
    (
        "admission_cost_source",
        '"Kestermoor ICB local tariff, 2025/26"',
        "Where admission_unit_cost comes from, printed beside it (without it, a cost given "
        "here is called the local figure given in the report's configuration).",
    ),
    (
        "criteria_scores",
        '"criteria.csv"',
        "The analysts' filled criteria template (written by pophealth candidates).",
    ),
    (
        "themes",
        '["my_themes"]',
        "Folders of your own theme files, added to the built-in themes library.",
    ),
    ("repair_geometry", "false", "Repair invalid area shapes instead of refusing the file."),
    (
        "imd_edition",
        "2019",
        "The IMD edition of the areas' deciles (2019 or 2025), where the areas file does not "
        "say it (a CSV or GeoPackage of your own); the captions name it.",
    ),
    (
        "system_places",
        '["Ashbrigg", "Kestermoor"]',
        "The system's places: areas elsewhere, and areas without people outside them, are left "
        "out. Without it, areas with no registered person are left out.",
    ),
    (
        "place_labels",
        '{ "NHS Kestermoor Sub-ICB Location - 00X" = "Kestermoor" }',
        "Short labels for places in the place table and on the map.",
    ),
    (
        "map_attribution",
        f'"{ONS_ATTRIBUTION.format(year=MAP_YEAR_PLACEHOLDER)}"',
        f"Attribution under the map. For ONS boundaries: this wording, {MAP_YEAR_PLACEHOLDER} "
        "replaced by the year of their edition, which the areas file does not record (without "
        "this key the report prints a placeholder for the year). Made-up boundaries (the "
        "demo's, pophealth synth's without --areas) are said to be synthetic by default.",
    ),
    ("synthetic_data", "false", 'The data are synthetic: every page says "synthetic data".'),
)


def config_keys() -> list[str]:
    """Return the keys of a report configuration, in the template's order."""
    return [key for key, _, _ in _TEMPLATE_KEYS]


def config_template() -> str:
    """Return a commented report configuration with every key (``--print-config``).

    Returns
    -------
    str
        TOML text: ``system_name`` set, every other key commented out at an example value.
    """
    return commented_template(
        [
            "# Board report configuration: pophealth report --config THIS_FILE --out FOLDER",
            "# Paths are relative to this file's folder. Every key but system_name is optional.",
        ],
        _TEMPLATE_KEYS,
        required=("system_name",),
    )


def commented_template(
    header: Sequence[str], keys: Sequence[tuple[str, str, str]], *, required: Sequence[str]
) -> str:
    """Return a TOML configuration: each key with its comment, commented out unless required.

    Shared by the board report's and the quarterly update's ``--print-config``.
    """
    lines = list(header)
    for key, example, comment in keys:
        lines += ["", f"# {comment}"]
        lines.append(f"{key} = {example}" if key in required else f"# {key} = {example}")
    return "\n".join(lines) + "\n"


def check_key_type(
    key: str, value: object, where: str, types: Mapping[str, tuple[type, ...]] | None = None
) -> None:
    """Refuse a configuration value of the wrong type, naming the file and the key.

    ``types`` maps each key to its allowed types (the board report's by default).
    """
    allowed = (types or _TYPES)[key]
    if isinstance(value, bool) != (bool in allowed) or not isinstance(value, allowed):
        raise TypeError(
            f"{where}'{key}' must be {_TYPE_NAMES[allowed]}. Got {value!r} "
            f"({type(value).__name__}) instead."
        )


def check_config(
    config: Any,
    types: Mapping[str, tuple[type, ...]],
    own_problems: Callable[[], list[tuple[str, str, object]]],
) -> None:
    """Check a configuration as it is made; raise on the first problem, naming the key.

    Shared by :class:`ReportConfig` and
    :class:`~toolkit.report.update_config.UpdateConfig`: each key's type first, then that
    ``system_name`` and ``period`` are not blank, then the configuration's own rules.

    Parameters
    ----------
    config : ReportConfig or UpdateConfig
        The configuration being checked.
    types : mapping of str to tuple of type
        The types each key may have.
    own_problems : callable
        Returns the problems with the configuration's other keys (key, rule and value).

    Raises
    ------
    TypeError
        A key has the wrong type; the message names the file and the key.
    ValueError
        A key breaks a rule; the message names the file and the key.
    """
    where = f"{config.source}: " if config.source else ""
    for spec in fields(config):
        check_key_type(spec.name, getattr(config, spec.name), where, types)
    problems = []
    if not config.system_name.strip():
        problems.append(("system_name", "must not be blank", config.system_name))
    if not config.period.strip():
        problems.append(("period", "must not be blank", config.period))
    problems += own_problems()
    if problems:
        key, rule, value = problems[0]
        raise ValueError(f"{where}'{key}' {rule}. Got {value!r} instead.")


def shared_setting_problems(config: Any) -> list[tuple[str, str, object]]:
    """Return the problems with the settings a report and a quarterly update share.

    Shared by :class:`ReportConfig` and :class:`~toolkit.report.update_config.UpdateConfig`:
    ``reference_date``, ``demo_persons``, ``shortlist_size``, ``seed``,
    ``disclosure_threshold`` and ``themes``.

    Parameters
    ----------
    config : ReportConfig or UpdateConfig
        The configuration being checked.

    Returns
    -------
    list of tuple of (str, str, object)
        Each problem's key, rule and value, in that order of keys; empty when all is well.
    """
    problems: list[tuple[str, str, object]] = []
    if config.reference_date is not None and not _is_iso_date(config.reference_date):
        problems.append(
            (
                "reference_date",
                'must be a date written "YYYY-MM-DD" (such as "2026-03-31"), or be left out',
                config.reference_date,
            )
        )
    if not 100 <= config.demo_persons <= 99_999_999:
        problems.append(("demo_persons", "must be from 100 to 99,999,999", config.demo_persons))
    if not 1 <= config.shortlist_size <= MAX_SHORTLIST:
        problems.append(
            ("shortlist_size", f"must be from 1 to {MAX_SHORTLIST}", config.shortlist_size)
        )
    if config.seed < 0:
        problems.append(("seed", "must be 0 or more", config.seed))
    if config.disclosure_threshold < 1:
        problems.append(("disclosure_threshold", "must be 1 or more", config.disclosure_threshold))
    if config.themes is not None and (
        not config.themes
        or not all(isinstance(folder, str) and folder.strip() for folder in config.themes)
    ):
        problems.append(("themes", "must be a list of folders (text)", config.themes))
    return problems


def read_shared_keys(raw: dict[str, Any], source: Path) -> None:
    """Check and read, in place, the keys a report's and an update's files share.

    Shared by :func:`load_config` and :func:`~toolkit.report.update_config.load_update_config`:
    ``system_name`` still the template's placeholder is refused (ValueError naming the
    file), and a ``reference_date`` written as TOML's own (unquoted) date becomes its
    ``"YYYY-MM-DD"`` text.
    """
    if isinstance(raw["system_name"], str) and raw["system_name"].strip() == (
        SYSTEM_NAME_PLACEHOLDER
    ):
        raise ValueError(
            f"{source}: 'system_name' is still the template's placeholder "
            f"({SYSTEM_NAME_PLACEHOLDER!r}): give the name of your integrated care system, as "
            "the board knows it."
        )
    if isinstance(raw.get("reference_date"), date):  # TOML's own date, unquoted
        raw["reference_date"] = raw["reference_date"].isoformat()


def resolve_model_and_themes(raw: dict[str, Any], folder: Path) -> None:
    """Make a configuration's ``model`` rules file and ``themes`` folders absolute, in place.

    Shared by :func:`load_config` and :func:`~toolkit.report.update_config.load_update_config`:
    paths in a configuration file are relative to its folder.
    """
    if isinstance(raw.get("model"), str) and raw["model"].endswith((".toml", ".yaml", ".yml")):
        raw["model"] = resolve_path(raw["model"], folder)
    if isinstance(raw.get("themes"), list):
        raw["themes"] = [
            resolve_path(entry, folder) if isinstance(entry, str) else entry
            for entry in raw["themes"]
        ]


def read_config_file(source: Path, kind: type, what: str) -> dict[str, Any]:
    """Read a configuration file's keys, refusing a missing file, bad TOML and unknown keys.

    Shared by :func:`load_config` and :func:`~toolkit.report.update_config.load_update_config`.

    Parameters
    ----------
    source : Path
        The TOML file.
    kind : type
        The configuration's dataclass: its fields but ``source`` are the known keys.
    what : str
        What the file is, for the message when it does not exist ("report configuration").

    Returns
    -------
    dict of str to Any
        The file's keys and values, as read.

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    ValueError
        The file is not valid TOML (or not UTF-8 text) or has an unknown key.
    """
    if not source.is_file():
        raise FileNotFoundError(f"{source}: no such {what} file.")
    raw = read_toml(source)  # TomlFileError (a ValueError) names the file and the line
    known = [spec.name for spec in fields(kind) if spec.name != "source"]
    unknown = [key for key in raw if key not in known]
    if unknown:
        raise ValueError(
            f"{source}: unknown key(s) {', '.join(repr(k) for k in unknown)}. "
            f"The keys are: {', '.join(known)}."
        )
    return raw


def resolve_path(value: str, folder: Path) -> str:
    """Resolve a path relative to the configuration file's folder; leave ``"demo"``.

    Shared by :func:`load_config` and :func:`~toolkit.report.update_config.load_update_config`.

    Parameters
    ----------
    value : str
        The path as the file gives it, or ``"demo"``.
    folder : Path
        The configuration file's folder.

    Returns
    -------
    str
        The absolute path, or ``"demo"``.
    """
    if value == DEMO:
        return value
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else (folder / path).resolve())


def load_config(path: str | Path) -> ReportConfig:
    """Read and check a report configuration file (TOML).

    Parameters
    ----------
    path : str or Path
        The TOML file. Paths in it are relative to its folder.

    Returns
    -------
    ReportConfig
        The checked configuration, with absolute paths.

    Raises
    ------
    FileNotFoundError
        The file, or a data file or decision log it names, does not exist.
    ValueError
        The file is not valid TOML, has an unknown or missing key, or a value is out of
        range; the message names the file and the key.
    TypeError
        A value has the wrong type (text where a number is needed, say); the message names
        the file and the key.
    """
    if not isinstance(path, str | Path):
        raise TypeError(
            f"The 'path' parameter of load_config must be a str or Path. Got {path!r} instead."
        )
    source = Path(path)
    raw = read_config_file(source, ReportConfig, "report configuration")
    if "system_name" not in raw:
        raise ValueError(f"{source}: 'system_name' is missing (the name of the system).")
    read_shared_keys(raw, source)
    attribution = raw.get("map_attribution")
    if isinstance(attribution, str) and MAP_YEAR_PLACEHOLDER in attribution:
        raise ValueError(
            f"{source}: 'map_attribution' still has the template's placeholder "
            f"{MAP_YEAR_PLACEHOLDER} for the year: replace it with the year of your "
            "boundaries' edition (2021 for boundaries of 2021), or leave the key out."
        )
    folder = source.resolve().parent
    for key in ("persons", "areas", "decision_log", "criteria_scores"):
        if isinstance(raw.get(key), str) and raw[key].strip():  # blank: refused below
            raw[key] = resolve_path(raw[key], folder)
    if isinstance(raw.get("areas"), list):  # files joined on LSOA code (IoD File 1 and 6)
        raw["areas"] = [
            resolve_path(entry, folder) if isinstance(entry, str) and entry.strip() else entry
            for entry in raw["areas"]
        ]
    resolve_model_and_themes(raw, folder)
    cost_given = "admission_unit_cost" in raw
    if cost_given:  # the analyst's figure, even when it is £1,590
        raw.setdefault("admission_cost_source", LOCAL_ADMISSION_COST_SOURCE)
    config = ReportConfig(**raw, source=str(source))
    if config.admission_cost_source is not None and not cost_given:
        raise ValueError(
            f"{source}: 'admission_cost_source' names the source of 'admission_unit_cost', "
            "which is not given: give the cost too, or leave the source out."
        )
    for key in ("persons", "areas", "decision_log", "criteria_scores"):
        value = getattr(config, key)
        for path in value if isinstance(value, list) else [value]:
            if path is not None and path != DEMO and not Path(path).exists():
                raise FileNotFoundError(f"{source}: '{key}' names {path}, which does not exist.")
    check_model_and_themes(config, source)
    return config


def demo_config(
    *,
    persons: int = DEMO_PERSONS,
    seed: int = DEMO_SEED,
    period: str = "2025/26",
    shortlist_size: int = SHORTLIST_SIZE,
    disclosure_threshold: int = DISCLOSURE_THRESHOLD,
    decision_log: str | Path | None = None,
) -> ReportConfig:
    """Return the configuration of the demo system's board report (as ``pophealth demo``).

    Parameters
    ----------
    persons : int
        Persons in the synthetic demo system.
    seed : int
        Seed of the demo system and every random step.
    period : str
        Period label shown on the report.
    shortlist_size : int
        Priorities in the shortlist.
    disclosure_threshold : int
        Counts below this are not shown.
    decision_log : str or Path, optional
        A workshop decision log to report.

    Returns
    -------
    ReportConfig
        The demo configuration.
    """
    from toolkit.data.synth import DEMO_SYSTEM_NAME

    return ReportConfig(
        system_name=DEMO_SYSTEM_NAME,
        persons=DEMO,
        areas=DEMO,
        period=period,
        demo_persons=persons,
        shortlist_size=shortlist_size,
        seed=seed,
        disclosure_threshold=disclosure_threshold,
        decision_log=None if decision_log is None else str(Path(decision_log).resolve()),
    )


__all__ = [
    "DEFAULT_ADMISSION_COST_GBP",
    "DEFAULT_ADMISSION_COST_SOURCE",
    "DEMO",
    "LOCAL_ADMISSION_COST_SOURCE",
    "MAP_YEAR_PLACEHOLDER",
    "MAX_SHORTLIST",
    "ONS_ATTRIBUTION",
    "ReportConfig",
    "SYSTEM_NAME_PLACEHOLDER",
    "config_keys",
    "check_config",
    "check_key_type",
    "check_model_and_themes",
    "commented_template",
    "config_template",
    "demo_config",
    "load_config",
    "read_config_file",
    "resolve_model_and_themes",
    "resolve_path",
    "read_shared_keys",
    "shared_setting_problems",
]
