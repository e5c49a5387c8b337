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
# # 5. Monitoring the agreed priorities
#
# A strategy a board trusts is a living one: once the system has agreed its few priorities,
# it looks every month at whether things are moving, and reruns the evidence when the data
# change. The NHS reads month-by-month figures through **statistical process control** (SPC),
# as NHS England's *Making Data Count* programme teaches: an XmR chart of each measure, a few
# rules that separate a real change ("special cause") from the ups and downs every measure has
# ("common cause"), and two icons that sum up the latest position.
#
# This notebook follows the demo system's agreed priorities that way, with `toolkit.monitor`:
#
# 1. read the monthly indicator series and check them;
# 2. chart one series and read its chart;
# 3. follow every agreed priority, for the whole system and for each place;
# 4. rerun the evidence on newer data and see what moved;
# 5. chart every series at once.
#
# The method, its sources (NHS England's *Making Data Count* guidance and the NHS-R
# community's NHSRplotthedots package, whose published test figures the toolkit reproduces)
# and where the toolkit departs from them are in `docs/methods.md` ("Statistical process
# control"). It runs on the synthetic demo system: every number below is invented, never
# quote one. Headline cells are tagged `nbval-check-output` and checked by CI.

# %%
import time

import pandas as pd
from IPython.display import display

from toolkit.data import make_demo_system
from toolkit.errors import DataContractError
from toolkit.monitor import (
    CHANGE_WORDS,
    agreed_priorities,
    describe_spc,
    follow_priorities,
    icon_labels,
    make_demo_series,
    spc,
    spc_chart,
    validate_series,
    what_moved,
)
from toolkit.prioritise import prioritise_persons
from toolkit.report import setup_notebook
from toolkit.report.charts import show_figure

setup_notebook()
PERSONS = 250_000
SEED = 20261122
NEWER_SEED = 20261123  # the demo's "newer data": a second synthetic draw (section 4)
FIX_AFTER = 24  # limits from the first two years, April 2023 to March 2025

# %% [markdown]
# ## 1. The monthly series
#
# An **indicator series** has one row per month (or quarter, or year) for each measure: the
# month, the count of events (`numerator`), the people they happened to (`denominator`) and the
# value (here events per 1,000 people a month), with optional columns saying which place,
# cohort and theme it belongs to, which direction is better and any target.
#
# The demo system comes with three years of monthly series, April 2023 to March 2026, for the
# outcomes of the themes in the toolkit's library, for each of its places and for the whole
# system. They have winter peaks, a slow trend and the noise real counts have, and one planted
# change: from April 2025 a (fictional) palliative care at home team in **Kestermoor** cuts
# emergency admissions of people in their last year of life by a fifth. `docs/demo-system.md`
# ("Monthly indicator series") gives every figure and its source.

# %% tags=["nbval-check-output"]
series = make_demo_series(seed=SEED)
first, last = series["period"].min(), series["period"].max()
print(
    f"{len(series):,} rows: {series['series'].nunique()} indicators of "
    f"{series['theme'].nunique()} themes, for {series['place'].nunique()} places "
    f"({', '.join(series['place'].unique())}), "
    f"{series['period'].nunique()} months from {first:%B %Y} to {last:%B %Y}."
)
planted = series.attrs["intervention"]
print(
    f"Planted change: {planted['effect']:.0%} fewer {planted['series'][0]} "
    f"in {planted['place']} from {planted['start']}."
)

# %%
series.head()

# %% [markdown]
# `validate_series` checks a table against the series contract and returns it standardised;
# it lists every problem at once, with the column and the rows as a spreadsheet numbers them.
# The demo series pass. A copy with a month missing in two series and a negative count shows
# the kind of message a file with problems gets.

# %%
checked = validate_series(series, source="the demo series")
print(f"The demo series pass the contract: {len(checked):,} rows.")
broken = series.drop(index=[5, 40])
broken.loc[7, "numerator"] = -1
try:
    validate_series(broken.drop(columns=["value", "per"]), source="a broken copy")
except DataContractError as problem:
    print(problem)

# %% [markdown]
# With your own data, read the file (CSV, Parquet or Excel; Excel title rows above the header
# are fine) with `read_series`, which applies the same checks:
#
# ```python
# from toolkit.monitor import read_series
#
# series = read_series("data/priority_series.csv")  # or .parquet, .xlsx (sheet="Monthly")
# ```
#
# The file needs `series` and `period` columns and either `value` or `numerator` and
# `denominator`; months may be written `2024-01`, `Jan 2024`, `Jan-24` or as dates. Every
# month must be there, with a count of 0 where nothing happened: an SPC chart cannot bridge a
# gap.

# %% [markdown]
# ## 2. One series on a Making Data Count chart
#
# Emergency admissions of people in their last year of life in Kestermoor, where the planted
# change happens. An **XmR chart** draws the monthly values with:
#
# - the **mean** (centre line) of the baseline months;
# - the **process limits**, the mean ± 2.66 × the average month-to-month change (the mean
#   moving range). Nearly every month of a stable process falls inside them; unusually large
#   month-to-month jumps are screened out of the average first;
# - points coloured by what they say: **special cause improvement** (blue), **special cause
#   concern** (orange) or **common cause** (grey).
#
# The Making Data Count rules flag special cause, in this order of precedence: (1) a point
# beyond a process limit; (2) a trend of seven points each rising or each falling; (3) two of
# three points close to a limit (beyond the line two thirds of the way out) on the same side;
# (4) seven points in a row on one side of the mean.
#
# **Why fix the baseline?** The intervention started in April 2025. Limits computed from all
# 36 months would mix the months before and after it, pulling the mean down and widening the
# limits, so the change would partly hide itself. `fix_after=24` computes the mean and limits
# from the first 24 months only (April 2023 to March 2025, before the intervention) and judges
# every later month against them. Lower is better, so `improvement="decrease"`.

# %%
KESTERMOOR_EOL = (series["series"] == "end_of_life_care.emergency_admissions") & (
    series["place"] == "Kestermoor"
)
kestermoor = series[KESTERMOOR_EOL]
TITLE = "Emergency admissions, people in their last year of life, Kestermoor"
VALUE_LABEL = "Admissions per 1,000 people a month"
fixed = spc(kestermoor, improvement="decrease", fix_after=FIX_AFTER)
fixed_points, fixed_summary = fixed.to_frame(), fixed.summary().iloc[0]
show_figure(
    spc_chart(
        fixed_points,
        summary=fixed_summary,
        title=TITLE,
        value_label=VALUE_LABEL,
        subtitle="Limits from April 2023 to March 2025, before the palliative care team started",
    )
)

# %% [markdown]
# From April 2025 every month is special cause improvement: first months close to the lower
# limit (two of three), then a run on the low side of the mean (shift). One month of the
# baseline, January 2025, was beyond the upper limit: a winter peak, marked as concern.
#
# The chart in a sentence for the board, and its icons in words. The **variation icon** says
# what the latest month shows (improving, getting worse, or no sign of change); the
# **assurance icon** says whether a target will be met, and there is none for this series.

# %% tags=["nbval-check-output"]
print(describe_spc(fixed_points, fixed_summary, value_label=VALUE_LABEL))
for name, words in icon_labels(fixed_summary).items():
    print(f"  {name}: {words}")

# %% [markdown]
# Which rule flagged each month after the baseline (the `rule` column names the first of the
# four rules that flags a point):

# %%
after_baseline = fixed_points.loc[~fixed_points["in_baseline"]]
after_baseline[["period", "value", "rule", "point_type"]].round({"value": 1})

# %% [markdown]
# **Two choices to make on purpose.**
#
# - `screen_outliers=False` keeps unusually large month-to-month jumps in the average moving
#   range, as the Making Data Count Excel tool does; the limits are a little wider. Here the
#   answer is the same.
# - `rebase=["2025-04"]` says "from April 2025 this is a new process" and gives the months
#   since then limits of their own. Rebasing is a decision the board records with its reason,
#   never automatic. With only 12 months in the new period the new limits are narrow and
#   still settling, and this winter's peak already looks unusual against them: rebase once the
#   new level has had time to show its usual variation.

# %% tags=["nbval-check-output"]
unscreened = spc(kestermoor, improvement="decrease", fix_after=FIX_AFTER, screen_outliers=False)
rebased = spc(kestermoor, improvement="decrease", fix_after=FIX_AFTER, rebase=["2025-04"])
for name, chart in (("Not screened", unscreened), ("Rebased at April 2025", rebased)):
    line = describe_spc(chart.to_frame(), chart.summary().iloc[0], value_label=VALUE_LABEL)
    print(f"{name}: {line}")

# %%
show_figure(
    spc_chart(
        rebased.to_frame(),
        summary=rebased.summary().iloc[0],
        title=TITLE,
        value_label=VALUE_LABEL,
        subtitle="Rebased: new limits from April 2025",
    )
)

# %% [markdown]
# ## 3. Follow the agreed priorities
#
# The priorities come from the evidence (notebook 3): `prioritise_persons` measures the
# themes on the demo system's 250,000 people and keeps a shortlist of five. Each shortlisted
# theme was prioritised on one outcome (the `outcome` column), and that outcome's series is
# the one to follow.

# %% tags=["nbval-check-output"]
system = make_demo_system(PERSONS, seed=SEED)
agreed = prioritise_persons(system.persons, seed=SEED)
print(agreed.shortlist[["position", "candidate", "outcome"]].to_string(index=False))

# %% [markdown]
# End of life care is not on the shortlist, so following the shortlist alone would never
# look at the series where the planted change is. To show what a real change looks like when
# it is followed, it is added here as an extra row, marked as not agreed; in a real system
# this table is the board's decision, and you may add an `ambition` column (the level the
# board wants, drawn as the target) and a board-language `label`.

# %%
to_follow = agreed_priorities(agreed, also=["end_of_life_care"])
display(to_follow)

# %% [markdown]
# `follow_priorities` finds each priority's series for the whole system, charts it with the
# same rules and baseline as above, and charts each place's series too. A series with any
# month counting from 1 to 9 events is not charted (disclosure control), and its row says so.
# The table below has, for each priority, the latest month and value, the mean and process
# limits, the variation and assurance icons and, where there is special cause, since when.

# %% tags=["nbval-check-output"]
followed = follow_priorities(series, to_follow, fix_after=FIX_AFTER)
shown = [
    "priority", "last_period", "last_value", "mean", "lpl", "upl", "ambition", "variation",
    "assurance", "run_length", "shown", "note",
]  # fmt: skip
print(
    followed.priorities[shown]
    .round({"last_value": 2, "mean": 2, "lpl": 2, "upl": 2, "ambition": 1})
    .to_string(index=False)
)

# %% [markdown]
# One chart per charted priority. Smoking at the time of delivery has a target (6%, the
# national ambition of the Tobacco Control Plan for England), drawn as a dash-dot line; it
# sits below the lower process limit, so the assurance icon says the target will not be met
# without a change in the process.

# %%
charted = followed.priorities[followed.priorities["shown"]]
for priority in charted["priority"]:
    points, row = followed.chart_data(priority)
    show_figure(
        spc_chart(
            points,
            summary=row,
            title=row["series_label"],
            value_label=row["unit"].capitalize(),
            subtitle=f"Whole system. Priority: {row['label']}",
        )
    )

# %% [markdown]
# Each chart in a sentence, as the quarterly update to the board words it.

# %% tags=["nbval-check-output"]
for priority in charted["priority"]:
    points, row = followed.chart_data(priority)
    sentence = describe_spc(points, row, value_label=f"{row['series_label']} ({row['unit']})")
    print(f"{priority}: {sentence}")

# %% [markdown]
# **Each place.** The whole system can hide a change in one place: Kestermoor has about a
# third of the people in their last year of life, so its fall of a fifth is diluted to about 5%
# across the system, inside the system's limits. `special_cause_places` lists the places whose
# latest month shows special cause, each charted on its own with the same rules. The planted
# step appears in Kestermoor, as a run of improvement since April 2025. A single month beyond
# a limit elsewhere is worth watching, not acting on: with many charts, a few such months
# happen by chance (in the demo, they are chance).

# %% tags=["nbval-check-output"]
for priority in to_follow["priority"]:
    places = followed.special_cause_places(priority)
    if places.empty:
        print(f"{priority}: no place shows special cause in its latest month.")
        continue
    print(f"{priority}:")
    print(
        places[["place", "last_value", "variation", "run_start", "run_length"]]
        .round({"last_value": 1})
        .to_string(index=False)
    )

# %% [markdown]
# Places whose series were not charted, and why:

# %%
followed.places.loc[~followed.places["shown"], ["priority", "place", "note"]]

# %% [markdown]
# ## 4. What moved: the evidence rerun on newer data
#
# When a new year of data arrives, rerun the prioritisation with the same weights and
# settings and compare it with the list the board agreed: which priorities would now join or
# leave the shortlist, and how each one's rank and score changed. `what_moved` computes no
# score of its own; both lists were scored by `toolkit.prioritise`.
#
# **In the demo the "newer data" are a second synthetic draw** of the same system (seed
# 20261123 instead of 20261122): nothing real changed between the two, so everything that
# moves below moves by chance. It shows how much a shortlist can move on noise alone, which is
# worth knowing before reading meaning into a change on real data.

# %% tags=["nbval-check-output"]
newer = make_demo_system(PERSONS, seed=NEWER_SEED)
rerun = prioritise_persons(newer.persons, seed=SEED)
moved = what_moved(agreed, rerun)
print(
    moved[["candidate", "rank_before", "rank_after", "score_before", "score_after", "change"]]
    .round({"score_before": 1, "score_after": 1})
    .to_string(index=False)
)
print()
for item in moved[moved["change"].isin(["entered", "left"])].itertuples():
    print(f"{item.label} {CHANGE_WORDS[item.change]}.")
for item in rerun.excluded.itertuples():
    print(f"Not measured on the newer data: {item.label} ({item.reason}).")

# %% [markdown]
# ## 5. Every series at once
#
# `spc` charts many series in one call: `by` names the columns that identify a series. The
# demo's 125 series (25 indicators, each for the whole system and four places), 4,500 rows,
# take a fraction of a second. Every demo series has lower as better; a table that mixes
# directions is charted one direction at a time (or through `follow_priorities`, which reads
# each series' `improvement`).

# %%
started = time.perf_counter()
everything = spc(series, by=["series", "place"], improvement="decrease", fix_after=FIX_AFTER)
print(f"{everything!r} in {time.perf_counter() - started:.2f} s")

# %% [markdown]
# How many series show special cause in their latest month, by place (from the one row per
# series of `summary()`). Most show common cause.

# %% tags=["nbval-check-output"]
latest = everything.summary()
print(pd.crosstab(latest["place"], latest["variation"], margins=True, margins_name="All"))

# %% [markdown]
# The series with special cause in their latest month. Only one change was planted:
# Kestermoor's end of life care admissions, improving since April 2025. The others are what
# a wall of 125 charts gives by chance and by design: a single month beyond a limit happens
# now and then in a stable process; strong winter peaks (respiratory admissions) break the
# rules, since an XmR chart expects no seasonal pattern; and series of a handful of events a
# month (deaths under 75 of people with a learning disability) give runs of zero months that
# look like a shift. Read each against what you know before acting. `spc` itself applies no
# disclosure control, so the values are left out here; `follow_priorities` does not chart
# series with small counts.

# %%
special = latest[latest["variation"] != "common_cause"]
special[["series", "place", "variation", "run_start", "run_length"]]
