"""Preparing a workshop once, so that every participant's kernel starts quickly.

:func:`prepare_workshop` turns a cohort cube (or a ready candidates table) into a small
folder: the candidates (Parquet), the criteria (JSON), the candidates that could not be
assessed (CSV) and a configuration file (TOML) naming the workshop, the store, the
shortlist size and the dots each table may spend. :func:`load_workshop` reads it back in
a fraction of a second; a Voila kernel never touches the cube. :func:`demo_workshop`
prepares one from a small synthetic system, cached outside the repository, in a named
folder that keeps its submissions between runs, for when no configuration is given (the
notebooks under nbval, an analyst trying the app).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
import tomllib
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit import defaults
from toolkit.prioritise.criteria import CANDIDATE_COLUMN, LABEL_COLUMN, Criterion
from toolkit.prioritise.scoring import (
    DEFAULT_PER_COHORT,
    DEFAULT_SHORTLIST_CAP,
    METHODS,
    Method,
    ScoringModel,
)

#: Environment variable that points the notebooks at a workshop configuration file.
CONFIG_ENVIRONMENT_VARIABLE = "POPHEALTH_WORKSHOP_CONFIG"

#: Environment variable giving the facilitator's kernels the participants' link (set by
#: ``pophealth workshop`` for the facilitator's server only), so the facilitator's page can
#: list each table's own link.
PARTICIPANT_URL_VARIABLE = "POPHEALTH_WORKSHOP_PARTICIPANT_URL"

#: Environment variable naming the folder where a served kernel notes that its view is
#: ready (set by ``pophealth workshop``), so the server knows when its warm pool is warm.
READY_DIR_VARIABLE = "POPHEALTH_WORKSHOP_READY_DIR"

#: Environment variable for the cache folder of the demo workshop (else the user cache).
CACHE_ENVIRONMENT_VARIABLE = "POPHEALTH_CACHE_DIR"

#: Environment variable for the demo workshop's folder, which keeps its store between
#: runs (else ``<user data folder>/pophealth-toolkit/workshops/demo``).
WORKSHOP_DIR_ENVIRONMENT_VARIABLE = "POPHEALTH_WORKSHOP_DIR"

#: File names inside a prepared workshop folder.
CONFIG_FILE = "workshop.toml"
CANDIDATES_FILE = "candidates.parquet"
CRITERIA_FILE = "criteria.json"
EXCLUDED_FILE = "excluded.csv"
STORE_FILE = "submissions.sqlite"

#: Stakeholder roles offered to a table (a table of six to eight people is often mixed).
STAKEHOLDER_ROLES: tuple[str, ...] = (
    "Mixed table",
    "Clinicians",
    "Local authority",
    "Voluntary sector",
    "Residents",
)

#: Sliders run from 0 (does not matter) to this value (matters most).
SLIDER_MAX = 10

#: Tables a workshop has unless its configuration says otherwise, and their group.
DEFAULT_TABLES = 12
DEFAULT_GROUP = STAKEHOLDER_ROLES[0]

#: Most tables a workshop may list.
MAX_TABLES = 100

#: Seconds a table waits between submissions, and most submissions a table may make in
#: a round, unless the configuration says otherwise (``max_per_round = 0``: no limit).
DEFAULT_MIN_INTERVAL = 2.0
DEFAULT_MAX_PER_ROUND = 30

#: A workshop's tables: (name, stakeholder group) pairs, in order.
Tables = tuple[tuple[str, str], ...]


def numbered_tables(count: int, group: str = DEFAULT_GROUP) -> Tables:
    """Return ``count`` tables named "Table 1" to "Table <count>", all in one group.

    Parameters
    ----------
    count : int
        How many tables.
    group : str
        Their stakeholder group ("Mixed table" by default).

    Returns
    -------
    tuple of (str, str)
    """
    return tuple((f"Table {number}", group) for number in range(1, count + 1))


#: Default name of a workshop.
DEFAULT_NAME = "Population health priorities workshop"

#: Demo workshop defaults: a small system that prepares in seconds.
#: The demo workshop weighs the demo system's own prioritisation (the same size and seed as
#: ``pophealth demo`` and its board report), so the room sees the list the board sees.
DEMO_PERSONS = defaults.DEMO_PERSONS
DEMO_SEED = defaults.DEMO_SEED

_CONFIG_KEYS = {
    "name": str,
    "candidates": str,
    "criteria": str,
    "store": str,
    "shortlist_size": int,
    "dots": int,
    "method": str,
}

#: Optional settings and their defaults (``per_cohort = 0`` in the file means no limit).
_OPTIONAL_KEYS = {
    "per_cohort": DEFAULT_PER_COHORT,
    "tables": DEFAULT_TABLES,
    "min_interval": DEFAULT_MIN_INTERVAL,
    "max_per_round": DEFAULT_MAX_PER_ROUND,
}


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


def _cache_root() -> Path:
    """Return the demo cache folder: $POPHEALTH_CACHE_DIR, else the user's cache folder."""
    chosen = os.environ.get(CACHE_ENVIRONMENT_VARIABLE)
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pophealth-toolkit"


def _pipeline_fingerprint() -> str:
    """Return a short hash of the code that makes the demo candidates, to key the cache."""
    import toolkit

    root = Path(toolkit.__file__).parent
    digest = hashlib.sha256(toolkit.__version__.encode())
    for package in ("data", "segment", "prioritise", "indicators", "workshop"):
        for file in sorted((root / package).rglob("*")):
            if file.suffix in {".py", ".toml", ".yaml", ".csv"} and file.is_file():
                digest.update(file.relative_to(root).as_posix().encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def _toml_value(value: object) -> str:
    """Format a str, int, float, bool or a list of them (or of lists) as TOML.

    Written here because the standard library reads TOML (tomllib) but does not write it,
    and a workshop configuration holds only a handful of flat keys. JSON string escapes are
    valid TOML basic-string escapes.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _write_config(path: Path, settings: Mapping[str, object], comment: str) -> None:
    """Write a configuration file whole: readers never see half of it.

    Another process (a Voila kernel) may read the file while it is rewritten, so it is
    written beside and then moved into place.
    """
    lines = [f"# {line}" for line in comment.splitlines()]
    lines += ["", "[workshop]"]
    lines += [f"{key} = {_toml_value(value)}" for key, value in settings.items()]
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write("\n".join(lines) + "\n")
        os.chmod(temporary, 0o644)  # as an ordinary file (mkstemp makes it private)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _check_tables(value: object, where: str) -> Tables:
    """Return a workshop's tables from a count, a list of names or of (name, group) pairs.

    A mapping of name to group is taken too. Names and groups are trimmed, must not be
    blank or longer than the store allows, and no two names may differ only in case or
    spacing.
    """
    from toolkit.workshop.store import MAX_NAME_LENGTH

    wanted = (
        f"The 'tables' {where} must be a number of tables (1 to {MAX_TABLES}) or a list of "
        "table names (or of [name, group] pairs)"
    )
    if isinstance(value, int) and not isinstance(value, bool):
        if not 1 <= value <= MAX_TABLES:
            raise ValueError(f"{wanted}. Got {value} instead.")
        return numbered_tables(value)
    if isinstance(value, Mapping):
        items: list[object] = [[name, group] for name, group in value.items()]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise TypeError(f"{wanted}. Got {type(value).__name__} instead.")
    if not 1 <= len(items) <= MAX_TABLES:
        raise ValueError(f"{wanted}. Got {len(items)} tables instead.")
    tables: list[tuple[str, str]] = []
    seen: set[str] = set()
    for item in items:
        if isinstance(item, str):
            name, group = item, DEFAULT_GROUP
        elif (
            isinstance(item, list | tuple)
            and len(item) == 2
            and all(isinstance(part, str) for part in item)
        ):
            name, group = item
        else:
            raise TypeError(f"{wanted}. Got {item!r} in the list instead.")
        name, group = " ".join(name.split()), " ".join(group.split())
        if not name or not group or max(len(name), len(group)) > MAX_NAME_LENGTH:
            raise ValueError(
                f"{wanted}; names and groups must not be blank or longer than "
                f"{MAX_NAME_LENGTH} characters. Got {item!r} instead."
            )
        if name.casefold() in seen:
            raise ValueError(f"{wanted}; each name once. Got {name!r} twice instead.")
        seen.add(name.casefold())
        tables.append((name, group))
    return tuple(tables)


def _tables_setting(tables: Tables) -> object:
    """Return the shortest TOML value for a workshop's tables."""
    if tables == numbered_tables(len(tables)):
        return len(tables)
    if all(group == DEFAULT_GROUP for _, group in tables):
        return [name for name, _ in tables]
    return [[name, group] for name, group in tables]


def _check_limits(min_interval: object, max_per_round: object, where: str) -> None:
    if (
        isinstance(min_interval, bool)
        or not isinstance(min_interval, int | float)
        or not 0 <= min_interval <= 3600
    ):
        raise ValueError(
            f"The 'min_interval' {where} must be a number of seconds from 0 to 3600. "
            f"Got {min_interval!r} instead."
        )
    if max_per_round is not None and (
        isinstance(max_per_round, bool) or not isinstance(max_per_round, int) or max_per_round < 1
    ):
        raise ValueError(
            f"The 'max_per_round' {where} must be an int >= 1 or None (no limit). "
            f"Got {max_per_round!r} instead."
        )


def _check_settings(
    name: object,
    shortlist_size: object,
    dots: object,
    method: object,
    per_cohort: object,
    caller: str,
) -> None:
    if not isinstance(name, str) or not name.strip():
        raise TypeError(
            f"The 'name' parameter of {caller} must be a non-empty str. Got {name!r} instead."
        )
    if isinstance(shortlist_size, bool) or not isinstance(shortlist_size, int):
        raise TypeError(
            f"The 'shortlist_size' parameter of {caller} must be an int. "
            f"Got {shortlist_size!r} instead."
        )
    if not 1 <= shortlist_size <= DEFAULT_SHORTLIST_CAP:
        raise ValueError(
            f"The 'shortlist_size' parameter of {caller} must be an int in "
            f"[1, {DEFAULT_SHORTLIST_CAP}] (not everything can be a priority). "
            f"Got {shortlist_size} instead."
        )
    if isinstance(dots, bool) or not isinstance(dots, int):
        raise TypeError(f"The 'dots' parameter of {caller} must be an int. Got {dots!r} instead.")
    if not 0 <= dots <= 20:
        raise ValueError(
            f"The 'dots' parameter of {caller} must be an int in [0, 20] (0: no dot vote). "
            f"Got {dots} instead."
        )
    if method not in METHODS:
        raise ValueError(
            f"The 'method' parameter of {caller} must be one of {sorted(METHODS)}. "
            f"Got {method!r} instead."
        )
    if per_cohort is not None and (
        isinstance(per_cohort, bool) or not isinstance(per_cohort, int) or per_cohort < 1
    ):
        raise ValueError(
            f"The 'per_cohort' parameter of {caller} must be an int >= 1 or None (no limit). "
            f"Got {per_cohort!r} instead."
        )


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
        f"'{CANDIDATE_COLUMN}' column) or a cohort cube (with 'segment' and 'persons'). "
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
) -> Path:
    """Write a workshop's candidates, criteria and configuration to a folder.

    Parameters
    ----------
    source : Prioritisation or pandas.DataFrame
        The prioritisation the room is to weigh (:func:`toolkit.prioritise.prioritise`;
        its candidates, criteria, scoring method and one-per-theme rule are used), a
        cohort cube (:func:`toolkit.segment.build_cube`), from which segment candidates
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
        per_cohort = source.settings["per_theme"]
    elif not isinstance(source, pd.DataFrame):
        raise TypeError(
            f"The 'source' parameter of {caller} must be a Prioritisation or a pandas "
            f"DataFrame. Got {type(source).__name__} instead."
        )
    _check_settings(name, shortlist_size, dots, method, per_cohort, caller)
    table_list = _check_tables(tables, f"parameter of {caller}")
    _check_limits(min_interval, max_per_round, f"parameter of {caller}")
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

    _write_config(
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
            "tables": _tables_setting(table_list),
            "min_interval": float(min_interval),
            "max_per_round": 0 if max_per_round is None else max_per_round,
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
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{caller}: {str(path)!r} is not valid TOML: {error}") from None
    settings = document.get("workshop")
    if not isinstance(settings, dict):
        raise ValueError(f"{caller}: {str(path)!r} has no [workshop] table.")
    problems = [
        f"'{key}' must be {kind.__name__}"
        for key, kind in _CONFIG_KEYS.items()
        if not isinstance(settings.get(key), kind) or isinstance(settings.get(key), bool)
    ]
    if problems:
        raise ValueError(f"{caller}: in {str(path)!r} [workshop], " + "; ".join(problems) + ".")
    per_cohort = settings.get("per_cohort", _OPTIONAL_KEYS["per_cohort"])
    if isinstance(per_cohort, int) and not isinstance(per_cohort, bool) and per_cohort == 0:
        per_cohort = None
    _check_settings(
        settings["name"],
        settings["shortlist_size"],
        settings["dots"],
        settings["method"],
        per_cohort,
        caller,
    )
    where = f"setting in {str(path)!r} [workshop]"
    table_list = _check_tables(settings.get("tables", _OPTIONAL_KEYS["tables"]), where)
    min_interval = settings.get("min_interval", _OPTIONAL_KEYS["min_interval"])
    max_per_round = settings.get("max_per_round", _OPTIONAL_KEYS["max_per_round"])
    if isinstance(max_per_round, int) and not isinstance(max_per_round, bool) and not max_per_round:
        max_per_round = None
    _check_limits(min_interval, max_per_round, where)
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
    )


def _demo_base(persons: int, seed: int, cache_dir: Path | None) -> Path:
    """Prepare (once) and return the cached folder of the demo candidates and criteria."""
    root = Path(cache_dir) if cache_dir is not None else _cache_root()
    base = root / f"workshop-demo-{persons}-{seed}-{_pipeline_fingerprint()}"
    if (base / CONFIG_FILE).is_file():
        return base
    from toolkit.data import make_demo_system
    from toolkit.prioritise import prioritise_persons

    root.mkdir(parents=True, exist_ok=True)
    system = make_demo_system(persons=persons, seed=seed)
    building = Path(tempfile.mkdtemp(prefix=f"{base.name}.", dir=root))
    try:
        with warnings.catch_warnings():
            # The themes left out are written to excluded.csv and counted in the views.
            warnings.simplefilter("ignore", UserWarning)
            priorities = prioritise_persons(system.persons, seed=seed, draws=1_000)
            prepare_workshop(priorities, out_dir=building, name="Demo workshop", overwrite=True)
        try:
            building.rename(base)
        except OSError:  # another process finished first; use its copy
            if not (base / CONFIG_FILE).is_file():
                raise
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)
    return base


def demo_folder() -> Path:
    """Return the demo workshop's folder, which keeps its store between runs.

    ``$POPHEALTH_WORKSHOP_DIR`` when set, else ``pophealth-toolkit/workshops/demo`` in
    the user's data folder (``$XDG_DATA_HOME``, by default ``~/.local/share``).

    Returns
    -------
    pathlib.Path
    """
    chosen = os.environ.get(WORKSHOP_DIR_ENVIRONMENT_VARIABLE)
    if chosen:
        return Path(chosen).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base).expanduser() / "pophealth-toolkit" / "workshops" / "demo"


def _demo_store_name(base: Path) -> str:
    """Return the demo store's file name, keyed by the demo's criteria and candidate ids.

    Submissions name criteria and candidates, so a demo whose criteria or candidates
    changed (a new version of the toolkit) starts a new store beside the old one, which is
    kept; the same demo keeps using the same store.
    """
    digest = hashlib.sha256()
    criteria = json.loads((base / CRITERIA_FILE).read_text(encoding="utf-8"))
    digest.update(json.dumps([entry.get("name") for entry in criteria]).encode())
    ids = pd.read_parquet(base / CANDIDATES_FILE, columns=[CANDIDATE_COLUMN])[CANDIDATE_COLUMN]
    digest.update("\n".join(map(str, ids)).encode())
    return f"submissions-{digest.hexdigest()[:10]}.sqlite"


#: The demo's tables: twelve, their stakeholder groups in turn (as the example tables').
DEMO_TABLES: Tables = tuple(
    (f"Table {number}", STAKEHOLDER_ROLES[(number - 1) % len(STAKEHOLDER_ROLES)])
    for number in range(1, DEFAULT_TABLES + 1)
)


def demo_workshop(
    *,
    persons: int = DEMO_PERSONS,
    seed: int = DEMO_SEED,
    example_tables: int = 0,
    folder: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    name: str = "Demo workshop",
) -> Path:
    """Prepare a demo workshop on a small synthetic system and return its configuration file.

    The candidates are built once (a synthetic system of ``persons`` people, its cohort
    cube and :func:`toolkit.prioritise.candidate_priorities`; a few seconds) and cached
    outside the repository, in ``$POPHEALTH_CACHE_DIR`` or the user's cache folder, keyed
    by the code that makes them. Each call rewrites the configuration in ``folder`` and
    keeps the store there: submissions, rounds and the facilitator's changes to the
    tables survive a restart. The store's file name carries a key of the demo's criteria
    and candidate ids, so a demo whose candidates changed starts a new store beside the
    old one (which is kept) instead of mixing submissions about different candidates.

    Parameters
    ----------
    persons : int
        Persons in the synthetic system (250,000 by default, as ``pophealth demo``).
    seed : int
        Seed of the synthetic system and of the example submissions.
    example_tables : int
        Tables whose example submissions are put in the store when it holds none for the
        workshop (0 by default), so that the facilitator view has something to show.
        Calling again adds nothing: the same call gives the same store.
    folder : str or os.PathLike, optional
        Where to write the configuration and keep the store. By default
        :func:`demo_folder` (``$POPHEALTH_WORKSHOP_DIR`` or the user's data folder), or,
        with ``example_tables``, its subfolder ``with-<N>-example-tables``, so that the
        examples never mix with a room's own submissions.
    cache_dir : str or os.PathLike, optional
        Where to cache the candidates; see above for the default.
    name : str
        The workshop's name.

    Returns
    -------
    pathlib.Path
        The configuration file.
    """
    caller = "demo_workshop"
    for parameter, value, low in (
        ("persons", persons, 100),
        ("seed", seed, 0),
        ("example_tables", example_tables, 0),
    ):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(
                f"The '{parameter}' parameter of {caller} must be an int. Got {value!r} instead."
            )
        if value < low:
            raise ValueError(
                f"The '{parameter}' parameter of {caller} must be an int >= {low}. "
                f"Got {value} instead."
            )
    if example_tables > len(DEMO_TABLES):
        raise ValueError(
            f"The 'example_tables' parameter of {caller} must be at most "
            f"{len(DEMO_TABLES)} (the demo's tables). Got {example_tables} instead."
        )
    base = _demo_base(persons, seed, None if cache_dir is None else Path(cache_dir))
    if folder is not None:
        target = Path(folder).expanduser()
    elif example_tables:
        target = demo_folder() / f"with-{example_tables}-example-tables"
    else:
        target = demo_folder()
    target.mkdir(parents=True, exist_ok=True)
    config_path = target / CONFIG_FILE
    _write_config(
        config_path,
        {
            "name": name,
            "candidates": str((base / CANDIDATES_FILE).resolve()),
            "criteria": str((base / CRITERIA_FILE).resolve()),
            "store": _demo_store_name(base),
            "shortlist_size": 5,
            "dots": 3,
            "method": "weighted_sum",
            "per_cohort": DEFAULT_PER_COHORT,
            "excluded": str((base / EXCLUDED_FILE).resolve()),
            "tables": _tables_setting(DEMO_TABLES),
            "min_interval": DEFAULT_MIN_INTERVAL,
            "max_per_round": DEFAULT_MAX_PER_ROUND,
        },
        f"Demo workshop on a synthetic system of {persons:,} persons (seed {seed}).\n"
        "Rewritten by toolkit.workshop.demo_workshop; the store beside it is kept.",
    )
    if example_tables:
        workshop = load_workshop(config_path)
        if workshop.store.submissions(workshop.name).empty:
            add_example_submissions(workshop, tables=example_tables, seed=seed)
    return config_path


def add_example_submissions(
    workshop: Workshop, *, tables: int = 4, seed: int = DEMO_SEED
) -> list[int]:
    """Submit made-up weights for a few tables, for demonstrations and tests.

    The first ``tables`` tables on the store's list submit, in the current round. Each
    table's slider positions are drawn at random (whole numbers 0-10, not all zero) from
    a seeded generator; its shortlist is what those weights give (one candidate per
    cohort, as the workshop is set), and it spends its dots on candidates from its own
    top eight. The workshop's limits on how often a table submits do not apply.

    Parameters
    ----------
    workshop : Workshop
        The workshop whose store receives the submissions.
    tables : int
        How many tables ("Table 1", "Table 2", ... as the list names them).
    seed : int
        Seed of the draws: the same seed gives the same submissions.

    Returns
    -------
    list of int
        The submission ids.

    Raises
    ------
    ValueError
        When the list holds fewer active tables than ``tables``.
    """
    if isinstance(tables, bool) or not isinstance(tables, int) or tables < 1:
        raise ValueError(
            f"The 'tables' parameter of add_example_submissions must be an int >= 1. "
            f"Got {tables!r} instead."
        )
    from toolkit.workshop.store import SubmissionStore

    listed = workshop.store.tables(workshop.name)  # takes the workshop's tables if unset
    names = listed.loc[listed["status"] == "active", "table"].tolist()
    if len(names) < tables:
        raise ValueError(
            f"The 'tables' parameter of add_example_submissions must be at most {len(names)} "
            f"(the active tables on the list). Got {tables} instead."
        )
    store = SubmissionStore(
        workshop.store_path,
        criteria=[criterion.name for criterion in workshop.criteria],
        candidates=list(workshop.model.candidates),
        min_interval=0,
        max_per_round=None,
    )
    rng = np.random.default_rng(seed)
    model = workshop.model
    ids: list[int] = []
    for number, table in enumerate(names[:tables], 1):
        positions = rng.integers(0, SLIDER_MAX + 1, size=len(model.names))
        if not positions.any():
            positions[rng.integers(len(positions))] = SLIDER_MAX
        weights = dict(zip(model.names, positions.astype(float).tolist(), strict=True))
        order = np.argsort(model.ranks(weights), kind="stable")
        picked = model.shortlisted(
            weights, size=workshop.shortlist_size, per_cohort=workshop.per_cohort
        )
        shortlist = [model.candidates[i] for i in picked]
        dots: dict[str, int] = {}
        for pick in rng.choice(order[:8], size=workshop.dots, replace=True):
            dots[model.candidates[pick]] = dots.get(model.candidates[pick], 0) + 1
        role = STAKEHOLDER_ROLES[(number - 1) % len(STAKEHOLDER_ROLES)]
        ids.append(store.submit(workshop.name, table, role, weights, shortlist, dots=dots))
    return ids
