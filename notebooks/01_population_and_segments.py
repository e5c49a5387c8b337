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
# # 1. The population and its segments
#
# This notebook loads a population, checks it against the toolkit's data contract, places
# every person in one segment of the *Bridges to Health* model, and summarises who the
# segments are, what their care costs and how they use services.
#
# It runs on the synthetic demo system (the fictional Kestermoor and Wyvendale Integrated Care
# System) with 100,000 people, so that it runs in seconds. With your own data, replace the
# first code cell's `make_demo_system` with the readers shown there.
#
# Cells tagged `nbval-check-output` are the headline figures: CI re-runs this notebook and
# checks that they come out the same.

# %%
import pandas as pd
from IPython.display import display

from toolkit.data import (
    join_persons_to_areas,
    make_demo_system,
    validate_areas,
    validate_persons,
)
from toolkit.errors import DataContractError
from toolkit.report import sections as report
from toolkit.report import setup_notebook
from toolkit.report.charts import show_figure
from toolkit.segment import assign_segments, build_cube, load_rules, segment_summary

setup_notebook()
PERSONS = 100_000
SEED = 20261122
PERIOD = "2025/26 (synthetic)"

# %% [markdown]
# ## Load and check the data
#
# With real data: `persons = read_persons("persons.parquet")` and
# `areas = read_areas("areas.gpkg")` (CSV, Parquet and Excel are read too, and the English
# Indices of Deprivation files). The readers check the data contract as they read. Here we
# synthesise the demo system and check it the same way.

# %%
system = make_demo_system(persons=PERSONS, seed=SEED)
persons = validate_persons(system.persons, source="demo persons")
areas = validate_areas(system.areas, source="demo areas")
persons, join_report = join_persons_to_areas(persons, areas, existing="fill")
display(system)

# %% tags=["nbval-check-output"]
print(join_report)
print(
    f"{len(persons):,} persons in {len(areas):,} neighbourhoods across "
    f"{areas['place'].nunique()} places: {', '.join(sorted(areas['place'].unique()))}."
)

# %% [markdown]
# Every problem is reported at once, with the column, the check, how many rows fail and the
# first few rows, in words a non-programmer can act on. For example, two impossible ages:

# %%
broken = system.persons.head(1_000).copy()
broken.loc[[3, 7], "age"] = [-1, 130]
try:
    validate_persons(broken, source="an example extract")
except DataContractError as error:
    print(error)

# %% [markdown]
# ## Segment the population
#
# Each person lands in the segment of the first rule, in order, that they meet. The rules are
# data (a TOML file), so a system can write its own.

# %%
model = load_rules("bridges_to_health")
print(f"{model.title}. {model.reference}")
model.to_frame()[["priority", "rule", "segment", "condition"]]

# %% tags=["nbval-check-output"]
segmented = assign_segments(persons, model=model)
by_rule = segmented.groupby(["segment", "segment_rule"], observed=True).size()
print(by_rule.rename("persons").to_string())

# %% [markdown]
# ## The segment cube
#
# The segment cube holds counts by segment, age band, sex, deprivation decile and place: the
# rest of this notebook works from it (notebook 2 builds the same cube), and it scales to a
# whole region (DuckDB scans millions of rows in seconds; `engine="spark"` runs the same query
# on Spark).

# %% tags=["nbval-check-output"]
cube = build_cube(persons, model=model)
print(f"{len(cube):,} cells; {cube['persons'].sum():,} persons; {cube['deaths'].sum():,} deaths.")
print(f"Dimensions: {', '.join(cube.columns[:5])}.")

# %% [markdown]
# ## The segment summary
#
# The first slide of any population health management conversation: how many people are in
# each segment, and what share of the cost and the emergency admissions they account for.
# This is the table as a board would see it: counts from 1 to 9 are suppressed (`[c]`), and a
# second count wherever the total would otherwise reveal one (`toolkit.report.suppress_counts`).

# %% tags=["nbval-check-output"]
figures = report.segment_figures(cube, labels=model.labels)
report.segment_table(figures, period=PERIOD, threshold=10)

# %%
show_figure(report.segment_chart_figure(figures, period=PERIOD, threshold=10))

# %% [markdown]
# The same summary split by deprivation quintile (1 = the most deprived fifth) shows where the
# segments with the heaviest needs are concentrated.

# %% tags=["nbval-check-output"]
by_quintile = segment_summary(cube, quintiles=True)
shares = by_quintile.pivot_table(
    index="segment", columns="imd_quintile", values="persons", aggfunc="sum", observed=True
)
shares = shares.div(shares.sum(axis=0), axis=1).reindex(list(model.segments))
shares = shares.rename(index=model.labels)
print("Share of each quintile's people in each segment (%)")
print((100 * shares).round(1).to_string())

# %%
summary = segment_summary(cube)
pd.DataFrame(
    {
        "segment": summary["segment"].map(model.labels),
        "deaths per 1,000": summary["deaths_per_1000"].round(1),
        "GP appointments per head": summary["gp_appointments_per_head"].round(2),
        "A&E attendances per head": summary["ae_attendances_per_head"].round(2),
        "bed days per head": summary["bed_days_per_head"].round(2),
    }
)

# %% [markdown]
# Next: `02_outcomes_and_inequalities` compares outcomes across deprivation and places.
