"""A workshop's settings: the tables, the limits, and the configuration file they are kept in.

The defaults a workshop starts from (twelve tables of mixed stakeholders, the pace of
submissions, the slider range), the checks every setting passes whether it is given to
:func:`~toolkit.workshop.prepare_workshop` or read from a ``workshop.toml`` by
:func:`~toolkit.workshop.load_workshop`, and the writer of that file (the standard library
reads TOML but does not write it).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from toolkit.data.contract import DISCLOSURE_THRESHOLD
from toolkit.prioritise.scoring import DEFAULT_PER_COHORT, DEFAULT_SHORTLIST_CAP, METHODS

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


#: Required settings of the configuration file and their types.
CONFIG_KEYS = {
    "name": str,
    "candidates": str,
    "criteria": str,
    "store": str,
    "shortlist_size": int,
    "dots": int,
    "method": str,
}

#: Optional settings and their defaults (``per_cohort = 0`` in the file means no limit).
OPTIONAL_KEYS = {
    "per_cohort": DEFAULT_PER_COHORT,
    "tables": DEFAULT_TABLES,
    "min_interval": DEFAULT_MIN_INTERVAL,
    "max_per_round": DEFAULT_MAX_PER_ROUND,
    "threshold": DISCLOSURE_THRESHOLD,
}


def toml_value(value: object) -> str:
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
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def write_config(path: Path, settings: Mapping[str, object], comment: str) -> None:
    """Write a configuration file whole: readers never see half of it.

    Another process (a Voila kernel) may read the file while it is rewritten, so it is
    written beside and then moved into place.
    """
    lines = [f"# {line}" for line in comment.splitlines()]
    lines += ["", "[workshop]"]
    lines += [f"{key} = {toml_value(value)}" for key, value in settings.items()]
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write("\n".join(lines) + "\n")
        os.chmod(temporary, 0o644)  # as an ordinary file (mkstemp makes it private)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def check_tables(value: object, where: str) -> Tables:
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


def tables_setting(tables: Tables) -> object:
    """Return the shortest TOML value for a workshop's tables."""
    if tables == numbered_tables(len(tables)):
        return len(tables)
    if all(group == DEFAULT_GROUP for _, group in tables):
        return [name for name, _ in tables]
    return [[name, group] for name, group in tables]


def check_limit(value: object, parameter: str, where: str) -> None:
    """Refuse a limit that is neither a whole number >= 1 nor None (no limit)."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValueError(
            f"The '{parameter}' {where} must be an int >= 1 or None (no limit). "
            f"Got {value!r} instead."
        )


def within_an_hour(seconds: object) -> bool:
    """Return whether ``seconds`` is a number (not a bool) from 0 to 3600.

    Shared by :func:`check_limits` (``min_interval``) and
    :func:`~toolkit.workshop.server.start_server` (``refill_seconds``).

    Parameters
    ----------
    seconds : object
        The value to check.

    Returns
    -------
    bool
        True for an int or float from 0 to 3600; False otherwise (NaN included).
    """
    return (
        not isinstance(seconds, bool) and isinstance(seconds, int | float) and 0 <= seconds <= 3600
    )


def check_limits(min_interval: object, max_per_round: object, where: str) -> None:
    """Refuse a pace of submissions (``min_interval``, ``max_per_round``) out of range."""
    if not within_an_hour(min_interval):
        raise ValueError(
            f"The 'min_interval' {where} must be a number of seconds from 0 to 3600. "
            f"Got {min_interval!r} instead."
        )
    check_limit(max_per_round, "max_per_round", where)


def check_threshold(threshold: object, where: str) -> None:
    """Refuse a disclosure threshold that is not a whole number of 1 or more."""
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError(
            f"The 'threshold' {where} must be a whole number of 1 or more (the disclosure "
            f"threshold: fewer people or events than it are not shown). Got {threshold!r} "
            "instead."
        )


def check_settings(
    name: object,
    shortlist_size: object,
    dots: object,
    method: object,
    per_cohort: object,
    caller: str,
) -> None:
    """Refuse a workshop's name, shortlist size, dots, method or per-cohort rule if wrong."""
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
    check_limit(per_cohort, "per_cohort", f"parameter of {caller}")


__all__ = [
    "CANDIDATES_FILE",
    "CONFIG_FILE",
    "CONFIG_KEYS",
    "CRITERIA_FILE",
    "DEFAULT_GROUP",
    "DEFAULT_MAX_PER_ROUND",
    "DEFAULT_MIN_INTERVAL",
    "DEFAULT_TABLES",
    "EXCLUDED_FILE",
    "MAX_TABLES",
    "OPTIONAL_KEYS",
    "SLIDER_MAX",
    "STAKEHOLDER_ROLES",
    "STORE_FILE",
    "Tables",
    "check_limit",
    "check_limits",
    "check_settings",
    "check_tables",
    "numbered_tables",
    "tables_setting",
    "toml_value",
    "write_config",
]
