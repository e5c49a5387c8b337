"""Repeated ``person_id`` values found through their 64-bit hashes, in bounded memory.

:func:`surplus_hashes` is the entry point for a table, :func:`hash_surplus` for a query
giving hashes (the fast reading's), and :func:`duplicate_ids` confirms or clears a
suggested repeat exactly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir


#: Rows per Arrow batch when streaming ``person_id`` hashes out of DuckDB.
_HASH_BATCH_ROWS = 1_000_000
#: Most ``person_id`` hashes held in memory at once (8 bytes each, so 128 MB); a larger
#: table is checked in several passes, each over a slice of the hash values.
_MAX_HASHES_IN_MEMORY = 16_000_000


def surplus_hashes(con: Any, table: ir.Table, ids: int) -> int:
    """Return how many ``person_id`` values repeat an earlier one's 64-bit hash, on DuckDB.

    ``ids`` is the number of non-blank ids; see :func:`hash_surplus`.
    """
    if ids < 2:
        return 0
    known = table.filter(table["person_id"].notnull())
    query = con.compile(known.select(hashed=known["person_id"].hash()))
    return hash_surplus(con, query, ids) or 0


def hash_surplus(con: Any, query: str, ids: int) -> int | None:
    """Return how many of the hashes ``query`` gives repeat another; ``None`` if one is NULL.

    Our own code rather than DuckDB's ``COUNT(DISTINCT person_id)``, which at 10 million
    persons takes about 0.75 s and 330 MB more than the cube itself: DuckDB hashes the ids
    in its scan and streams the 8-byte hashes into a preallocated NumPy array, which is
    sorted in place (about 0.1 s and 80 MB). Equal neighbours are repeated hashes; a hash
    collision can only suggest a duplicate, which :func:`duplicate_ids` confirms or
    clears exactly. Above :data:`_MAX_HASHES_IN_MEMORY` ids the hashes are split by their
    remainder into passes (one more scan each), so memory stays bounded for all of England.
    ``query`` gives one column of hashes (about ``ids`` of them); a NULL among them (the
    fast reading's sign of an id that does not stand) stops the count.
    """
    passes = -(-max(ids, 1) // _MAX_HASHES_IN_MEMORY)
    surplus = 0
    for part in range(passes):
        chosen = query
        if passes > 1:  # the remainder of a negative hash is negative: shift it up
            chosen = (
                f"SELECT hashed FROM ({query}) AS _ids(hashed) "
                f"WHERE hashed IS NULL OR (hashed % {passes} + {passes}) % {passes} = {part}"
            )
        size = max(ids, 1) if passes == 1 else ids // passes + ids // (10 * passes) + 1
        hashes = np.empty(size, dtype="int64")
        filled = 0
        # DuckDB's own relation API: Ibis' batch reader calls a method DuckDB 2 removed.
        for batch in con.con.sql(chosen).to_arrow_reader(_HASH_BATCH_ROWS):
            column = batch.column(0)
            if column.null_count:
                return None
            values = column.to_numpy().view("int64")
            if filled + len(values) > len(hashes):  # an uneven slice: grow (rare)
                hashes = np.concatenate(
                    [hashes[:filled], np.empty(size // 4 + len(values), "int64")]
                )
            hashes[filled : filled + len(values)] = values
            filled += len(values)
        ordered = hashes[:filled]
        ordered.sort()
        surplus += int(np.count_nonzero(ordered[1:] == ordered[:-1]))
        del hashes, ordered
    return surplus


def duplicate_ids(con: Any, table: ir.Table) -> tuple[ir.Table, int]:
    """Return the duplicated ``person_id`` values (as a table) and how many rows hold them."""
    known = table.filter(table["person_id"].notnull())
    repeated = (
        known.group_by("person_id")
        .aggregate(_rows=known.count())
        .filter(lambda groups: groups["_rows"] > 1)
    )
    rows = con.to_pyarrow(repeated.aggregate(rows=repeated["_rows"].sum())).to_pylist()[0]
    return repeated.select("person_id"), int(rows["rows"] or 0)


__all__ = ["duplicate_ids", "hash_surplus", "surplus_hashes"]
