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
# # 4. The workshop: agreeing a few priorities together
#
# The candidate priorities of notebook 3 go to a workshop where tables of six to eight people
# (clinicians, council officers, the voluntary sector, residents) each decide how much every
# criterion matters. This notebook shows an analyst how the workshop works before the day:
#
# 1. prepare a workshop from the cohort cube (here: a small demo system);
# 2. try the participant view that each table sees in its browser;
# 3. see what the facilitator shows the room once tables have submitted;
# 4. export the decision log for the board report.
#
# On the day, serve the same views to every table with
# `pophealth workshop --config workshop.toml` (or `make workshop CONFIG=workshop.toml`): it
# prints a link with a token for participants and one for the facilitator; participants
# see no code and cannot run any.

# %%
import tempfile
from pathlib import Path

import pandas as pd
from IPython.display import display

from toolkit.workshop import (
    FacilitatorApp,
    ParticipantApp,
    add_example_submissions,
    demo_workshop,
    load_workshop,
)

pd.set_option("display.width", 120)
pd.set_option("display.max_colwidth", 70)

# %% [markdown]
# ## 1. Prepare the workshop
#
# `demo_workshop` builds a small synthetic system, its cohort cube and the themes measured on
# it, and writes them with a workshop configuration file to a cache folder. For your own
# system use `toolkit.workshop.prepare_workshop(prioritise_persons(persons), out_dir=...)`
# (`prioritise_persons` from `toolkit.prioritise`). We keep this run's submissions in a fresh
# folder so that the notebook gives the same answer every time.

# %%
session = Path(tempfile.mkdtemp(prefix="pophealth-04-"))
config = demo_workshop(folder=session / "workshop")
workshop = load_workshop(config)
print(f"{len(workshop.candidates)} candidate priorities, {len(workshop.criteria)} criteria")
for criterion in workshop.criteria:
    print(f"- {criterion.name}: {criterion.description}")

# %% [markdown]
# ## 2. The participant view
#
# One slider per criterion, from 0 (does not matter) to 10 (matters most). The ranking and
# the chart update when a slider is released; "why is this here?" explains the selected
# candidate, including the weight that would move it out of the shortlist.

# %%
table = ParticipantApp(workshop)
display(table)

# %% [markdown]
# A table that cares most about inequality moves that slider to 10 and the others down. The
# ranking below is what the app shows them after those moves.

# %%
inequality = [name for name in table.sliders if "gap" in name or "excess" in name]
for name, slider in table.sliders.items():
    slider.value = 10 if name in inequality else 2

# %% tags=["nbval-check-output"]
print("Sliders at 10:", ", ".join(inequality))
ranking = table.ranking_frame().merge(workshop.candidates[["candidate", "label"]], on="candidate")
print(ranking[["rank", "label", "score"]].head(8).to_string(index=False))

# %% [markdown]
# ## 3. What the facilitator shows the room
#
# Here four example tables submit made-up weights; in a workshop the tables submit from
# their own browsers. The facilitator view puts every table's ranking side by side, combines
# the weights, shows the room's shortlist and how far the tables agree (Kendall's W).

# %%
add_example_submissions(workshop, tables=4)
room = FacilitatorApp(workshop)
display(room)

# %% tags=["nbval-check-output"]
print(room.room.agreement.to_frame(decimals=3).to_string(index=False))

# %% [markdown]
# ## 4. The decision log for the board
#
# Every submission is kept (a table that resubmits replaces its earlier weights in the room's
# answer, but both stay in the log). Export it and give the file to the board report
# (`decision_log` in the report configuration).

# %%
exported = room.export(session / "export")
print("Written:", ", ".join(sorted(exported)))
