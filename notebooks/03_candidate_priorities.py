# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python (pophealth)
#     language: python
#     name: pophealth
# ---

# %% [markdown]
# # 3. Candidate priorities
#
# From evidence to a short list. A **candidate** is a cohort (a segment) and an outcome
# ("emergency admissions among people in the frailty segment"). Each candidate is measured on
# criteria computed from the cube (burden, rate, cost per head, inequality, Core20 share);
# criteria are weighted and scored; the shortlist keeps a few, each with its reasons; and the
# robustness checks show how much the list depends on the weights.
#
# It runs on the synthetic demo system with 100,000 people. Headline cells are tagged
# `nbval-check-output` and checked by CI.

# %%
import warnings

import pandas as pd
from IPython.display import display

from toolkit.data import join_persons_to_areas, make_demo_system, validate_persons
from toolkit.prioritise import (
    candidate_priorities,
    cube_criteria,
    demo_shortlist,
    rank_acceptability,
    score_priorities,
    shortlist,
    weight_to_enter,
)
from toolkit.report import setup_notebook
from toolkit.report.charts import rank_acceptability_chart, show_figure
from toolkit.segment import build_cube, load_rules

setup_notebook()
PERSONS = 100_000
SEED = 20261122
PERIOD = "2025/26 (synthetic)"
SIZE = 5

system = make_demo_system(persons=PERSONS, seed=SEED)
persons, _ = join_persons_to_areas(
    validate_persons(system.persons, source="demo persons"), system.areas, existing="fill"
)
model = load_rules("bridges_to_health")
cube = build_cube(persons, model=model)

# %% [markdown]
# ## Candidates and their criteria
#
# Candidates with too few events to assess are not dropped silently: they are listed with the
# reason in `.attrs["excluded"]`.

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    candidates = candidate_priorities(cube, segment_labels=model.labels)
for warning in caught:
    print(f"Note: {warning.message}")

# %% tags=["nbval-check-output"]
excluded = candidates.attrs["excluded"]
print(f"{len(candidates)} candidates assessed; {len(excluded)} could not be assessed:")
print(excluded[["candidate", "reason"]].to_string(index=False))

# %%
criteria = cube_criteria(candidates)
pd.DataFrame(
    {
        "criterion": [c.name for c in criteria],
        "direction": [c.direction for c in criteria],
        "normalisation": [c.normalisation for c in criteria],
        "default weight": [c.default_weight for c in criteria],
        "what it measures": [c.description for c in criteria],
    }
)

# %%
candidates[
    ["label", "persons", "events_a_year", "rate_ratio", "cost_per_head", "excess_share"]
].round(3).head(10)

# %% [markdown]
# ## Scores and the shortlist at equal weights
#
# Every criterion is scaled to 0-1 (min-max), weighted and added up. The shortlist keeps the
# best candidate of each cohort, so that five priorities cover five groups of people; each
# reason names the largest contributions and the margin over the first candidate left out.

# %% tags=["nbval-check-output"]
scored = score_priorities(candidates, criteria=criteria)
print(scored[["rank", "label", "score"]].head(10).round(3).to_string(index=False))

# %% tags=["nbval-check-output"]
top = shortlist(scored, size=SIZE)
for row in top.itertuples(index=False):
    print(f"{row.position}. {row.label} (score {row.score:.3f})\n   {row.reason}")

# %% [markdown]
# ## How robust is the list?
#
# Partners disagree about weights. Rank acceptability draws 10,000 sets of weights around
# the chosen ones (a Dirichlet distribution) and counts how often each candidate takes each
# rank and makes the shortlist.

# %% tags=["nbval-check-output"]
robust = rank_acceptability(candidates, criteria=criteria, size=SIZE, seed=SEED)
summary = robust.summary().head(10)
columns = ["rank", "label", "p_shortlist", "p_first", "modal_rank"]
print(summary[columns].round(3).to_string(index=False))

# %%
rows = list(summary["candidate"])
labels = dict(zip(robust.candidates, robust.labels, strict=True))
show_figure(
    rank_acceptability_chart(
        robust.matrix().loc[rows, list(range(1, 11))],
        labels=[labels[c] for c in rows],
        period=PERIOD,
        draws=robust.draws,
        shortlist_size=SIZE,
    )
)

# %% [markdown]
# What weight change would move the list? For the best candidate left out, the smallest change
# in any one criterion's weight that brings it into the shortlist:

# %% tags=["nbval-check-output"]
left_out = scored.loc[~scored["candidate"].isin(top["candidate"]), "candidate"].iloc[0]
changes = [
    weight_to_enter(candidates, candidate=left_out, criterion=c.name, criteria=criteria)
    for c in criteria
]
for change in changes:
    print(change.message)

# %% [markdown]
# ## The same in one call
#
# `demo_shortlist` does all of this at default weights (what `pophealth demo` and the board
# report use).

# %% tags=["nbval-check-output"]
quick = demo_shortlist(cube, size=SIZE, seed=SEED, segment_labels=model.labels)
print(quick[["rank", "label", "score", "p_shortlist"]].round(3).to_string(index=False))

# %%
display(quick.attrs["acceptability"])
