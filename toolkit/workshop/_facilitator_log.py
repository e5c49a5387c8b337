"""The facilitator's record: the problems log, and the decision log to download or export.

:class:`RecordParts` gives :class:`~toolkit.workshop.FacilitatorApp` the parts of its
screen that show the record rather than the room: the store's problems log, the links to
download the decision log (CSV and JSON, with the room's result recorded as each round
closed) and :meth:`~RecordParts.export`, which writes the same files to a folder. It runs
on the app's ``workshop``, ``model``, controls and ``HTML`` outputs.
"""

from __future__ import annotations

import re
from datetime import datetime
from html import escape
from pathlib import Path

from toolkit.workshop import _html
from toolkit.workshop._view_parts import data_uri, error_html, plain
from toolkit.workshop.store import StoreError


class RecordParts:
    """The problems log and the decision log (a part of ``FacilitatorApp``)."""

    def _draw_problems(self) -> None:
        if self.hide_names.value:  # the log names tables: not sent while names are hidden
            self.problems.value = ""
            return
        try:
            lines = list(self.workshop.store.problems(limit=8))
        except Exception as error:  # the problems log must never stop the view
            lines = [f"The problems log could not be read: {error}"]
        if not lines:
            self.problems.value = _html.paragraph(
                "No problems so far: every submission has been saved."
            )
            return
        items = "".join(f"<li>{escape(line)}</li>" for line in reversed(lines))
        self.problems.value = (
            _html.paragraph("Newest first. Whoever met each of these was shown it in plain words.")
            + f'<ul style="{_html.FONT};font-size:14px">{items}</ul>'
        )

    def _draw_downloads(self) -> None:
        """Draw the decision log's download links: with the names hidden, by letter.

        The links carry the files themselves (``data:`` links), so with the names hidden
        the files name each table by its letter and leave out the groups
        (``hide_names`` of the store's decision logs): no table's name reaches the page.
        """
        workshop, store = self.workshop, self.workshop.store
        hidden = bool(self.hide_names.value)
        labels, criteria_labels = self._log_labels()
        try:
            table = store.decision_log_csv(
                workshop.name, labels=labels, criteria_labels=criteria_labels, hide_names=hidden
            )
            document = store.decision_log_json(
                workshop.name, settings=self._settings(), hide_names=hidden
            )
        except StoreError as error:
            self.downloads.value = error_html(error, "store")
            return
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        slug = re.sub(r"[^a-z0-9]+", "-", workshop.name.lower()).strip("-") or "workshop"
        stem = f"decision-log-{slug}-{stamp}" + ("-letters" if hidden else "")
        links = (
            f'<a class="pophealth-download" data-kind="csv" download="{stem}.csv" '
            f'href="{data_uri(table, "text/csv")}">Download the decision log '
            "(spreadsheet, CSV)</a>"
            f'<a class="pophealth-download" data-kind="json" download="{stem}.json" '
            f'href="{data_uri(document, "application/json")}">Download the log for the '
            "board report (JSON)</a>"
        )
        about = (
            "Table names are hidden, so these files name each table by its letter and "
            "leave out the groups. For the full record the board report needs, untick "
            "'Hide table names' when the room cannot see the screen, and download again."
            if hidden
            else "Every submission in every round, with plain headings and whole-number "
            "weights; the board report reads either file."
        )
        self.downloads.value = _html.paragraph(about) + f'<div class="ph-download">{links}</div>'

    def _log_labels(self) -> tuple[dict[str, str], dict[str, str]]:
        """Return the decision log's labels: each candidate's, and each criterion's phrase."""
        labels = dict(zip(self.model.candidates, self.model.labels, strict=True))
        criteria_labels = {
            criterion.name: _html.plain_phrase(criterion.name, criterion.phrase)
            for criterion in self.model.criteria
        }
        return labels, criteria_labels

    def _settings(self) -> dict:
        workshop = self.workshop
        return {
            "method": workshop.method,
            "shortlist_size": int(self.shortlist_size.value),
            "per_cohort": workshop.per_cohort,
            "aggregation": self.aggregation.value,
        }

    def export(self, folder: str | Path | None = None) -> dict[str, Path]:
        """Write the decision log (CSV and JSON) and the room's rankings (CSV) to a folder.

        For an analyst's notebook; in the room, the download links do the same in the
        facilitator's browser.

        Parameters
        ----------
        folder : str or Path, optional
            Where to write; the store's folder by default. File names carry the time, so
            an earlier export is never overwritten.

        Returns
        -------
        dict of str to pathlib.Path
            The files written, by kind ("log_csv", "log_json", "room_rankings").
        """
        workshop = self.workshop
        target = Path(folder) if folder is not None else workshop.store_path.parent
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        paths = {
            "log_csv": target / f"decision-log-{stamp}.csv",
            "log_json": target / f"decision-log-{stamp}.json",
        }
        labels, criteria_labels = self._log_labels()
        try:
            target.mkdir(parents=True, exist_ok=True)
            paths["log_csv"].write_text(
                workshop.store.decision_log_csv(
                    workshop.name, labels=labels, criteria_labels=criteria_labels
                ),
                encoding="utf-8",
            )
            paths["log_json"].write_text(
                workshop.store.decision_log_json(workshop.name, settings=self._settings()),
                encoding="utf-8",
            )
            if self.room is not None:
                paths["room_rankings"] = target / f"room-rankings-{stamp}.csv"
                self.room.rankings.join(
                    self.room.table_ranks.add_prefix("rank at "), on="candidate"
                ).to_csv(paths["room_rankings"], index=False)
        except (OSError, StoreError) as error:
            self.exported.value = _html.message(
                f"The files could not be written: {escape(plain(error))}", kind="error"
            )
            return {}
        self.exported.value = _html.message(
            f"Saved {len(paths)} files for the board report.", kind="success"
        )
        return paths


__all__ = ["RecordParts"]
