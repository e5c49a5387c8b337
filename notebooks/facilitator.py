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
# Every table's ranking side by side, the room's weights (arithmetic mean, geometric mean,
# median) and shortlist, how far the tables agree (Kendall's W) and what they disagree
# about, and the dot vote. Served by `pophealth workshop`, it refreshes every few seconds;
# opened without `POPHEALTH_WORKSHOP_CONFIG` (in JupyterLab, or under nbval in CI) it shows
# a demo workshop with four example tables' submissions. Cells tagged `voila-hide` are not
# shown in the served view.

# %%
import os

from IPython.display import display

from toolkit.workshop import (
    CONFIG_ENVIRONMENT_VARIABLE,
    FacilitatorApp,
    demo_workshop,
    load_workshop,
)

served = os.environ.get(CONFIG_ENVIRONMENT_VARIABLE)
config = served or demo_workshop(example_tables=4)
workshop = load_workshop(config)
facilitator = FacilitatorApp(workshop, auto_refresh=bool(served))
display(facilitator)

# %% tags=["nbval-check-output", "voila-hide"]
# Headline for nbval: agreement across the four example tables.
facilitator.room.agreement.to_frame(decimals=3)

# %% tags=["voila-hide"]
facilitator.room.headline()
