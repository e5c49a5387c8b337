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
# <!-- Quarterly update template. `pophealth monitor --config CONFIG --out DIR` runs it with
# papermill (parameters below) and exports it as HTML without code. Headline cells are tagged
# `nbval-check-output`: CI re-executes the committed update and compares them. -->

# %% tags=["parameters"]
system_name = "Kestermoor and Wyvendale Integrated Care System"
series = "demo"
period = "January to March 2026"
priorities = None
decision_log = None
workshop = None
weights = None
weights_source = None
outcomes = None
ambitions = None
ambitions_by = None
persons = "demo"
previous_persons = "demo"
reference_date = None
demo_persons = 250_000
shortlist_size = 5
model = "bridges_to_health"
themes = None
criteria_scores = None
years = 1.0
seed = 20261122
disclosure_threshold = 10
fix_after = 24
rebase = None
screen_outliers = True
published_values = False
synthetic_data = True
source = None

# %%
from IPython.display import display

from toolkit.report import setup_notebook
from toolkit.report import update as report
from toolkit.report.charts import show_figure

setup_notebook()
config = report.UpdateConfig(
    system_name=system_name,
    series=series,
    period=period,
    priorities=priorities,
    decision_log=decision_log,
    workshop=workshop,
    weights=weights,
    weights_source=weights_source,
    outcomes=outcomes,
    ambitions=ambitions,
    ambitions_by=ambitions_by,
    persons=persons,
    previous_persons=previous_persons,
    reference_date=reference_date,
    demo_persons=demo_persons,
    shortlist_size=shortlist_size,
    model=model,
    themes=themes,
    criteria_scores=criteria_scores,
    years=years,
    seed=seed,
    disclosure_threshold=disclosure_threshold,
    fix_after=fix_after,
    rebase=rebase,
    screen_outliers=screen_outliers,
    published_values=published_values,
    synthetic_data=synthetic_data,
    source=source,
)
update = report.prepare_update(config)

# %% tags=["nbval-check-output"]
report.update_title(update)

# %% tags=["nbval-check-output"]
report.at_a_glance(update)

# %% tags=["nbval-check-output"]
report.priorities_table(update)

# %% [markdown]
# ## 1. Each priority, period by period

# %% tags=["nbval-check-output"]
report.charts_introduction(update)

# %%
for priority in update.agreed:
    figure = report.priority_chart(update, priority)
    if figure is not None:
        show_figure(figure, alt=report.chart_alt_text(update, priority))

# %% [markdown]
# ## 2. What moved
#
# A living strategy reruns its evidence when the data change. The table compares the agreed
# shortlist with the evidence measured again on the newer data, with the same weights.

# %% tags=["nbval-check-output"]
report.what_moved_section(update)

# %% tags=["nbval-check-output"]
moved = report.moved_table(update)
if moved is not None:
    display(moved)

# %%
report.update_provenance(update)
