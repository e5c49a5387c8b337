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

# %% [markdown] tags=["voila-hide"]
# # Workshop: the facilitator view
#
# The rounds (open, close and show the room's result), the headline in words (how many of
# the room's priorities are on every table's list), the agreement score (Kendall's W) beside
# what random weights give, the room's list overall and by stakeholder group, what changed
# between rounds, every table's ranking side by side, the list of tables (add, remove,
# merge), downloads of the decision log and the problems log; a projector mode and an option
# to hide table names. Served by `pophealth workshop`, it refreshes every few seconds;
# opened without `POPHEALTH_WORKSHOP_CONFIG` (in JupyterLab, or under nbval in CI) it shows
# a demo workshop, in a new temporary folder, with four example tables' submissions. Cells
# tagged `voila-hide` are not shown in the served view.

# %%
import os
import tempfile

from IPython.display import display

from toolkit.workshop import (
    CONFIG_ENVIRONMENT_VARIABLE,
    PARTICIPANT_URL_VARIABLE,
    FacilitatorApp,
    demo_workshop,
    load_workshop,
)

served = os.environ.get(CONFIG_ENVIRONMENT_VARIABLE)
config = served or demo_workshop(
    folder=tempfile.mkdtemp(prefix="pophealth-facilitator-"), example_tables=4
)
workshop = load_workshop(config)
facilitator = FacilitatorApp(
    workshop,
    auto_refresh=bool(served),
    participant_url=os.environ.get(PARTICIPANT_URL_VARIABLE),
)
display(facilitator)

# %% tags=["nbval-check-output", "voila-hide"]
# Headline for nbval: agreement across the four example tables.
facilitator.room.agreement.to_frame(decimals=3)

# %% tags=["voila-hide"]
print(facilitator.room.summary)
facilitator.room.by_group()
