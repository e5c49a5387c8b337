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
# # Workshop: the participant view
#
# Each table chooses its name from the facilitator's list, moves a slider per criterion,
# sees its top 5 change beside the sliders and submits, round by round.
# `pophealth workshop --config workshop.toml` serves this notebook with Voila (no code
# shown, no code can be run) and points it at the workshop through the environment variable
# `POPHEALTH_WORKSHOP_CONFIG`; served, the view checks the round's status every few seconds
# and, opened with a table's own link, is that table's (its sliders come back on a reload).
# Opened without it (in JupyterLab, or under nbval in CI) it uses the demo workshop on a
# small synthetic system, prepared outside the repository. Cells tagged `voila-hide` are not
# shown to participants.

# %%
import os

from IPython.display import display

from toolkit.workshop import (
    CONFIG_ENVIRONMENT_VARIABLE,
    ParticipantApp,
    demo_workshop,
    load_workshop,
)

served = os.environ.get(CONFIG_ENVIRONMENT_VARIABLE)
config = served or demo_workshop()
workshop = load_workshop(config)
app = ParticipantApp(workshop, watch_round=bool(served), read_link=bool(served))
display(app)

# %% tags=["nbval-check-output", "voila-hide"]
# Headline for nbval: the ranking at the starting weights (all criteria equal).
app.ranking_frame().head(10)
