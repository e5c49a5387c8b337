"""The fast aggregate: files aggregated as they stand, checked in the same scan.

:func:`fast_aggregate` is the one entry point, shared by :func:`toolkit.segment.build_cube`,
:func:`toolkit.segment.build_cohort_cube` and :func:`toolkit.segment.check_persons_file`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from toolkit.segment._duckdb_files import view_name
from toolkit.segment._hashing import duplicate_ids, hash_surplus
from toolkit.segment._sources import Source

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir
    import pyarrow as pa


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


#: Columns of the fast view saying whether a row is kept, and whether it breaks a rule.
_FAST_FLAGS = ("_pophealth_kept", "_pophealth_broken")
#: The fast aggregate's counts of the rows that do not read as they stand (or break a
#: rule), and of all the rows (persons).
_NOT_AS_THEY_STAND = "_pophealth_not_as_they_stand"
_ROWS = "_pophealth_rows"


def fast_aggregate(
    con: Any,
    source: Source,
    aggregate: Callable[[ir.Table, Mapping[str, ir.BooleanValue]], ir.Table],
    *,
    validate: bool,
) -> pa.Table | None:
    """Aggregate files as they stand, checking them in the same scan; ``None`` if unsafe.

    The common case costs one scan that both aggregates and checks, a scan of the distinct
    values of each text column with few values (their tests and own rules, see
    :class:`toolkit.segment._fast_reading.ByValue`) and (with ``validate``) a scan of the
    ``person_id`` hashes (:func:`hash_surplus`).
    ``aggregate`` (the segment cube's or the cohort cube's expression, given flags whose
    persons to count) runs over the files read as they stand (the view of
    :func:`toolkit.segment._fast_reading.fast_query`) and counts, in the same
    group-by, the persons, and those whose rows do not read as they stand or, with
    ``validate``, break a rule. The aggregate is returned when that count is zero, there
    are persons, the values it is grouped by (``sex``, ``place``) stand and, with
    ``validate``, every ``person_id`` stands and none repeats: it is then the aggregate of
    the standardised files, and these pass every check. Otherwise (and on any engine
    error) ``None``: the caller checks and aggregates the standardised files as before,
    which gives the exact counts, messages and errors, in their order.

    Shared by :func:`toolkit.segment.build_cube` and
    :func:`toolkit.segment.build_cohort_cube`. Our own code, because no library checks files
    against a contract in the scan that aggregates them.
    """
    import duckdb
    import ibis
    import pyarrow.compute as pc

    from toolkit.segment._engine_contract import stands_as_key

    contract = source.contract
    if contract is None or contract.standardisation.fast is None:
        return None
    reading = contract.standardisation.fast
    view = view_name("fast")
    try:
        con.raw_sql(f"CREATE TEMPORARY VIEW {view} AS {reading.sql}")
        table = con.table(view)
        if table.drop(*reading.stands.values(), *_FAST_FLAGS).schema() != source.table.schema():
            return None  # pragma: no cover - a type the fast reading does not keep
    except Exception:  # noqa: BLE001 - any error: the standardised files give it, in order
        return None

    def unique_ids(rows: int | None = None) -> bool:
        """Whether every person_id stands and none repeats (see :func:`hash_surplus`).

        ``rows``, the number of rows (about), is read from Parquet metadata when not given.
        """
        try:
            if rows is None:
                listed = "[" + ", ".join(_sql_text(name) for name in contract.files) + "]"
                rows = con.con.execute(
                    f"SELECT sum(num_rows) FROM parquet_file_metadata({listed})"
                ).fetchall()[0][0]
            query = f"SELECT {reading.id_hash} FROM {view}"
            surplus = hash_surplus(con, query, max(int(rows or 0), 1))
            return surplus == 0 or (surplus is not None and not duplicate_ids(con, table)[1])
        except duckdb.Error:
            return False

    try:
        # Text columns with few values (LSOA codes, causes of death) are looked at once per
        # distinct value: a value that does not stand, or breaks a rule, sends the files
        # to the standardised path, as a row of it would.
        for column in reading.by_value:
            if con.con.execute(column.failing(validate=validate)).fetchall()[0][0]:
                return None
    except duckdb.Error:
        return None
    # The ids of Parquet files are looked at first, their number known from the files'
    # metadata: the hashes' memory is then freed before DuckDB's aggregation takes its own.
    ids_first = validate and reading.id_hash is not None and contract.kind == "parquet"
    if ids_first and not unique_ids():
        return None
    try:
        # Rows count as not standing where a column with a test does not stand, read by
        # the aggregate or not (``person_id`` aside: see ``unique_ids``). For a column the
        # aggregate does not read this is stricter than it need be, which costs only the
        # standardised path for such files; finding the columns read would mean building
        # the expression twice, its costliest step.
        trusted = table[_FAST_FLAGS[0]]
        if validate:
            trusted = trusted & ~table[_FAST_FLAGS[1]]
        for name, column in reading.stands.items():
            if name != "person_id":
                trusted = trusted & table[column]
        counts = {_NOT_AS_THEY_STAND: ~trusted, _ROWS: ibis.literal(True)}
        expression = aggregate(table, counts)
        result = con.to_pyarrow(expression)
    except Exception:  # noqa: BLE001 - any error: the standardised files give it, in order
        return None  # (the checks' message first, then the aggregate's own error)
    persons = pc.sum(result[_ROWS]).as_py()
    if pc.sum(result[_NOT_AS_THEY_STAND]).as_py() or not persons:
        return None
    csv = contract.kind == "csv"
    for name in reading.keys:
        if name in result.column_names and not all(
            stands_as_key(name, value, csv=csv) for value in pc.unique(result[name]).to_pylist()
        ):
            return None
    if validate and reading.id_hash is not None and not ids_first and not unique_ids(persons):
        return None
    return result.drop_columns([_NOT_AS_THEY_STAND, _ROWS])


__all__ = ["fast_aggregate"]
