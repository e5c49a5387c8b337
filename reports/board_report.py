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
# <!-- Board report template. `pophealth report --config CONFIG --out DIR` runs it with
# papermill (parameters below) and exports it as HTML without code. Headline cells are tagged
# `nbval-check-output`: CI re-executes the committed report and compares them. -->

# %% tags=["parameters"]
system_name = "Kestermoor and Wyvendale Integrated Care System"
persons = "demo"
areas = "demo"
period = "2025/26"
reference_date = None
demo_persons = 250_000
shortlist_size = 5
seed = 20261122
disclosure_threshold = 10
decision_log = None
workshop = None
weights = None
weights_source = None
model = "bridges_to_health"
years = 1.0
admission_unit_cost = 1590.0
admission_cost_source = None
criteria_scores = None
themes = None
repair_geometry = False
imd_edition = None
system_places = None
place_labels = None
map_attribution = None
synthetic_data = False
source = None
figures_file = None  # set by build_report: the figures it computed (see board_figures)

# %%
from IPython.display import display

from toolkit.report import ReportConfig, board_figures, setup_notebook
from toolkit.report import sections as report
from toolkit.report.charts import show_figure

setup_notebook()
config = ReportConfig(
    system_name=system_name,
    persons=persons,
    areas=areas,
    period=period,
    reference_date=reference_date,
    demo_persons=demo_persons,
    shortlist_size=shortlist_size,
    seed=seed,
    disclosure_threshold=disclosure_threshold,
    decision_log=decision_log,
    workshop=workshop,
    weights=weights,
    weights_source=weights_source,
    model=model,
    years=years,
    admission_unit_cost=admission_unit_cost,
    admission_cost_source=admission_cost_source,
    criteria_scores=criteria_scores,
    themes=themes,
    repair_geometry=repair_geometry,
    imd_edition=imd_edition,
    system_places=system_places,
    place_labels=place_labels,
    map_attribution=map_attribution,
    synthetic_data=synthetic_data,
    source=source,
)
threshold = config.disclosure_threshold

# %%
board = board_figures(config, figures_file)
inputs, segmentation, cube, profile = board.inputs, board.segmentation, board.cube, board.profile
system_rate, priorities, segmented = board.system_rate, board.priorities, board.segmented
places, segments, linked = board.places, board.segments, board.linked

# %%
report.report_title(config)

# %% tags=["nbval-check-output"]
report.decision_box(
    priorities,
    config=config,
    synthetic=inputs.synthetic,
    room=board.room,
    workshop=board.workshop,
    linked=linked,
    shown_instead=board.shown_instead,
)

# %% tags=["nbval-check-output"]
coverage = report.people_coverage(inputs)
report.at_a_glance(
    segments,
    neighbourhoods=coverage.neighbourhoods,
    places=coverage.places,
    empty_places=coverage.empty_places,
    profile=profile,
    priorities=priorities,
    config=config,
    linked=linked,
    areas_note=inputs.areas_note,
    room=board.room,
    workshop=board.workshop,
)

# %% [markdown]
# ## 1. The population and its segments
#
# Everyone in the system is placed in one segment of the population segmentation model (by
# default Bridges to Health: eight segments from people who are healthy to people at the end of
# life). The table shows how many people are in each segment, what their care costs, and how
# often they are admitted to hospital in an emergency.

# %% tags=["nbval-check-output"]
report.segment_table(
    segments,
    period=config.period,
    threshold=threshold,
    model_title=segmentation.title,
    linked=linked,
)

# %%
show_figure(
    report.segment_chart_figure(segments, period=config.period, threshold=threshold, linked=linked)
)

# %% [markdown]
# ## 2. Outcomes by deprivation
#
# Emergency admission rates are age-standardised, so that areas with older populations are
# compared fairly, and shown for each tenth of neighbourhoods by the Index of Multiple
# Deprivation (decile 1 = the most deprived).

# %% tags=["nbval-check-output"]
deprivation = report.deprivation_figures(profile, system_rate=system_rate)
report.inequality_summary(profile, config=config)

# %% tags=["nbval-check-output"]
report.deprivation_table(
    deprivation,
    period=config.period,
    threshold=threshold,
    linked=linked,
    edition=inputs.imd_edition,
)

# %%
show_figure(
    report.deprivation_chart_figure(
        deprivation, profile, period=config.period, threshold=threshold, linked=linked
    )
)

# %% [markdown]
# ## 3. Neighbourhoods and places

# %%
if inputs.has_boundaries:
    display(
        report.sentence(
            "The map shows the age-standardised rate of emergency admissions in each "
            "neighbourhood (a lower-layer super output area of about 1,500 people); places "
            "are outlined."
        )
    )
    show_figure(
        report.neighbourhood_map(
            places,
            period=config.period,
            attribution=report.map_attribution(config),
            place_labels=config.place_labels,
        )
    )
else:
    display(
        report.sentence(
            "No boundaries were given with the areas, so no map is drawn; the table gives "
            "each place's rate."
        )
    )

# %% tags=["nbval-check-output"]
report.place_table(
    report.place_figures(
        places, system_rate=system_rate, linked=linked, neighbourhoods=board.place_neighbourhoods
    ),
    period=config.period,
    threshold=threshold,
    linked=linked,
    labels=config.place_labels,
)

# %% [markdown]
# ## 4. Suggested priorities

# %%
report.priorities_introduction(config)

# %% tags=["nbval-check-output"]
report.shortlist_table(priorities, period=config.period, threshold=threshold, linked=linked)

# %% tags=["nbval-check-output"]
report.shortlist_reasons(priorities, linked=linked)

# %%
report.excluded_themes(priorities)

# %% [markdown]
# How robust is the list? Weights are what partners disagree about, so the ranking was
# recomputed under 10,000 sets of weights drawn around the weights used. Each row shows how often
# a candidate took each rank: a priority that stays in the shortlist under most weightings is a
# robust choice.

# %%
show_figure(report.robustness_figure(priorities, period=config.period))

# %%
if config.decision_log is None:
    display(report.no_workshop_note(priorities))
else:
    text, weights_table, consensus_table, weights_figure = report.workshop_section(
        board.decision_log,
        priorities,
        config=config,
        room=board.room,
        room_weights=board.room_weights,
    )
    display(text, weights_table)
    show_figure(weights_figure)
    display(consensus_table)

# %%
report.board_asks(
    priorities,
    profile,
    config=config,
    workshop_held=config.decision_log is not None,
    room=board.room,
)

# %%
report.provenance(config, inputs, model_title=segmentation.title, linked=linked)
