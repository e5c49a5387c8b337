"""What the participant's and the facilitator's views share: checks, buttons, messages.

Both views take a prepared :class:`~toolkit.workshop.config.Workshop`, are shown by
displaying them (their ``widget``), stop their background thread on :meth:`close`, show
a store's failures in its own plain words and the round's status in one form, and style
buttons through the toolkit's own classes (no icons: the room may be offline).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Sequence
from html import escape

import ipywidgets as widgets
import pandas as pd

from toolkit.workshop import _html
from toolkit.workshop.config import STAKEHOLDER_ROLES, Workshop

#: The description style of controls whose label is wider than ipywidgets' default.
WIDE = {"description_width": "initial"}


def check_workshop(workshop: object, caller: str) -> Workshop:
    """Return the workshop after checking it is a :class:`Workshop`."""
    if not isinstance(workshop, Workshop):
        raise TypeError(
            f"The 'workshop' parameter of {caller} must be a Workshop (see load_workshop). "
            f"Got {type(workshop).__name__} instead."
        )
    return workshop


def check_seconds(value: object, parameter: str, caller: str, low: float) -> float:
    """Return a number of seconds after checking it is at least ``low``."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= low:
        raise ValueError(
            f"The '{parameter}' parameter of {caller} must be a float >= {low:g}. "
            f"Got {value!r} instead."
        )
    return float(value)


def plain(error: BaseException) -> str:
    """Return the plain message of a store failure or refusal (``.message``), else its text."""
    return str(getattr(error, "message", "") or error)


def error_html(error: BaseException, kind: str) -> str:
    """Return a store failure or refusal as an error message (``data-error`` is ``kind``)."""
    return _html.message(escape(plain(error)), kind="error", error=kind)


def unworked_result_html(error: BaseException, number: int) -> str:
    """Say that closing (or opening) stopped because the room's result failed, in words."""
    return _html.message(
        f"The room's result could not be worked out ({escape(type(error).__name__)}: "
        f"{escape(str(error))}), so nothing was changed: round {number} is as it was. Try "
        "again; if it happens again, download the decision log and tell the analyst.",
        kind="error",
        error="round",
    )


def round_status_html(number: int, is_open: bool, words: str) -> str:
    """Return the round's status: its words in a box that carries the number and state."""
    return (
        f'<div data-round="{number}" data-open="{"true" if is_open else "false"}">'
        + _html.message(words, kind="info" if is_open else "success")
        + "</div>"
    )


def button(description: str, css_class: str, *, primary: bool = False) -> widgets.Button:
    """Return a button with our own colours and no icon."""
    made = widgets.Button(
        description=description, tooltip=description, layout=widgets.Layout(width="auto")
    )
    made.add_class(css_class)
    made.add_class("ph-primary" if primary else "ph-secondary")
    return made


def tick_box(description: str, css_class: str) -> widgets.Checkbox:
    """Return an unticked box with its label beside it, found by ``css_class``."""
    box = widgets.Checkbox(
        value=False, description=description, indent=False, layout=widgets.Layout(width="auto")
    )
    box.add_class(css_class)
    return box


def drop_down(
    description: str,
    css_class: str,
    options: Sequence = (),
    *,
    style: object = WIDE,
    width: str = "auto",
    max_width: str | None = None,
    **chosen: object,
) -> widgets.Dropdown:
    """Return a drop-down with its label beside it, found by ``css_class``.

    ``chosen`` may give its ``value`` (the first option by default).
    """
    picker = widgets.Dropdown(
        options=list(options),
        description=description,
        style=style,
        layout=widgets.Layout(width=width, max_width=max_width),
        **chosen,
    )
    picker.add_class(css_class)
    return picker


def group_picker(description: str, width: str, css_class: str, style: object) -> widgets.Dropdown:
    """Return a drop-down of the stakeholder groups, the first chosen, found by ``css_class``."""
    return drop_down(
        description, css_class, STAKEHOLDER_ROLES, style=style, width=width, max_width="100%"
    )


def rows_of_table(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Return a table's rows of submissions (its name's case and spacing as the store's)."""
    return frame.loc[frame["table"].astype(str).str.casefold() == table.casefold()]


def clock(stamp: object) -> str:
    """Return a time the store kept (UTC) as the room's clock reads it: "18:42".

    Parameters
    ----------
    stamp : pandas.Timestamp, datetime or str
        A ``submitted_at`` of the store; a time without a zone is taken as UTC.

    Returns
    -------
    str
        Hours and minutes in the machine's local time, as the page's other times.
    """
    moment = pd.Timestamp(stamp)
    if moment.tzinfo is None:
        moment = moment.tz_localize("UTC")
    return moment.to_pydatetime().astimezone().strftime("%H:%M")


def share_bar(share: float) -> str:
    """Return a share of the total weight as a small bar and a percentage."""
    width = max(0.0, min(1.0, share)) * 100
    return (
        f'<span class="ph-share-bar" aria-hidden="true" '
        f'style="display:inline-block;width:80px;height:10px;'
        f'background:{_html.NHS_PALE_GREY};vertical-align:middle;margin-right:6px">'
        f'<span style="display:block;height:10px;width:{width:.0f}%;'
        f'background:{_html.NHS_BLUE}"></span></span>{share:.0%}'
    )


def data_uri(text: str, media_type: str) -> str:
    """Return text as a ``data:`` link (a download that needs no server)."""
    encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"data:{media_type};charset=utf-8;base64,{encoded}"


class WidgetView:
    """A view shown by displaying its ``widget``, with an optional background thread.

    Subclasses set ``widget`` (the whole view) and ``_stop`` (the event that stops their
    thread) and give their own ``__repr__`` (the plain-text form of the view).
    """

    widget: widgets.Widget
    _stop: threading.Event

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if isinstance(bundle, dict):
            bundle["text/plain"] = repr(self)
        return bundle

    def close(self) -> None:
        """Stop the background thread (polling or refreshing) and close the widgets."""
        self._stop.set()
        self.widget.close()


__all__ = [
    "WIDE",
    "WidgetView",
    "button",
    "check_seconds",
    "check_workshop",
    "clock",
    "data_uri",
    "drop_down",
    "error_html",
    "group_picker",
    "plain",
    "round_status_html",
    "rows_of_table",
    "share_bar",
    "tick_box",
    "unworked_result_html",
]
