from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_hex

from toolkit.style import (
    NHS_DARK_BLUE,
    NHS_PALE_GREY,
    NHS_SEQUENTIAL_ANCHORS,
    lightness,
    nhs_sequential_cmap,
    sequential_colours,
)


def test_lightness_of_reference_colours():
    # CIE L* of white, black and mid grey #777777 (sRGB, D65): 100, 0 and 50.03.
    np.testing.assert_allclose(
        lightness(["#FFFFFF", "#000000", "#777777"]), [100, 0, 50.03], atol=0.02
    )


def test_sequential_map_runs_light_to_dark_monotonically():
    cmap = nhs_sequential_cmap()
    values = lightness(cmap)
    assert np.all(np.diff(values) < 0)
    assert to_hex(cmap(0.0)) == NHS_PALE_GREY.lower()
    assert to_hex(cmap(1.0)) == NHS_DARK_BLUE.lower()
    assert np.all(np.diff(lightness(nhs_sequential_cmap(reverse=True))) > 0)
    # The anchors themselves fall by at least 20 L* units each: distinguishable in greyscale.
    assert np.all(np.diff(lightness(list(NHS_SEQUENTIAL_ANCHORS))) < -20)


@pytest.mark.parametrize("n", [2, 5, 9])
def test_sequential_colours_are_distinct_and_ordered(n):
    colours = sequential_colours(n)
    assert len(set(colours)) == n
    assert np.all(np.diff(lightness(colours)) < 0)


def test_cmap_options_checked():
    with pytest.raises(ValueError, match="'n' parameter of nhs_sequential_cmap must be at least 2"):
        nhs_sequential_cmap(1)
    with pytest.raises(TypeError, match="must be an int or None"):
        nhs_sequential_cmap(2.5)
