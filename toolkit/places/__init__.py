"""Places and maps: neighbourhood indicators, choropleths, hot spots and real boundaries.

- :func:`area_indicators`: population, age-standardised rates, excess events, deprivation
  and segment mix per neighbourhood (LSOA) and per place, places dissolved from
  neighbourhoods.
- :func:`choropleth`, :func:`cluster_map`: static maps for reports;
  :func:`leaflet_map`: an interactive ipyleaflet map for notebooks and Voila that works
  fully offline (Leaflet ships with the package); :func:`interactive_map`: a folium map to
  save as HTML (no tile server needed, but the browser fetches Leaflet's scripts online).
- :func:`local_moran_hotspots`: high-high clusters by local Moran's I (esda).
- :func:`read_lsoa_boundaries`, :func:`read_lsoa_lookup`, :func:`recode_lsoa`,
  :func:`join_boundaries`, :func:`match_lsoa_codes`: ONS LSOA 2011 and 2021 boundaries
  and lookups.
- :func:`suppress_small_counts`: primary suppression of counts below the disclosure threshold
  (re-exported from :mod:`toolkit.disclosure`, the rule the report's tables follow too).

Names are imported on first use so that ``import toolkit.places`` does not load geopandas.
"""

from __future__ import annotations

from toolkit._lazy import lazy_exports

_EXPORTS = {
    ".indicators": ["AreaIndicators", "area_indicators", "dissolve_places"],
    ".maps": ["choropleth", "cluster_map", "interactive_map"],
    ".leaflet": ["leaflet_map"],
    ".hotspots": ["HotSpots", "local_moran_hotspots"],
    ".boundaries": [
        "BRITISH_NATIONAL_GRID",
        "read_lsoa_boundaries",
        "read_lsoa_lookup",
        "recode_lsoa",
        "join_boundaries",
        "match_lsoa_codes",
    ],
    "._reports": ["CodeMatchReport", "LsoaRecodeReport"],
    "toolkit.disclosure": ["suppress_small_counts"],
}


__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
