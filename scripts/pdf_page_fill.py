"""Print how full each page of a printed report is: where its ink ends, and what starts it.

A page that ends well above its foot before a page that starts with a chart is the
half-empty break issue 14 asks printed reports not to have. Reads the PDF with poppler's
``pdftoppm`` and ``pdftotext`` (installed by ``scripts/system-deps.sh``) and Pillow.

    .venv/bin/pophealth demo --quiet
    .venv/bin/python scripts/pdf_page_fill.py reports/demo/board-report.pdf
    .venv/bin/python scripts/pdf_page_fill.py reports/demo/quarterly-update.pdf

"ink ends" is how far down the page (0% at the top edge, 100% at the bottom edge) the
last ink above the bottom margin is; the body of an A4 page ends at 95%. "ink rows" is
the share of the page's pixel rows with any ink.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

#: Below the banner in the page's top margin, as a share of the page's height.
BANNER_END = 0.045
#: The bottom margin of the reports' ``@page`` rule (14 mm of 297 mm).
BOTTOM_MARGIN = 14 / 297
#: A page ending above this share of its height, before a chart, is flagged.
FLAG_BELOW = 0.70


def ink_by_page(pdf: Path) -> list[tuple[float | None, float, float]]:
    """Return, for each page, where ink starts and ends and the share of rows with ink."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", "40", "-gray", "-png", pdf, f"{folder}/p"], check=True)
        for page in sorted(Path(folder).glob("p*.png")):
            pixels = np.asarray(Image.open(page).convert("L"))
            height = pixels.shape[0]
            low, high = int(BANNER_END * height), int((1 - BOTTOM_MARGIN) * height)
            inked = np.flatnonzero((pixels[low:high] < 200).any(axis=1))
            first = (low + inked.min()) / height if len(inked) else None
            last = (low + inked.max() + 1) / height if len(inked) else 0.0
            rows.append((first, last, len(inked) / max(high - low, 1)))
    return rows


def first_words(pdf: Path) -> list[float | None]:
    """Return, for each page, how far down its first word below the banner is."""
    boxes = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True)
    tops = []
    for chunk in boxes.stdout.split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', chunk).group(1))
        found = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)"', chunk)
        below = [float(y) / height for y in found if float(y) / height > BANNER_END]
        tops.append(min(below) if below else None)
    return tops


def main() -> None:
    """Print the page fill of each PDF named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="+", type=Path)
    for pdf in parser.parse_args().pdf:
        ink, words = ink_by_page(pdf), first_words(pdf)
        charts = [
            first is not None and (word is None or word - first > 0.03)
            for (first, _, _), word in zip(ink, words, strict=True)
        ]
        print(f"{pdf}: {len(ink)} pages")
        print(" page  ink ends  ink rows  starts with")
        for number, ((_, last, share), chart) in enumerate(zip(ink, charts, strict=True), 1):
            print(f" {number:4d}  {last:8.0%}  {share:8.0%}  {'a chart' if chart else 'text'}")
        flagged = [
            number
            for number, (_, last, _) in enumerate(ink[:-1], 1)
            if last < FLAG_BELOW and charts[number]
        ]
        print(
            f" pages whose ink ends before {FLAG_BELOW:.0%} of the page, before a chart: "
            f"{flagged or 'none'}"
        )
        print(" ink ends, page by page: " + " ".join(f"{last:.0%}" for _, last, _ in ink))


if __name__ == "__main__":
    main()
