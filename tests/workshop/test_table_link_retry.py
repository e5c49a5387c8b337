"""A table's own link opens that table even when Voila's request arrives late (issue 12).

Voila hands a warm kernel its page's request over a websocket that must open within 5
seconds; on a busy machine it did not, the request was lost and a table's link opened
"Choose your table" (seen in the browser test after a reload). The participant page now
waits again; Voila keeps the request until it is fetched.
"""

from __future__ import annotations

import types

import pytest
import voila.utils

from toolkit.workshop._participant import LINK_ATTEMPTS, ParticipantApp


class _Page:
    """Just what ``_read_link`` uses of a participant page: the table link it opens."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def open_table_link(self, code: str) -> bool:
        self.opened.append(code)
        return True


def _late_request(monkeypatch, arrives_on: int) -> types.SimpleNamespace:
    """Make Voila's wait give the request only on its ``arrives_on``-th call."""
    calls = types.SimpleNamespace(count=0)

    def wait_for_request(url: str | None = None) -> None:
        calls.count += 1
        if calls.count == arrives_on:
            monkeypatch.setenv("QUERY_STRING", "table=code-of-table-3&x=1")

    monkeypatch.setattr(voila.utils, "wait_for_request", wait_for_request)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    return calls


@pytest.mark.parametrize("arrives_on", [1, 3, LINK_ATTEMPTS])
def test_a_late_request_still_opens_the_table_of_the_link(monkeypatch, arrives_on):
    calls = _late_request(monkeypatch, arrives_on)
    page = _Page()
    ParticipantApp._read_link(page)
    assert page.opened == ["code-of-table-3"]
    assert calls.count == arrives_on


def test_a_request_that_never_comes_opens_nothing_after_the_last_wait(monkeypatch):
    calls = _late_request(monkeypatch, arrives_on=LINK_ATTEMPTS + 1)
    page = _Page()
    ParticipantApp._read_link(page)
    assert page.opened == []
    assert calls.count == LINK_ATTEMPTS


def test_without_warm_kernels_the_link_is_read_at_once(monkeypatch):
    calls = _late_request(monkeypatch, arrives_on=99)
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "table=code-of-table-1")
    page = _Page()
    ParticipantApp._read_link(page)
    assert page.opened == ["code-of-table-1"]
    assert calls.count == 1
