"""Preparing a workshop once, so that every participant's kernel starts quickly.

:func:`prepare_workshop` turns a cohort cube (or a ready candidates table) into a small
folder: the candidates (Parquet), the criteria (JSON), the candidates that could not be
assessed (CSV) and a configuration file (TOML) naming the workshop, the store, the
shortlist size and the dots each table may spend. :func:`load_workshop` reads it back in
a fraction of a second; a Voila kernel never touches the cube. :func:`demo_workshop`
prepares one from a small synthetic system, cached outside the repository, for when no
configuration is given (the notebooks under nbval, an analyst trying the app).
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

#: Environment variable for the cache folder of the demo workshop (else the user cache).
CACHE_ENVIRONMENT_VARIABLE = "POPHEALTH_CACHE_DIR"

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

#: Default name of a workshop.
DEFAULT_NAME = "Population health priorities workshop"

#: Demo workshop defaults: a small system that prepares in seconds.
#: The demo workshop weighs the demo system's own prioritisation (the same size and seed as
#: ``pophealth demo`` and its board report), so the room sees the list the board sees.
DEMO_PERSONS = 250_000
DEMO_SEED = 20261122

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
_OPTIONAL_KEYS = {"per_cohort": DEFAULT_PER_COHORT}


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
    """

    name: str
    candidates: pd.DataFrame
    criteria: tuple[Criterion, ...]
    store_path: Path
    shortlist_size: int = 5
    dots: int = 3
    method: Method = "weighted_sum"
    per_cohort: int | None = DEFAULT_PER_COHORT
    config_path: Path | None = None
    excluded: pd.DataFrame | None = None

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
        """The :class:`~toolkit.workshop.SubmissionStore`, checking criteria and candidate ids."""
        from toolkit.workshop.store import SubmissionStore

        return SubmissionStore(
            self.store_path,
            criteria=[criterion.name for criterion in self.criteria],
            candidates=list(self.model.candidates),
        )

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
    """Format a str, int, float or bool as TOML.

    Written here because the standard library reads TOML (tomllib) but does not write it,
    and a workshop configuration holds only a handful of flat keys. JSON string escapes are
    valid TOML basic-string escapes.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def _write_config(path: Path, settings: Mapping[str, object], comment: str) -> None:
    lines = [f"# {line}" for line in comment.splitlines()]
    lines += ["", "[workshop]"]
    lines += [f"{key} = {_toml_value(value)}" for key, value in settings.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


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

            segment_labels = load_rules("bridges_to_health").labels
        # The model lets candidate_priorities leave out outcomes that define a segment
        # (emergency admissions among the acutely ill, say): they are true by construction.
        candidates = candidate_priorities(
            source, model="bridges_to_health", segment_labels=segment_labels
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
    shortlist_size: int = 5,
    dots: int = 3,
    method: Method = "weighted_sum",
    per_cohort: int | None = DEFAULT_PER_COHORT,
    store: str | os.PathLike[str] = STORE_FILE,
    segment_labels: Mapping[str, str] | None = None,
    overwrite: bool = False,
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

    Returns
    -------
    pathlib.Path
        The configuration file (``workshop.toml``) to give to :func:`load_workshop` or
        ``pophealth workshop --config``.

    Raises
    ------
    FileExistsError
        When ``out_dir`` already holds a workshop and ``overwrite`` is False.
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
    by the code that makes them. Each call writes a fresh configuration with an empty
    store (or one holding ``example_tables`` example submissions) in ``folder``.

    Parameters
    ----------
    persons : int
        Persons in the synthetic system (250,000 by default, as ``pophealth demo``).
    seed : int
        Seed of the synthetic system and of the example submissions.
    example_tables : int
        Tables whose example submissions are put in the store (0 by default), so that
        the facilitator view has something to show.
    folder : str or os.PathLike, optional
        Where to write the configuration and the store; a new temporary folder by default.
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
    base = _demo_base(persons, seed, None if cache_dir is None else Path(cache_dir))
    target = (
        Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="pophealth-workshop-"))
    )
    target.mkdir(parents=True, exist_ok=True)
    config_path = target / CONFIG_FILE
    _write_config(
        config_path,
        {
            "name": name,
            "candidates": str((base / CANDIDATES_FILE).resolve()),
            "criteria": str((base / CRITERIA_FILE).resolve()),
            "store": STORE_FILE,
            "shortlist_size": 5,
            "dots": 3,
            "method": "weighted_sum",
            "per_cohort": DEFAULT_PER_COHORT,
            "excluded": str((base / EXCLUDED_FILE).resolve()),
        },
        f"Demo workshop on a synthetic system of {persons:,} persons (seed {seed}).",
    )
    if example_tables:
        add_example_submissions(load_workshop(config_path), tables=example_tables, seed=seed)
    return config_path


def add_example_submissions(
    workshop: Workshop, *, tables: int = 4, seed: int = DEMO_SEED
) -> list[int]:
    """Submit made-up weights for a few tables, for demonstrations and tests.

    Each table's slider positions are drawn at random (whole numbers 0-10, not all zero)
    from a seeded generator; its shortlist is what those weights give (one candidate per
    cohort, as the workshop is set), and it spends its
    dots on candidates from its own top eight.

    Parameters
    ----------
    workshop : Workshop
        The workshop whose store receives the submissions.
    tables : int
        How many tables ("Table 1", "Table 2", ...).
    seed : int
        Seed of the draws: the same seed gives the same submissions.

    Returns
    -------
    list of int
        The submission ids.
    """
    if isinstance(tables, bool) or not isinstance(tables, int) or tables < 1:
        raise ValueError(
            f"The 'tables' parameter of add_example_submissions must be an int >= 1. "
            f"Got {tables!r} instead."
        )
    rng = np.random.default_rng(seed)
    model = workshop.model
    ids: list[int] = []
    for number in range(1, tables + 1):
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
        ids.append(
            workshop.store.submit(
                workshop.name, f"Table {number}", role, weights, shortlist, dots=dots
            )
        )
    return ids
