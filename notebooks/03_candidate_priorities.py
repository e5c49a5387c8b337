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
# # 3. Candidate priorities
#
# From evidence to a short list a board recognises. A **candidate** is a *theme* from the
# toolkit's themes library ("Find and treat high blood pressure", "Prevent falls and support
# people living with frailty"), measured on this system's own data: the people in its cohort
# (cohorts overlap: someone with COPD and heart failure is in both), the events it acts on,
# how much more often they happen in the most deprived areas, its causes' share of the
# life-expectancy gap, and what a proven intervention could avoid, as a range with its
# published source. Themes are scored on those criteria; the shortlist keeps a few, each with
# its reasons; and the robustness checks show how much the list depends on the weights.
#
# It runs on the synthetic demo system with 100,000 people. Headline cells are tagged
# `nbval-check-output` and checked by CI.

# %%
import pandas as pd
from IPython.display import display

from toolkit.data import make_demo_system, validate_persons
from toolkit.prioritise import prioritise, theme_candidates, weight_to_enter
from toolkit.prioritise.themes import themes_frame
from toolkit.report import sections as report
from toolkit.report import setup_notebook
from toolkit.report.charts import show_figure
from toolkit.segment import build_cohort_cube

setup_notebook()
PERSONS = 100_000
SEED = 20261122
PERIOD = "2025/26 (synthetic)"
SIZE = 5

system = make_demo_system(persons=PERSONS, seed=SEED)
persons = validate_persons(system.persons, source="demo persons")
cube = build_cohort_cube(persons)

# %% [markdown]
# ## The themes library
#
# Each theme is a small TOML file in `toolkit/prioritise/theme_library/`, every figure with its
# source (see `docs/themes.md`); analysts add or edit themes in the same format.

# %%
themes_frame()[["theme", "name", "cohort", "intervention", "evidence"]].drop_duplicates("theme")

# %% [markdown]
# ## The cohorts and the themes measured on them
#
# The cohort cube counts every person in every cohort whose rule they meet. Themes that
# cannot be measured on these data are listed with the reason, never dropped silently.

# %% tags=["nbval-check-output"]
measured = theme_candidates(cube)
print(f"{len(measured)} themes measured; {len(measured.excluded)} could not be:")
for label, reason in zip(measured.excluded["label"], measured.excluded["reason"], strict=True):
    print(f"  {label}: {reason}")
for note in measured.notes:
    print(f"Note: {note}")

# %%
measured.table[
    ["label", "persons", "events_a_year", "deprivation_ratio", "le_gap_share", "avoidable_mid"]
].round(2)

# %% [markdown]
# ## The shortlist at equal weights
#
# Every criterion is scaled to 0-100 (min-max), weighted and added up; the shortlist keeps one
# priority per theme. Each item states its facts, its evidence, the largest contributions to
# its score, how often it stays in the shortlist under 10,000 weightings drawn around the
# chosen ones, and the smallest change in one weight that would take it out.

# %% tags=["nbval-check-output"]
priorities = prioritise(measured, size=SIZE, seed=SEED)
print(priorities.summary())

# %%
show_figure(report.robustness_figure(priorities, period=PERIOD))

# %% [markdown]
# What weight change would move the list? For the best candidate left out, the smallest change
# in any one criterion's weight that brings it into the shortlist:

# %% tags=["nbval-check-output"]
ranked = priorities.candidates
left_out = ranked.loc[~ranked["candidate"].isin(priorities.shortlist["candidate"]), "candidate"]
for criterion in priorities.criteria:
    change = weight_to_enter(
        measured.table,
        candidate=left_out.iloc[0],
        criterion=criterion.name,
        criteria=priorities.criteria,
        size=SIZE,
    )
    print(change.message)

# %% [markdown]
# ## The most deprived fifth
#
# The same themes measured for people living in the most deprived fifth of neighbourhoods
# (Core20): the figures every priority reports on.

# %% tags=["nbval-check-output"]
core20 = prioritise(theme_candidates(cube, within="core20"), size=SIZE, seed=SEED)
print("\n".join(f"{n}. {label}" for n, label in enumerate(core20.labels, start=1)))

# %%
display(pd.DataFrame({"criterion": [c.phrase for c in priorities.criteria]}))
