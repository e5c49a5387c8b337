"""Errors the toolkit raises for problems a user can act on."""

from __future__ import annotations


class DataContractError(ValueError):
    """Input data breaks the data contract.

    The message names the file (when known), each failing column and check, how many
    rows fail and the first few row numbers, in words a non-programmer can act on.
    ``failures`` holds the same facts as a tidy table (one row per column and check)
    for programs.
    """

    def __init__(self, message: str, failures=None, source: str | None = None) -> None:
        super().__init__(message)
        self.failures = failures
        self.source = source
