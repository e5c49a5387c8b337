"""The demo workshop: a small synthetic system's priorities, ready for a room to weigh.

:func:`demo_workshop` prepares a workshop from the demo system's own prioritisation (the
same size and seed as ``pophealth demo`` and its board report), cached outside the
repository and keyed by the code that makes it, in a folder (:func:`demo_folder`) that
keeps its submissions between runs; :func:`add_example_submissions` fills a store with
made-up tables' weights, for demonstrations and tests.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit import defaults
from toolkit.prioritise.criteria import CANDIDATE_COLUMN
from toolkit.prioritise.scoring import DEFAULT_PER_COHORT
from toolkit.workshop._config_settings import (
    CANDIDATES_FILE,
    CONFIG_FILE,
    CRITERIA_FILE,
    DEFAULT_MAX_PER_ROUND,
    DEFAULT_MIN_INTERVAL,
    DEFAULT_TABLES,
    EXCLUDED_FILE,
    SLIDER_MAX,
    STAKEHOLDER_ROLES,
    Tables,
    tables_setting,
    write_config,
)

if TYPE_CHECKING:
    from toolkit.workshop.config import Workshop

#: Environment variable for the cache folder of the demo workshop (else the user cache).
CACHE_ENVIRONMENT_VARIABLE = "POPHEALTH_CACHE_DIR"

#: Environment variable for the demo workshop's folder, which keeps its store between
#: runs (else ``<user data folder>/pophealth-toolkit/workshops/demo``).
WORKSHOP_DIR_ENVIRONMENT_VARIABLE = "POPHEALTH_WORKSHOP_DIR"

#: Demo workshop defaults: a small system that prepares in seconds.
#: The demo workshop weighs the demo system's own prioritisation (the same size and seed as
#: ``pophealth demo`` and its board report), so the room sees the list the board sees.
DEMO_PERSONS = defaults.DEMO_PERSONS
DEMO_SEED = defaults.DEMO_SEED


def cache_root() -> Path:
    """Return the demo cache folder: $POPHEALTH_CACHE_DIR, else the user's cache folder."""
    chosen = os.environ.get(CACHE_ENVIRONMENT_VARIABLE)
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pophealth-toolkit"


def pipeline_fingerprint() -> str:
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


def _demo_base(persons: int, seed: int, cache_dir: Path | None) -> Path:
    """Prepare (once) and return the cached folder of the demo candidates and criteria."""
    root = Path(cache_dir) if cache_dir is not None else cache_root()
    base = root / f"workshop-demo-{persons}-{seed}-{pipeline_fingerprint()}"
    if (base / CONFIG_FILE).is_file():
        return base
    from toolkit.data import make_demo_system
    from toolkit.prioritise import prioritise_persons
    from toolkit.workshop.config import prepare_workshop

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
    cube and the themes measured on it by :func:`toolkit.prioritise.prioritise_persons`;
    a few seconds) and cached outside the repository, in ``$POPHEALTH_CACHE_DIR`` or the
    user's cache folder, keyed by the code that makes them. Each call rewrites the
    configuration in ``folder`` and keeps the store there: submissions, rounds and the
    facilitator's changes to the tables survive a restart. The store's file name carries a
    key of the demo's criteria and candidate ids, so a demo whose candidates changed starts
    a new store beside the old one (which is kept) instead of mixing submissions about
    different candidates.

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
    write_config(
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
            "tables": tables_setting(DEMO_TABLES),
            "min_interval": DEFAULT_MIN_INTERVAL,
            "max_per_round": DEFAULT_MAX_PER_ROUND,
        },
        f"Demo workshop on a synthetic system of {persons:,} persons (seed {seed}).\n"
        "Rewritten by toolkit.workshop.demo_workshop; the store beside it is kept.",
    )
    if example_tables:
        from toolkit.workshop.config import load_workshop

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


__all__ = [
    "CACHE_ENVIRONMENT_VARIABLE",
    "DEMO_PERSONS",
    "DEMO_SEED",
    "DEMO_TABLES",
    "WORKSHOP_DIR_ENVIRONMENT_VARIABLE",
    "add_example_submissions",
    "cache_root",
    "demo_folder",
    "demo_workshop",
    "pipeline_fingerprint",
]
