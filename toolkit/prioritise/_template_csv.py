"""The text of a CSV criteria template: its bytes decoded, and a quote left open found.

Excel's plain "CSV (Comma delimited)" save writes Windows-1252, not UTF-8, on many NHS
machines; the template's pound signs (and accented names) then make bytes that are not
UTF-8. :func:`decode_template` reads such a file as Windows-1252 and says so in a note, so
that nothing is changed silently; bytes that are neither (a file partly UTF-8, UTF-16) are
refused by the caller.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

#: What the note says when a template was read as Windows-1252 (after the file's name).
CP1252_NOTE = (
    "not UTF-8 text, so it was read as Windows-1252, the encoding Excel uses when it saves "
    "as 'CSV (Comma delimited)'. Saving it as 'CSV UTF-8 (Comma delimited)' instead avoids "
    "the question of which encoding it is in."
)


def decode_template(path: Path, data: bytes) -> tuple[str, str | None]:
    """Return the text of a CSV template's bytes and the note to give about it, if any.

    UTF-8 (a byte-order mark is not content) is read as it is, with no note. Other bytes
    are read as Windows-1252 (Python's ``cp1252``), with a note naming ``path``, unless:

    - the file starts with a UTF-8 byte-order mark: it says it is UTF-8, so a byte that is
      not is a fault, not another encoding;
    - the bytes before the first that is not UTF-8 hold one of 0x80 or above: being read
      as UTF-8, it is part of a character of several bytes, so the file is UTF-8 up to the
      fault (one stray byte), and reading it all as Windows-1252 would garble every such
      character ("£" as "Â£", an id with "ô" no longer known);
    - the file starts with a UTF-16 byte-order mark (FF FE or FE FF, Excel's "Unicode
      Text" save) or holds a NUL byte (UTF-16 without the mark): no text template holds
      one, and Windows-1252 would read it as letters;
    - the only fault is at the very end, a character cut short: a UTF-8 file truncated
      while it was written or copied, which Windows-1252 would read as other letters;
    - a byte is one Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D).

    One Windows-1252 file is refused although it could be read: one whose only byte above
    0x7F is its very last, when that byte can start a UTF-8 character of several bytes
    (0xC2 to 0xF4: "Ã", "é", "ô" and others). It reads as UTF-8 cut short, and is refused
    as such. It is rare: Excel ends the file with a line break, after the last cell.

    Parameters
    ----------
    path : pathlib.Path
        The template, for the note.
    data : bytes
        Its bytes.

    Returns
    -------
    tuple of (str, str or None)
        The text, and the note when it was read as Windows-1252.

    Raises
    ------
    UnicodeDecodeError
        The UTF-8 error (with the position of the first byte that is not UTF-8) when the
        bytes are refused.
    """
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        if (
            data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
            or not data[: error.start].isascii()
            or b"\x00" in data
            or _cut_short(data[error.start :])
        ):
            raise
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise error from None
        return text, f"{path}: {CP1252_NOTE}"


def _cut_short(tail: bytes) -> bool:
    """Whether ``tail``, from the first byte that is not UTF-8, is a character cut short."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(tail, final=False)
    except UnicodeDecodeError:
        return False
    return True


def unclosed_quote(body: str) -> int | None:
    """Return the line (of ``body``, from 1) of a record whose quote is still open at the end."""
    reader = csv.reader(io.StringIO(body, newline=""), strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            return start
    return None
