"""Preparing a workshop once, so that every participant's kernel starts quickly.

:func:`prepare_workshop` turns a segment cube (or a ready candidates table) into a small
folder: the candidates (Parquet), the criteria (JSON), the candidates that could not be
assessed (CSV) and a configuration file (TOML) naming the workshop, the store, the
shortlist size and the dots each table may spend. :func:`load_workshop` reads it back in
a fraction of a second; a Voila kernel never touches the cube. :func:`demo_workshop`
prepares one from a small synthetic system, cached outside the repository, in a named
folder that keeps its submissions between runs, for when no configuration is given (the
notebooks under nbval, an analyst trying the app).

The settings, their checks and the file's writer are in ``_config_settings``; the demo
workshop in ``_demo``. Their public names are importable from here as before.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit import defaults
from toolkit._toml import TomlFileError, read_toml
from toolkit.prioritise.criteria import CANDIDATE_COLUMN, LABEL_COLUMN, Criterion
from toolkit.prioritise.scoring import DEFAULT_PER_COHORT, Method, ScoringModel
from toolkit.workshop._config_settings import (
    CANDIDATES_FILE,
    CONFIG_FILE,
    CONFIG_KEYS,
    CRITERIA_FILE,
    DEFAULT_GROUP,
    DEFAULT_MAX_PER_ROUND,
    DEFAULT_MIN_INTERVAL,
    DEFAULT_TABLES,
    EXCLUDED_FILE,
    MAX_TABLES,
    OPTIONAL_KEYS,
    SLIDER_MAX,
    STAKEHOLDER_ROLES,
    STORE_FILE,
    Tables,
    check_limits,
    check_settings,
    check_tables,
    check_threshold,
    numbered_tables,
    tables_setting,
    write_config,
)
from toolkit.workshop._demo import (
    CACHE_ENVIRONMENT_VARIABLE,
    DEMO_PERSONS,
    DEMO_SEED,
    DEMO_TABLES,
    WORKSHOP_DIR_ENVIRONMENT_VARIABLE,
    add_example_submissions,
    demo_folder,
    demo_workshop,
)
from toolkit.workshop._demo import pipeline_fingerprint as _pipeline_fingerprint  # noqa: F401

CONFIG_ENVIRONMENT_VARIABLE = "POPHEALTH_WORKSHOP_CONFIG"

#: Environment variable giving the facilitator's kernels the participants' link (set by
#: ``pophealth workshop`` for the facilitator's server only), so the facilitator's page can
#: list each table's own link.
PARTICIPANT_URL_VARIABLE = "POPHEALTH_WORKSHOP_PARTICIPANT_URL"

#: Environment variable naming the folder where a served kernel notes that its view is
#: ready (set by ``pophealth workshop``), so the server knows when its warm pool is warm.
READY_DIR_VARIABLE = "POPHEALTH_WORKSHOP_READY_DIR"

#: Default name of a workshop.
DEFAULT_NAME = "Population health priorities workshop"


@dataclass(frozen=True, eq=False)
class Workshop:
    """A prepared workshop: its candidates, criteria, store and settings.

    Read one with :func:`load_workshop`; the participant and facilitator views take it.

    Attributes
    ----------
    name : str
        The workshop's name; it keys the submissions in the store.
    candidates : pandas.DataFrame
        One row per candidate: ``candidate`` id, ``label`` and a column per criterion.
    criteria : tuple of Criterion
        The criteria the sliders weight, with their plain-English descriptions.
    store_path : pathlib.Path
        The SQLite submission store shared by every participant.
    shortlist_size : int
        The shortlist size offered first (at most 7).
    dots : int
        Dots each table may spend in the dot vote (0: no dot vote).
    method : {"weighted_sum", "topsis"}
        The scoring method.
    per_cohort : int or None
        Most candidates a shortlist takes from one cohort (1 by default: a shortlist of
        distinct cohorts, as :func:`toolkit.prioritise.shortlist`); None for no limit.
    config_path : pathlib.Path or None
        The configuration file it was read from.
    excluded : pandas.DataFrame or None
        Candidates that could not be assessed when it was prepared, with the reason.
    tables : tuple of (str, str)
        The tables and their stakeholder groups, in order ("Table 1" to "Table 12",
        "Mixed table", by default). The store takes this list the first time it opens the
        workshop; after that the facilitator changes it there (add, remove, merge).
    min_interval : float
        Seconds a table must wait between two submissions (2 by default).
    max_per_round : int or None
        Most submissions a table may make in one round (30 by default; None: no limit).
    threshold : int
        The disclosure threshold the candidates' counts are shown at: a count above 0 and
        below it is "fewer than 10" (10 by default), as on the board report.
    """

    name: str
    candidates: pd.DataFrame
    criteria: tuple[Criterion, ...]
    store_path: Path
    shortlist_size: int = defaults.SHORTLIST_SIZE
    dots: int = 3
    method: Method = "weighted_sum"
    per_cohort: int | None = DEFAULT_PER_COHORT
    config_path: Path | None = None
    excluded: pd.DataFrame | None = None
    tables: Tables = numbered_tables(DEFAULT_TABLES)
    min_interval: float = DEFAULT_MIN_INTERVAL
    max_per_round: int | None = DEFAULT_MAX_PER_ROUND
    threshold: int = OPTIONAL_KEYS["threshold"]

    def __repr__(self) -> str:
        return (
            f"Workshop({self.name!r}, {len(self.candidates)} candidates, "
            f"{len(self.criteria)} criteria, store={str(self.store_path)!r})"
        )

    @cached_property
    def model(self) -> ScoringModel:
        """The prepared scoring model (normalised once; re-scoring takes microseconds)."""
        return ScoringModel(self.candidates, criteria=self.criteria, method=self.method)

    @cached_property
    def store(self):
        """The :class:`~toolkit.workshop.SubmissionStore`, checking criteria and candidate ids.

        It limits how often a table submits (``min_interval``, ``max_per_round``) and,
        when the store has no list of tables for this workshop yet, takes ``tables``.

        Raises
        ------
        toolkit.workshop.store.StoreError
            When the store cannot be opened or written (the message is in plain words).
        """
        from toolkit.workshop.store import SubmissionStore

        store = SubmissionStore(
            self.store_path,
            criteria=[criterion.name for criterion in self.criteria],
            candidates=list(self.model.candidates),
            min_interval=self.min_interval,
            max_per_round=self.max_per_round,
        )
        store.set_tables(self.name, dict(self.tables), replace=False)
        return store

    @property
    def start_weights(self) -> np.ndarray:
        """Slider positions at the start: the default weights scaled so their mean is half-way.

        Weights are relative, so scaling keeps their ratios; positions are whole numbers
        from 0 to :data:`SLIDER_MAX`.
        """
        defaults = np.array([criterion.default_weight for criterion in self.criteria], dtype=float)
        positive = defaults[defaults > 0]
        scale = (SLIDER_MAX / 2) / positive.mean() if positive.size else 0.0
        values = np.clip(np.rint(defaults * scale), 0, SLIDER_MAX)
        if not (values > 0).any():
            values[:] = SLIDER_MAX // 2
        return values.astype(int)


def mark_kernel_ready() -> None:
    """Note that this kernel's view is built (served kernels only; never raises).

    ``pophealth workshop`` waits for every kernel of its warm pool to have done so before it
    says the room is ready.
    """
    folder = os.environ.get(READY_DIR_VARIABLE)
    if not folder:
        return
    try:
        (Path(folder) / str(os.getpid())).touch()
    except OSError:
        pass


def table_link(participant_url: str, code: str) -> str:
    """Return a table's own link: the participants' link with the table's private code.

    Parameters
    ----------
    participant_url : str
        The participants' link (with its token).
    code : str
        The table's code (:meth:`~toolkit.workshop.SubmissionStore.table_code`).

    Returns
    -------
    str
    """
    separator = "&" if "?" in participant_url else "?"
    return f"{participant_url}{separator}table={code}"


def _candidates_from(
    source: pd.DataFrame, segment_labels: Mapping[str, str] | None
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Return (candidates, excluded) from a prioritisation, a candidates table or a cube."""
    from toolkit.prioritise.result import Prioritisation

    if isinstance(source, Prioritisation):
        return source.scoring.table, source.excluded
    if CANDIDATE_COLUMN in source.columns:
        excluded = source.attrs.get("excluded")
        return source, excluded if isinstance(excluded, pd.DataFrame) else None
    if {"segment", "persons"} <= set(source.columns):
        from toolkit.prioritise import candidate_priorities

        if segment_labels is None:
            from toolkit.segment import load_rules

            segment_labels = load_rules(defaults.DEFAULT_MODEL).labels
        # The model lets candidate_priorities leave out outcomes that define a segment
        # (emergency admissions among the acutely ill, say): they are true by construction.
        candidates = candidate_priorities(
            source, model=defaults.DEFAULT_MODEL, segment_labels=segment_labels
        )
        return candidates, candidates.attrs.get("excluded")
    raise ValueError(
        "The 'source' parameter of prepare_workshop must be a candidates table (with a "
        f"'{CANDIDATE_COLUMN}' column) or a segment cube (with 'segment' and 'persons'). "
        f"Got columns {list(source.columns)[:10]} instead."
    )


def prepare_workshop(
    source: pd.DataFrame,
    *,
    out_dir: str | os.PathLike[str],
    name: str = DEFAULT_NAME,
    criteria: Sequence[Criterion] | None = None,
    shortlist_size: int = defaults.SHORTLIST_SIZE,
    dots: int = 3,
    method: Method = "weighted_sum",
    per_cohort: int | None = DEFAULT_PER_COHORT,
    store: str | os.PathLike[str] = STORE_FILE,
    segment_labels: Mapping[str, str] | None = None,
    overwrite: bool = False,
    tables: int | Sequence[str] | Sequence[tuple[str, str]] | Mapping[str, str] = DEFAULT_TABLES,
    min_interval: float = DEFAULT_MIN_INTERVAL,
    max_per_round: int | None = DEFAULT_MAX_PER_ROUND,
    threshold: int | None = None,
) -> Path:
    """Write a workshop's candidates, criteria and configuration to a folder.

    Parameters
    ----------
    source : Prioritisation or pandas.DataFrame
        The prioritisation the room is to weigh (:func:`toolkit.prioritise.prioritise`;
        its candidates, criteria, scoring method and one-per-theme rule are used), a
        segment cube (:func:`toolkit.segment.build_cube`), from which segment candidates
        are built with :func:`toolkit.prioritise.candidate_priorities`, or a candidates
        table (one row per candidate, with ``candidate``, ``label`` and the criteria
        columns).
    out_dir : str or os.PathLike
        The folder to write; created if missing.
    name : str
        The workshop's name, shown to participants and keying its submissions.
    criteria : sequence of Criterion, optional
        The criteria the sliders weight; by default
        :func:`toolkit.prioritise.cube_criteria` of the candidates.
    shortlist_size : int
        The shortlist size offered first (5 by default, at most 7).
    dots : int
        Dots each table may spend in the dot vote (3 by default; 0 for no dot vote).
    method : {"weighted_sum", "topsis"}
        The scoring method.
    per_cohort : int or None
        Most candidates a shortlist takes from one cohort (a segment, or a segment within
        a quintile or place): 1 by default, so a shortlist covers distinct cohorts; None
        for no limit.
    store : str or os.PathLike
        The submission store, relative to ``out_dir`` unless absolute.
    segment_labels : mapping of str to str, optional
        Readable segment names when ``source`` is a cube; by default those of the
        built-in "bridges_to_health" model.
    overwrite : bool
        Replace a workshop already prepared in ``out_dir`` (False by default).
    tables : int, sequence or mapping
        The tables that may submit: a number (12 by default: "Table 1" to "Table 12"),
        a list of names, a list of (name, stakeholder group) pairs or a mapping of name
        to group; a table without a group is a "Mixed table". The facilitator can add,
        remove and merge tables during the workshop.
    min_interval : float
        Seconds a table must wait between two submissions (2 by default; 0: no wait).
    max_per_round : int or None
        Most submissions a table may make in one round (30 by default; None: no limit).
    threshold : int, optional
        The disclosure threshold the tables see the candidates' counts at ("fewer than
        10"): give the one the board report uses. By default the prioritisation's when
        its settings record one, else 10.

    Returns
    -------
    pathlib.Path
        The configuration file (``workshop.toml``) to give to :func:`load_workshop` or
        ``pophealth workshop --config``.

    Raises
    ------
    FileExistsError
        When ``out_dir`` already holds a workshop and ``overwrite`` is False.
    ValueError
        When the prioritisation suggested no priority (no theme could be measured).
    DataContractError
        When the candidates lack a criterion column or hold a missing value.

    Notes
    -----
    Candidates that could not be assessed are written to ``excluded.csv`` with the
    reason, so that nothing is dropped silently.
    """
    caller = "prepare_workshop"
    from toolkit.prioritise.result import Prioritisation

    if isinstance(source, Prioritisation):
        if source.is_empty:
            from toolkit.prioritise.result import NO_PRIORITY_SENTENCE

            raise ValueError(
                f"{caller}: {NO_PRIORITY_SENTENCE} A workshop needs candidates to weigh; "
                f"the {len(source.excluded)} themes left out, and why, are in the "
                "prioritisation's 'excluded' table."
            )
        # The workshop re-weights the one prioritisation: its criteria and its rule.
        criteria = source.criteria if criteria is None else criteria
        method = source.settings["method"]
        per_cohort = source.settings["per_cohort"]
        if threshold is None:
            threshold = source.settings.get("threshold")
    elif not isinstance(source, pd.DataFrame):
        raise TypeError(
            f"The 'source' parameter of {caller} must be a Prioritisation or a pandas "
            f"DataFrame. Got {type(source).__name__} instead."
        )
    check_settings(name, shortlist_size, dots, method, per_cohort, caller)
    table_list = check_tables(tables, f"parameter of {caller}")
    check_limits(min_interval, max_per_round, f"parameter of {caller}")
    threshold = OPTIONAL_KEYS["threshold"] if threshold is None else threshold
    check_threshold(threshold, f"parameter of {caller}")
    folder = Path(out_dir)
    config_path = folder / CONFIG_FILE
    if config_path.exists() and not overwrite:
        raise FileExistsError(
            f"{caller}: {str(config_path)!r} exists; pass overwrite=True to replace it."
        )
    candidates, excluded = _candidates_from(source, segment_labels)
    if criteria is None:
        from toolkit.prioritise import cube_criteria

        criteria = cube_criteria(candidates)
    model = ScoringModel(candidates, criteria=criteria, method=method)  # checks the data
    if len(model) <= shortlist_size:
        raise ValueError(
            f"{caller}: there are {len(model)} candidates, no more than the shortlist size "
            f"({shortlist_size}); a workshop needs more candidates than places."
        )
    table = candidates.copy()
    table.attrs = {}
    if LABEL_COLUMN not in table.columns:
        table[LABEL_COLUMN] = table[CANDIDATE_COLUMN].astype(str)
    folder.mkdir(parents=True, exist_ok=True)
    table.to_parquet(folder / CANDIDATES_FILE, index=False)
    (folder / CRITERIA_FILE).write_text(
        json.dumps([dataclasses.asdict(c) for c in model.criteria], indent=2, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    excluded_table = (
        excluded.copy()
        if isinstance(excluded, pd.DataFrame)
        else pd.DataFrame({CANDIDATE_COLUMN: [], "reason": []})
    )
    excluded_table.attrs = {}
    excluded_table.to_csv(folder / EXCLUDED_FILE, index=False)
    from toolkit import __version__

    write_config(
        config_path,
        {
            "name": name.strip(),
            "candidates": CANDIDATES_FILE,
            "criteria": CRITERIA_FILE,
            "store": os.fspath(store),
            "shortlist_size": shortlist_size,
            "dots": dots,
            "method": method,
            "per_cohort": 0 if per_cohort is None else per_cohort,
            "excluded": EXCLUDED_FILE,
            "tables": tables_setting(table_list),
            "min_interval": float(min_interval),
            "max_per_round": 0 if max_per_round is None else max_per_round,
            "threshold": threshold,
            "prepared_with": f"pophealth-toolkit {__version__}",
        },
        "Workshop configuration written by toolkit.workshop.prepare_workshop.\n"
        "Paths are relative to this file unless absolute. Serve it with\n"
        "    pophealth workshop --config <this file>",
    )
    return config_path


def load_workshop(config_path: str | os.PathLike[str]) -> Workshop:
    """Read a workshop prepared by :func:`prepare_workshop`.

    Parameters
    ----------
    config_path : str or os.PathLike
        The ``workshop.toml`` file.

    Returns
    -------
    Workshop

    Raises
    ------
    FileNotFoundError
        When the file, or a file it names, does not exist.
    ValueError
        When a setting is missing or wrong; the message names the file and the key.
    """
    caller = "load_workshop"
    if not isinstance(config_path, str | os.PathLike):
        raise TypeError(
            f"The 'config_path' parameter of {caller} must be a str or path. "
            f"Got {type(config_path).__name__} instead."
        )
    path = Path(config_path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"{caller}: no workshop configuration at {str(path)!r}.")
    try:
        document = read_toml(path)
    except TomlFileError as error:
        raise ValueError(f"{caller}: {str(path)!r} {error.problem}.") from None
    settings = document.get("workshop")
    if not isinstance(settings, dict):
        raise ValueError(f"{caller}: {str(path)!r} has no [workshop] table.")
    problems = [
        f"'{key}' must be {kind.__name__}"
        for key, kind in CONFIG_KEYS.items()
        if not isinstance(settings.get(key), kind) or isinstance(settings.get(key), bool)
    ]
    if problems:
        raise ValueError(f"{caller}: in {str(path)!r} [workshop], " + "; ".join(problems) + ".")
    per_cohort = settings.get("per_cohort", OPTIONAL_KEYS["per_cohort"])
    if isinstance(per_cohort, int) and not isinstance(per_cohort, bool) and per_cohort == 0:
        per_cohort = None
    check_settings(
        settings["name"],
        settings["shortlist_size"],
        settings["dots"],
        settings["method"],
        per_cohort,
        caller,
    )
    where = f"setting in {str(path)!r} [workshop]"
    table_list = check_tables(settings.get("tables", OPTIONAL_KEYS["tables"]), where)
    min_interval = settings.get("min_interval", OPTIONAL_KEYS["min_interval"])
    max_per_round = settings.get("max_per_round", OPTIONAL_KEYS["max_per_round"])
    if isinstance(max_per_round, int) and not isinstance(max_per_round, bool) and not max_per_round:
        max_per_round = None
    check_limits(min_interval, max_per_round, where)
    threshold = settings.get("threshold", OPTIONAL_KEYS["threshold"])
    check_threshold(threshold, where)
    base = path.parent

    def resolve(value: str) -> Path:
        target = Path(value).expanduser()
        return target if target.is_absolute() else base / target

    candidates_path = resolve(settings["candidates"])
    criteria_path = resolve(settings["criteria"])
    for label, target in (("candidates", candidates_path), ("criteria", criteria_path)):
        if not target.is_file():
            raise FileNotFoundError(
                f"{caller}: the {label} file {str(target)!r} named in {str(path)!r} does not exist."
            )
    candidates = pd.read_parquet(candidates_path)
    entries = json.loads(criteria_path.read_text(encoding="utf-8"))
    fields = {field.name for field in dataclasses.fields(Criterion)}
    if not isinstance(entries, list) or not all(
        isinstance(entry, dict) and set(entry) <= fields for entry in entries
    ):
        raise ValueError(
            f"{caller}: {str(criteria_path)!r} must be a list of criteria with keys "
            f"{sorted(fields)}."
        )
    criteria = tuple(Criterion(**entry) for entry in entries)
    excluded = None
    if isinstance(settings.get("excluded"), str) and resolve(settings["excluded"]).is_file():
        excluded = pd.read_csv(resolve(settings["excluded"]))
    return Workshop(
        name=settings["name"].strip(),
        candidates=candidates,
        criteria=criteria,
        store_path=resolve(settings["store"]),
        shortlist_size=settings["shortlist_size"],
        dots=settings["dots"],
        method=settings["method"],
        per_cohort=per_cohort,
        config_path=path,
        excluded=excluded,
        tables=table_list,
        min_interval=float(min_interval),
        max_per_round=max_per_round,
        threshold=threshold,
    )


__all__ = [
    "CACHE_ENVIRONMENT_VARIABLE",
    "CANDIDATES_FILE",
    "CONFIG_ENVIRONMENT_VARIABLE",
    "CONFIG_FILE",
    "CRITERIA_FILE",
    "DEFAULT_GROUP",
    "DEFAULT_MAX_PER_ROUND",
    "DEFAULT_MIN_INTERVAL",
    "DEFAULT_NAME",
    "DEFAULT_TABLES",
    "DEMO_PERSONS",
    "DEMO_SEED",
    "DEMO_TABLES",
    "EXCLUDED_FILE",
    "MAX_TABLES",
    "PARTICIPANT_URL_VARIABLE",
    "READY_DIR_VARIABLE",
    "SLIDER_MAX",
    "STAKEHOLDER_ROLES",
    "STORE_FILE",
    "WORKSHOP_DIR_ENVIRONMENT_VARIABLE",
    "Tables",
    "Workshop",
    "add_example_submissions",
    "demo_folder",
    "demo_workshop",
    "load_workshop",
    "mark_kernel_ready",
    "numbered_tables",
    "prepare_workshop",
    "table_link",
]
