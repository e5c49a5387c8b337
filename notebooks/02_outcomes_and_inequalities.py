# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python (pophealth)
#     language: python
#     name: pophealth
# ---

# %% [markdown]
# # 2. Outcomes and inequalities
#
# How do outcomes differ with deprivation and between places? This notebook computes, with the
# methods OHID's Fingertips publishes:
#
# - directly age-standardised rates of emergency admissions by IMD decile and by place
#   (ESP2013, Dobson limits);
# - the slope and relative index of inequality (SII and RII) across deciles;
# - excess admissions, and their cost, if every decile had the least deprived decile's rates;
# - life expectancy by deprivation quintile, and the gap between the most and least deprived
#   fifths broken down by cause of death (Arriaga).
#
# It runs on the synthetic demo system with 100,000 people. Headline cells are tagged
# `nbval-check-output` and checked by CI.

# %%
import numpy as np
import pandas as pd

from toolkit.data import join_persons_to_areas, make_demo_system, validate_persons
from toolkit.data.contract import CAUSES_OF_DEATH
from toolkit.indicators import (
    deprivation_profile,
    directly_standardised_rate,
    excess_events,
    life_expectancy,
    life_expectancy_gap_by_cause,
    rate_by_deprivation,
)
from toolkit.places import area_indicators, choropleth, leaflet_map
from toolkit.report import sections as report
from toolkit.report import setup_notebook
from toolkit.report.charts import gap_by_cause_chart, show_figure
from toolkit.report.config import DEFAULT_ADMISSION_COST_GBP
from toolkit.segment import build_cube, load_rules

setup_notebook()
PERSONS = 100_000
SEED = 20261122
PERIOD = "2025/26 (synthetic)"

system = make_demo_system(persons=PERSONS, seed=SEED)
persons, _ = join_persons_to_areas(
    validate_persons(system.persons, source="demo persons"), system.areas, existing="fill"
)
model = load_rules("bridges_to_health")
cube = build_cube(persons, model=model)

# %% [markdown]
# ## Age-standardised rates by deprivation decile
#
# Rates per 100,000 people, standardised to the European Standard Population 2013, with 95%
# Dobson limits. A rate with fewer than 10 events is not published (the row stays, with a
# note).

# %% tags=["nbval-check-output"]
by_decile = rate_by_deprivation(cube, events="emergency_admissions")
columns = ["imd_decile", "events", "population", "value", "lower_95", "upper_95"]
print(by_decile[columns].round(1).astype({"events": "int64", "population": "int64"}))

# %% [markdown]
# ## By place

# %% tags=["nbval-check-output"]
by_place = directly_standardised_rate(
    cube, events="emergency_admissions", population="persons", age_band="age_band", by="place"
)
columns = ["place", "events", "population", "value", "lower_95", "upper_95"]
print(by_place[columns].round(1).astype({"events": "int64", "population": "int64"}))

# %% [markdown]
# ## Slope and relative index of inequality, excess admissions
#
# `deprivation_profile` gathers the whole story for one outcome: the rates by decile, the SII
# and RII (with Monte Carlo limits, seeded), the excess admissions and the Core20 share. Excess
# admissions are valued at a unit cost per admission.

# %% tags=["nbval-check-output"]
profile = deprivation_profile(
    cube,
    events="emergency_admissions",
    unit_cost=DEFAULT_ADMISSION_COST_GBP,
    seed=SEED,
    label="emergency admissions",
)
print(profile.summary())

# %%
deprivation = report.deprivation_figures(
    profile,
    system_rate=directly_standardised_rate(
        cube, events="emergency_admissions", population="persons", age_band="age_band"
    ),
)
show_figure(report.deprivation_chart_figure(deprivation, profile, period=PERIOD, threshold=10))

# %% [markdown]
# The excess, decile by decile. A negative excess is a decile doing better than the reference.

# %% tags=["nbval-check-output"]
excess = excess_events(cube, events="emergency_admissions", unit_cost=DEFAULT_ADMISSION_COST_GBP)
print(
    excess[["imd_decile", "events", "expected", "excess", "excess_cost"]]
    .round(0)
    .astype("int64")
    .to_string(index=False)
)

# %% [markdown]
# Inequality within each segment: the same rates by decile, split by segment, show where the
# gradient is steepest.

# %%
by_segment = rate_by_deprivation(cube, events="emergency_admissions", by="segment", quintiles=True)
by_segment.pivot_table(
    index="segment", columns="imd_quintile", values="value", observed=True
).reindex(list(model.segments)).rename(index=model.labels).round(0)

# %% [markdown]
# ## Life expectancy and the gap by cause of death
#
# Life expectancy needs deaths and population in the 20 life-table bands (0, 1-4, 5-9, ...,
# 90+), here by deprivation quintile and cause of death, from the persons table. Each cause's
# row carries the population of its quintile and band (as the Arriaga decomposition takes it);
# for life expectancy itself the causes are added up first.

# %%
starts = [0, 1, *range(5, 95, 5)]
band_names = ["0", "1-4", *[f"{age}-{age + 4}" for age in range(5, 90, 5)], "90+"]
people = persons.assign(
    life_band=pd.cut(persons["age"], bins=[*starts, np.inf], right=False, labels=band_names).astype(
        str
    ),
    imd_quintile=np.ceil(persons["imd_decile"].astype("float64") / 2).astype("int64"),
)
population = people.groupby(["imd_quintile", "life_band"]).size().rename("population")
deaths = (
    people[people["died"]]
    .groupby(["imd_quintile", "life_band", "cause_of_death"])
    .size()
    .rename("deaths")
)
grid = population.reset_index().merge(
    pd.DataFrame({"cause_of_death": list(CAUSES_OF_DEATH)}), how="cross"
)
by_cause = grid.merge(
    deaths.reset_index(), on=["imd_quintile", "life_band", "cause_of_death"], how="left"
).fillna({"deaths": 0})

# %% tags=["nbval-check-output"]
all_causes = by_cause.groupby(["imd_quintile", "life_band"], as_index=False).agg(
    deaths=("deaths", "sum"), population=("population", "first")
)
life = life_expectancy(
    all_causes, deaths="deaths", population="population", age_band="life_band", by="imd_quintile"
)
print(life[["imd_quintile", "value", "lower_95", "upper_95", "note"]].round(1).to_string())

# %% tags=["nbval-check-output"]
gap = life_expectancy_gap_by_cause(
    by_cause,
    deaths="deaths",
    population="population",
    age_band="life_band",
    cause="cause_of_death",
    quantile="imd_quintile",
    quintiles=False,
)
contributions = gap.groupby("cause", as_index=False)["contribution"].sum()
years = gap["gap"].iloc[0]
print(f"Gap in life expectancy at birth, quintile 5 minus quintile 1: {years:.1f} years")
print(contributions.round(2).sort_values("contribution", ascending=False).to_string(index=False))

# %%
show_figure(gap_by_cause_chart(contributions, gap=gap["gap"].iloc[0], period=PERIOD))

# %% [markdown]
# ## Neighbourhoods and places
#
# Inequality is local. The same age-standardised rate for each neighbourhood (LSOA) and each
# place (neighbourhoods dissolved into places), with admissions against those expected at the
# least deprived decile's age-specific rates (100 = the same).
#
# Read from one row per person, these rates' 95% intervals allow for people admitted more
# than once (a person's admissions are not independent events; see docs/methods.md), so they
# are wider than those of the place table above, which the cube gives and which counts every
# admission as independent. The rates themselves are the same.

# %% tags=["nbval-check-output"]
areas = area_indicators(persons, system.areas, events="emergency_admissions")
place_rates = areas.to_frame("place")[
    ["place", "neighbourhoods", "persons", "events", "value", "ratio"]
]
print(place_rates.round(1).to_string(index=False))

# %%
show_figure(
    choropleth(
        areas.neighbourhoods,
        "value",
        title=f"Emergency admissions per 100,000, age-standardised, {PERIOD}",
        legend_title="Admissions per 100,000 a year",
        places=areas.places,
    )
)

# %% [markdown]
# The same map to explore: hover over a neighbourhood for its figures. It needs no internet
# (no tile server; Leaflet ships with the toolkit's dependencies), so it works on an NHS
# laptop offline and in Voila.

# %%
leaflet_map(
    areas.neighbourhoods,
    "value",
    title=f"Emergency admissions per 100,000, age-standardised, {PERIOD}",
    tooltip_columns=("lsoa", "lsoa_name", "place", "imd_decile"),
    places=areas.places,
)

# %% [markdown]
# Next: `03_candidate_priorities` turns these comparisons into candidate priorities.
