"""Tests of the synthetic demo system (toolkit.data.synth)."""

from __future__ import annotations

import hashlib
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
import pytest
import shapely
from scipy.special import expit

from toolkit.data import synth, synth_areas, synth_assumptions, synth_persons, synth_tables
from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CAUSE_ADMISSION_COLUMNS,
    CAUSES_OF_DEATH,
    CONDITIONS,
    ESP2013_BANDS,
    OPTIONAL_PERSON_FLAGS,
    age_band_of,
)
from toolkit.data.readers import validate_areas, validate_persons
from toolkit.data.synth import DemoSystem, make_demo_system, write_demo_system

PERSONS = 60_000
SEED = 11


@pytest.fixture(scope="module")
def system() -> DemoSystem:
    return make_demo_system(PERSONS, SEED)


@pytest.fixture(scope="module")
def persons(system: DemoSystem) -> pd.DataFrame:
    return system.persons


@pytest.fixture(scope="module")
def areas(system: DemoSystem) -> gpd.GeoDataFrame:
    return system.areas


def _multimorbid(persons: pd.DataFrame) -> pd.Series:
    return persons[list(CONDITIONS)].sum(axis=1) >= 2


# --- determinism ------------------------------------------------------------------------


def test_same_seed_gives_equal_tables():
    first = make_demo_system(20_000, seed=5)
    second = make_demo_system(20_000, seed=5)
    pd.testing.assert_frame_equal(first.persons, second.persons)
    pd.testing.assert_frame_equal(
        first.areas.drop(columns="geometry"), second.areas.drop(columns="geometry")
    )
    assert first.areas.geometry.geom_equals_exact(second.areas.geometry, tolerance=0).all()


def test_different_seed_gives_different_tables():
    first = make_demo_system(20_000, seed=5)
    other = make_demo_system(20_000, seed=6)
    assert not first.persons["age"].equals(other.persons["age"])
    assert not first.areas["imd_score"].equals(other.areas["imd_score"])


#: Digest of every column the demo persons had before the optional columns (emergency
#: admissions by cause, smoker, bp_controlled) were added, computed with the generator as it
#: was then (numpy 2.4, pandas 3.1): adding the optional columns changed none of them. If a
#: numpy release changes a random stream (numpy keeps Generator streams stable only within
#: a version), test_optional_columns_never_shift_the_others still shows the independence.
DIGESTS_BEFORE_OPTIONAL_COLUMNS = {
    (2_000, 7): "67b0d2dabf26076ecce89b9daba45a057a7104f43632ec06fefd92c2ba585979",
    (120_000, 3): "6f5cb5ddf46f07c548a1c934e6318d1371152d915f2f6c4cbdea4dda4ae35e49",
}
OPTIONAL_COLUMNS = (*CAUSE_ADMISSION_COLUMNS, *OPTIONAL_PERSON_FLAGS)


def _digest(persons: pd.DataFrame, columns: list[str]) -> str:
    """SHA-256 over the columns' values: raw bytes of numbers and flags, text joined."""
    parts = []
    for name in columns:
        series = persons[name]
        column = hashlib.sha256()
        if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_numeric_dtype(series.dtype):
            column.update(np.ascontiguousarray(series.to_numpy()).tobytes())
        else:
            column.update("\x1f".join("\x00" if pd.isna(v) else str(v) for v in series).encode())
        parts.append(f"{name}:{column.hexdigest()}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@pytest.mark.parametrize(("persons", "seed"), list(DIGESTS_BEFORE_OPTIONAL_COLUMNS))
def test_existing_columns_are_byte_identical_to_before_the_optional_columns(persons, seed):
    generated = make_demo_system(persons, seed).persons
    existing = [name for name in synth.PERSON_COLUMNS if name not in OPTIONAL_COLUMNS]
    assert len(existing) == 39
    assert _digest(generated, existing) == DIGESTS_BEFORE_OPTIONAL_COLUMNS[persons, seed]


def test_optional_columns_never_shift_the_others(monkeypatch):
    # The optional columns come from a child stream: however many numbers they draw, the
    # other columns stay the same.
    before = make_demo_system(synth.BLOCK_SIZE + 5_000, seed=8).persons
    original = synth_persons.optional_columns

    def greedy(rng, **arguments):
        rng.random(1_000_000)
        return original(rng, **arguments)

    monkeypatch.setattr(synth_persons, "optional_columns", greedy)
    after = make_demo_system(synth.BLOCK_SIZE + 5_000, seed=8).persons
    existing = [name for name in synth.PERSON_COLUMNS if name not in OPTIONAL_COLUMNS]
    pd.testing.assert_frame_equal(after[existing], before[existing])
    assert not after["smoker"].equals(before["smoker"])


def test_unpacks_into_persons_and_areas(system):
    persons, areas = system
    assert persons is system.persons
    assert areas is system.areas
    assert "Kestermoor" in repr(system)
    assert system.name == synth.DEMO_SYSTEM_NAME
    assert system.seed == SEED


# --- the data contract ------------------------------------------------------------------


def test_persons_meet_the_contract(persons):
    validated = validate_persons(persons)
    assert len(validated) == PERSONS
    assert list(persons.columns) == list(synth.PERSON_COLUMNS)
    assert persons["person_id"].is_unique
    assert persons["person_id"].str.fullmatch(r"P\d{8}").all()
    assert persons["age"].between(0, 120).all()
    assert set(persons["sex"]) == {"F", "M"}
    for name in (*CONDITIONS, "end_of_life", "pregnant", "died"):
        assert persons[name].dtype == bool, name
    for name in (*ACTIVITY_COLUMNS, *CAUSE_ADMISSION_COLUMNS):
        assert persons[name].dtype == np.int64, name
        assert (persons[name] >= 0).all(), name
    for name in OPTIONAL_PERSON_FLAGS:
        assert str(persons[name].dtype) == "boolean", name
        assert str(validated[name].dtype) == "boolean", name
    assert persons["cost_gbp"].dtype == np.float64
    assert set(persons["ethnic_group"]) <= set(synth.ETHNIC_GROUPS)


def test_areas_meet_the_contract(areas):
    validated = validate_areas(areas)
    assert len(validated) == len(areas)
    assert list(areas.columns) == [
        "lsoa",
        "lsoa_name",
        "imd_score",
        "imd_decile",
        "population",
        "place",
        "geometry",
    ]
    assert areas["lsoa"].is_unique


def test_lsoa_codes_are_well_formed_and_fictional(areas):
    assert areas["lsoa"].str.fullmatch(r"E01\d{6}").all()
    # Real 2011 and 2021 LSOA codes stop below E01040000.
    assert (areas["lsoa"].str[3:].astype(int) >= synth.FIRST_LSOA_NUMBER).all()
    for place, name in zip(areas["place"], areas["lsoa_name"], strict=True):
        assert re.fullmatch(rf"{place} \d{{3}}[A-E]", name), name
    assert areas["lsoa_name"].is_unique


def test_persons_agree_with_their_areas(persons, areas):
    counted = persons["lsoa"].value_counts()
    population = areas.set_index("lsoa")["population"]
    pd.testing.assert_series_equal(counted.reindex(population.index), population, check_names=False)
    joined = persons[["lsoa", "imd_decile", "place"]].merge(
        areas[["lsoa", "imd_decile", "place"]], on="lsoa", suffixes=("", "_area")
    )
    assert len(joined) == len(persons)
    assert (joined["imd_decile"] == joined["imd_decile_area"]).all()
    assert (joined["place"] == joined["place_area"]).all()


def test_one_area_per_1500_persons_and_at_least_eight():
    assert len(make_demo_system(20_000, seed=2).areas) == round(20_000 / 1_500)
    tiny = make_demo_system(500, seed=2)
    assert len(tiny.areas) == synth.MIN_AREAS
    assert tiny.areas["population"].sum() == 500
    assert (tiny.areas["population"] > 0).all()
    validate_persons(tiny.persons)
    validate_areas(tiny.areas)


# --- geometry ---------------------------------------------------------------------------


@pytest.mark.parametrize(("persons", "seed"), [(PERSONS, SEED), (30_000, 1), (3_000, 2)])
def test_areas_tile_the_system(persons, seed):
    system = make_demo_system(persons, seed)
    areas = system.areas
    assert areas.crs.to_epsg() == 27700
    assert (areas.geom_type == "Polygon").all()
    assert areas.is_valid.all()
    union = shapely.union_all(areas.geometry.to_numpy())
    # No overlaps: the areas add up to their union.
    assert areas.area.sum() == pytest.approx(union.area, rel=1e-6)
    # No gaps: the union is the system boundary.
    boundary = system.boundary
    assert union.symmetric_difference(boundary).area / boundary.area < 1e-9
    # Somewhere plausible in northern England on the British National Grid.
    xmin, ymin, xmax, ymax = areas.total_bounds
    assert 378_000 < xmin < xmax < 422_000
    assert 398_000 < ymin < ymax < 442_000


@pytest.mark.parametrize("seed", [SEED, 1, 2, 3])
def test_four_to_six_contiguous_places(seed):
    areas = make_demo_system(30_000, seed).areas
    places = areas.dissolve("place")
    assert 4 <= len(places) <= 6
    assert set(places.index) <= set(synth.PLACE_NAMES)
    assert (places.geom_type == "Polygon").all(), places.geom_type.to_dict()


def test_boundary_is_the_same_for_every_seed():
    first = make_demo_system(3_000, seed=1).boundary
    second = make_demo_system(3_000, seed=99).boundary
    assert first.equals(second)
    assert first.equals(synth.system_boundary())


# --- deprivation ------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [SEED, 1, 2])
def test_deprivation_is_clustered_in_space(seed):
    esda = pytest.importorskip("esda")
    weights_module = pytest.importorskip("libpysal.weights")
    # Geography of a 250,000-person system (167 areas); persons are not needed here.
    areas, _ = synth_areas.make_areas(250_000, seed)
    weights = weights_module.Queen.from_dataframe(areas, use_index=False)
    weights.transform = "r"
    moran = esda.Moran(areas["imd_score"].to_numpy(), weights, permutations=0)
    assert moran.I > 0.3


def test_deciles_skew_towards_the_most_deprived():
    areas, _ = synth_areas.make_areas(250_000, SEED)
    share = areas["imd_decile"].value_counts(normalize=True)
    assert share.reindex([1, 2, 3]).sum() > 2 * share.reindex([8, 9, 10]).sum()
    assert share[1] == pytest.approx(synth.IMD_DECILE_SHARES[0], abs=0.01)
    assert set(share.index) == set(range(1, 11))


def test_imd_score_agrees_with_decile(areas):
    cuts = synth.IMD_SCORE_CUTS
    for decile, group in areas.groupby("imd_decile"):
        assert group["imd_score"].between(cuts[decile], cuts[decile - 1]).all()
    by_decile = areas.groupby("imd_decile")["imd_score"].agg(["min", "max"]).sort_index()
    # Every area in a more deprived decile scores higher than every area in the next.
    assert (by_decile["min"].to_numpy()[:-1] > by_decile["max"].to_numpy()[1:]).all()


# --- epidemiology -----------------------------------------------------------------------


def test_multimorbidity_arrives_earlier_in_the_most_deprived(persons):
    middle = persons[persons["age"].between(50, 64)]
    share = _multimorbid(middle).groupby(middle["imd_decile"]).mean()
    assert share[1] >= 1.5 * share[10]


def test_multimorbidity_at_least_ten_years_earlier_in_deprived_areas(persons):
    # Barnett et al. 2012: the most deprived reach a given level of multimorbidity 10 to 15
    # years before the least deprived. Fails when deprivation only adds a constant risk.
    multimorbid = _multimorbid(persons)
    deprived = persons["imd_decile"] <= 2
    affluent = persons["imd_decile"] >= 9
    deprived_at_45 = multimorbid[deprived & persons["age"].between(45, 54)].mean()
    affluent_at_55 = multimorbid[affluent & persons["age"].between(55, 64)].mean()
    affluent_at_45 = multimorbid[affluent & persons["age"].between(45, 54)].mean()
    assert deprived_at_45 >= affluent_at_55
    assert deprived_at_45 > 2 * affluent_at_45


def test_conditions_rise_with_age(persons):
    count = persons[list(CONDITIONS)].sum(axis=1)
    by_age = count.groupby(pd.cut(persons["age"], [-1, 17, 39, 64, 79, 120])).mean()
    assert by_age.is_monotonic_increasing


def test_death_rate_higher_in_most_deprived_decile(persons):
    # Indirectly standardised: observed deaths against those expected at the system's
    # age- and sex-specific death rates.
    band = persons["age"].map(age_band_of)
    rate = persons.groupby([band, persons["sex"]])["died"].transform("mean")
    table = pd.DataFrame({"decile": persons["imd_decile"], "died": persons["died"], "e": rate})
    totals = table.groupby("decile")[["died", "e"]].sum()
    ratio = totals["died"] / totals["e"]
    assert ratio[1] > ratio[10]
    assert 0.005 < persons["died"].mean() < 0.015


def test_deaths_follow_a_gompertz_pattern(persons):
    rate = persons.groupby(pd.cut(persons["age"], [-1, 44, 64, 79, 120]), observed=True)[
        "died"
    ].mean()
    assert rate.is_monotonic_increasing
    assert rate.iloc[-1] > 10 * rate.iloc[1]


def test_life_expectancy_gap_matches_ons():
    table = synth_tables._death_probability_table()  # (age, sex, decile)

    def life_expectancy(q):
        q = q.copy()
        q[-1] = 1.0
        alive = np.concatenate([[1.0], np.cumprod(1.0 - q)[:-1]])
        return float((alive * (1.0 - q / 2.0)).sum())

    female_gap = life_expectancy(table[:, 0, 9]) - life_expectancy(table[:, 0, 0])
    male_gap = life_expectancy(table[:, 1, 9]) - life_expectancy(table[:, 1, 0])
    assert 8.0 < male_gap < 11.0
    assert 6.0 < female_gap < 9.0
    assert male_gap > female_gap


def test_cause_of_death_only_and_always_for_the_dead(persons):
    died = persons["died"]
    assert persons.loc[died, "cause_of_death"].notna().all()
    assert persons.loc[~died, "cause_of_death"].isna().all()
    assert set(persons.loc[died, "cause_of_death"]) <= set(CAUSES_OF_DEATH)
    share = persons.loc[died, "cause_of_death"].value_counts(normalize=True)
    assert share[["circulatory", "cancer"]].sum() > 0.4


def test_prevalences_have_realistic_magnitudes(persons):
    adults = persons[persons["age"] >= 18]
    assert 0.10 < persons["hypertension"].mean() < 0.20
    assert 0.05 < persons.loc[persons["age"] >= 17, "diabetes"].mean() < 0.11
    assert 0.04 < persons.loc[persons["age"] >= 6, "asthma"].mean() < 0.09
    assert 0.01 < persons["copd"].mean() < 0.035
    assert 0.08 < adults["depression"].mean() < 0.18
    assert persons.loc[persons["age"] < 16, "hypertension"].sum() == 0
    assert persons.loc[persons["age"] < 40, "dementia"].sum() == 0


def test_frailty_index_for_over_65s(persons):
    older = persons["age"] >= synth.EFI_MIN_AGE
    assert persons.loc[~older, "efi"].isna().all()
    efi = persons.loc[older, "efi"]
    assert efi.notna().all()
    assert efi.between(0.0, 1.0).all()
    deficits = efi * synth.EFI_DEFICITS
    np.testing.assert_allclose(deficits, deficits.round(), atol=1e-9)
    fit = (efi <= 0.12).mean()
    severe = (efi > 0.36).mean()
    assert 0.35 < fit < 0.65
    assert 0.01 < severe < 0.12
    conditions = persons.loc[older, list(CONDITIONS)].sum(axis=1)
    assert efi[conditions >= 3].mean() > efi[conditions == 0].mean() + 0.05


def test_end_of_life_is_rare_old_and_linked_to_dying(persons):
    eol = persons["end_of_life"]
    assert 0.004 < eol.mean() < 0.02
    assert persons.loc[eol, "age"].median() > 70
    assert persons.loc[eol, "died"].mean() > 10 * persons.loc[~eol, "died"].mean()


def test_pregnancy_only_in_women_of_childbearing_age(persons):
    pregnant = persons["pregnant"]
    assert (persons.loc[pregnant, "sex"] == "F").all()
    assert persons.loc[pregnant, "age"].between(15, 44).all()
    women = persons[(persons["sex"] == "F") & persons["age"].between(15, 44)]
    assert 0.03 < women["pregnant"].mean() < 0.08


def test_activity_has_nhs_magnitudes(persons):
    per_head = persons[list(ACTIVITY_COLUMNS)].mean()
    assert 4.0 < per_head["gp_appointments"] < 6.5
    assert 0.3 < per_head["ae_attendances"] < 0.6
    assert 0.07 < per_head["emergency_admissions"] < 0.15
    assert 0.09 < per_head["elective_admissions"] < 0.18
    assert 1.3 < per_head["outpatient_attendances"] < 2.2
    assert 0.4 < per_head["bed_days"] < 0.9
    assert 800 < persons["cost_gbp"].mean() < 1_800
    # Bed days only where someone was admitted.
    admitted = persons["emergency_admissions"] + persons["elective_admissions"]
    assert (persons.loc[admitted == 0, "bed_days"] == 0).all()


def test_emergency_admissions_rise_with_age(persons):
    bands = pd.cut(persons["age"], [17, 39, 64, 79, 120])
    rate = persons.groupby(bands, observed=True)["emergency_admissions"].mean()
    assert rate.is_monotonic_increasing
    assert rate.iloc[-1] > 4 * rate.iloc[0]


def test_activity_and_cost_rise_with_conditions_and_deprivation(persons):
    count = persons[list(CONDITIONS)].sum(axis=1).clip(upper=3)
    adults = persons["age"].between(18, 64)
    cost = persons.loc[adults, "cost_gbp"].groupby(count[adults]).mean()
    assert cost.is_monotonic_increasing
    ae = persons.groupby("imd_decile")["ae_attendances"].mean()
    assert ae[1] > ae[10]


def test_emergency_admissions_by_cause_are_parts_of_the_total(persons):
    total = persons["emergency_admissions"]
    for name in CAUSE_ADMISSION_COLUMNS:
        assert (persons[name] <= total).all(), name
    # Cardiovascular, respiratory and falls are primary-diagnosis groups: they do not overlap.
    groups = ["emergency_admissions_cardiovascular", "emergency_admissions_respiratory"]
    groups.append("emergency_admissions_falls")
    assert (persons[groups].sum(axis=1) <= total).all()
    assert (persons.loc[total == 0, list(CAUSE_ADMISSION_COLUMNS)] == 0).all().all()


def test_emergency_admissions_by_cause_have_hes_magnitudes(persons):
    # Shares of emergency admissions as in docs/demo-system.md (HES 2023-24: circulatory
    # 10%, respiratory 13%; chronic ACSCs 8.1% in 2015-16; alcohol-specific a few per cent).
    share = persons[list(CAUSE_ADMISSION_COLUMNS)].sum() / persons["emergency_admissions"].sum()
    assert 0.08 < share["emergency_admissions_cardiovascular"] < 0.13
    assert 0.10 < share["emergency_admissions_respiratory"] < 0.16
    assert 0.06 < share["emergency_admissions_acsc"] < 0.11
    assert 0.02 < share["emergency_admissions_alcohol"] < 0.06
    # OHID PHOF C29: 1,933 emergency admissions for falls per 100,000 aged 65+ (2022-23).
    older = persons["age"] >= 65
    falls_65 = 1e5 * persons.loc[older, "emergency_admissions_falls"].mean()
    assert 1_500 < falls_65 < 2_800
    assert falls_65 > 5 * 1e5 * persons.loc[~older, "emergency_admissions_falls"].mean()


def test_emergency_admissions_by_cause_follow_conditions_and_deprivation(persons):
    def rate(column: str, who: pd.Series) -> float:
        return persons.loc[who, column].mean()

    old = persons["age"] >= 65
    respiratory = "emergency_admissions_respiratory"
    assert rate(respiratory, old & persons["copd"]) > 3 * rate(respiratory, old & ~persons["copd"])
    cardiovascular = "emergency_admissions_cardiovascular"
    failing = persons["heart_failure"]
    assert rate(cardiovascular, old & failing) > 3 * rate(cardiovascular, old & ~failing)
    frail = persons["efi"] > 0.24
    assert rate("emergency_admissions_falls", frail) > 2 * rate(
        "emergency_admissions_falls", old & ~frail
    )
    alcohol = persons.groupby("imd_decile")["emergency_admissions_alcohol"].mean()
    assert alcohol[[1, 2]].mean() > 1.5 * alcohol[[9, 10]].mean()
    acsc = "emergency_admissions_acsc"
    chronic = persons[["copd", "heart_failure", "diabetes", "asthma"]].any(axis=1)
    assert rate(acsc, chronic) > 4 * rate(acsc, ~chronic)


def test_smoking_only_for_adults_and_graded_by_deprivation(persons):
    adults = persons["age"] >= synth.SMOKING_MIN_AGE
    assert persons.loc[~adults, "smoker"].isna().all()
    assert persons.loc[adults, "smoker"].notna().all()
    smoker = persons.loc[adults, "smoker"].astype(bool)
    # ONS 2023: 11.9% of UK adults; the demo system is more deprived than the UK.
    assert 0.11 < smoker.mean() < 0.18
    by_decile = smoker.groupby(persons.loc[adults, "imd_decile"]).mean()
    # ONS 2021, England: 23.8% in the most deprived decile against 6.8% in the least.
    assert 2.5 < by_decile[1] / by_decile[10] < 5.0
    assert (
        smoker[persons.loc[adults, "sex"] == "M"].mean()
        > smoker[persons.loc[adults, "sex"] == "F"].mean()
    )
    assert smoker[persons.loc[adults, "smi"]].mean() > 2 * smoker.mean()


def test_bp_controlled_only_for_people_with_hypertension(persons):
    hypertension = persons["hypertension"]
    assert persons.loc[~hypertension, "bp_controlled"].isna().all()
    assert persons.loc[hypertension, "bp_controlled"].notna().all()
    controlled = persons.loc[hypertension, "bp_controlled"].astype(bool)
    # CVDPREVENT: about 70% treated to target (66% to 74% across ICBs, March 2024).
    assert 0.62 < controlled.mean() < 0.76
    age = persons.loc[hypertension, "age"]
    assert controlled[age < 60].mean() < controlled[age >= 60].mean()


def test_age_structure_younger_in_deprived_areas(persons):
    older = (persons["age"] >= 65).groupby(persons["imd_decile"]).mean()
    children = (persons["age"] < 16).groupby(persons["imd_decile"]).mean()
    assert older[1] < older[10]
    assert children[1] > children[10]
    share_65 = (persons["age"] >= 65).mean()
    assert 0.12 < share_65 < 0.25
    assert set(persons["age"].map(age_band_of)) == set(ESP2013_BANDS)


def test_assumptions_cover_the_contract_vocabulary():
    assert set(synth.CONDITION_ASSUMPTIONS) == set(CONDITIONS)
    assert set(synth.ACTIVITY_ASSUMPTIONS) | {"bed_days"} == set(ACTIVITY_COLUMNS)
    for spec in synth.CONDITION_ASSUMPTIONS.values():
        assert len(spec.age_logit) == len(synth.CONDITION_AGE_KNOTS)
    for spec in synth.ACTIVITY_ASSUMPTIONS.values():
        assert len(spec.age_profile) == len(synth.ACTIVITY_AGE_KNOTS)
    assert sum(synth.IMD_DECILE_SHARES) == pytest.approx(1.0)
    for row in synth.CAUSE_SHARES_BY_AGE:
        assert sum(row) == pytest.approx(1.0)
        assert len(row) == len(CAUSES_OF_DEATH)
    for shares in synth.CAUSE_GROUP_SHARES.values():
        assert len(shares) == len(synth.ACTIVITY_AGE_KNOTS)
    assert (np.sum(list(synth.CAUSE_GROUP_SHARES.values()), axis=0) < 1.0).all()
    assert (
        set(synth.ACSC_BASE)
        == set(synth.ACSC_CONDITION_LINKS)
        == {
            *synth.CAUSE_GROUP_SHARES,
            "other",
        }
    )
    links = [
        *synth.SMOKING_CONDITION_LOG_RATIOS,
        *synth.ALCOHOL_CONDITION_LOG_RATIOS,
        *(name for group in synth.CAUSE_GROUP_CONDITION_LINKS.values() for name in group),
        *(name for group in synth.ACSC_CONDITION_LINKS.values() for name in group),
    ]
    assert set(links) <= set(CONDITIONS)
    assert len(synth.SMOKING_BY_AGE) == len(synth.SMOKING_AGE_KNOTS)
    assert len(synth.BP_CONTROL_AGE_LOGIT) == len(synth.BP_CONTROL_AGE_KNOTS)
    assert len(synth.ALCOHOL_SHARE_BY_AGE) == len(synth.ALCOHOL_AGE_KNOTS)


def test_calibration_reproduces_target_prevalence_in_reference_population():
    # Independent check of the intercepts by Monte Carlo over latent ill-health.
    grid = synth_tables._reference_grid()
    intercepts = synth_tables.condition_intercepts()
    rng = np.random.default_rng(0)
    latent = rng.standard_normal(4_000)
    for name in ("hypertension", "dementia", "diabetes"):
        spec = synth.CONDITION_ASSUMPTIONS[name]
        index = CONDITIONS.index(name)
        counted = grid.age >= spec.denominator_age
        possible = grid.age >= spec.onset_age
        non_white = synth_tables.non_white_probability(grid.deprivation, grid.age)
        split = synth_assumptions.NON_WHITE_SPLIT
        prevalence = 0.0
        for asian, black, share in (
            (0.0, 0.0, 1.0 - non_white * (split[1] + split[2])),
            (1.0, 0.0, non_white * split[1]),
            (0.0, 1.0, non_white * split[2]),
        ):
            eta = synth_tables.condition_linear_predictor(
                spec, grid.age, grid.male, grid.deprivation, asian, black
            )
            p = expit(
                intercepts[index] + eta[:, None] + synth.CONDITION_LATENT_LOADING * latent[None, :]
            ).mean(axis=1)
            prevalence += (grid.weight * share * p * possible)[counted].sum()
        prevalence /= grid.weight[counted].sum()
        assert prevalence == pytest.approx(spec.prevalence, rel=0.03), name


# --- writing ----------------------------------------------------------------------------


def test_write_round_trips_and_does_not_depend_on_chunk_size(tmp_path):
    persons = synth.BLOCK_SIZE + 20_000
    paths = write_demo_system(
        tmp_path / "small_chunks", persons=persons, seed=3, progress=False, chunk_size=1
    )
    assert set(paths) == {"persons", "areas"}
    assert paths["persons"].name == "persons.parquet"
    assert paths["areas"].name == "areas.gpkg"
    assert pq.ParquetFile(paths["persons"]).metadata.num_row_groups == 2
    big = write_demo_system(tmp_path / "one_chunk", persons=persons, seed=3, progress=False)
    assert pq.ParquetFile(big["persons"]).metadata.num_row_groups == 1

    expected = make_demo_system(persons, seed=3)
    pd.testing.assert_frame_equal(pd.read_parquet(paths["persons"]), expected.persons)
    pd.testing.assert_frame_equal(pd.read_parquet(big["persons"]), expected.persons)

    areas = pyogrio.read_dataframe(paths["areas"])
    assert areas.crs.to_epsg() == 27700
    pd.testing.assert_frame_equal(
        pd.DataFrame(areas.drop(columns="geometry")),
        pd.DataFrame(expected.areas.drop(columns="geometry")),
        check_dtype=False,
    )
    assert areas.geometry.geom_equals_exact(expected.areas.geometry, tolerance=1e-6).all()
    assert not list(tmp_path.glob("*/*.partial*"))


def test_write_replaces_existing_files(tmp_path):
    first = write_demo_system(tmp_path, persons=1_000, seed=1, progress=False)
    second = write_demo_system(tmp_path, persons=2_000, seed=1, progress=False)
    assert first == second
    assert len(pd.read_parquet(second["persons"])) == 2_000
    assert len(pyogrio.read_dataframe(second["areas"])) == synth.MIN_AREAS


def test_cli_synth_writes_the_files(tmp_path, capsys):
    from toolkit.cli import main

    status = main(["synth", "--persons", "2000", "--seed", "4", "--out", str(tmp_path), "--quiet"])
    assert status == 0
    printed = capsys.readouterr().out
    assert "persons.parquet" in printed
    assert "areas.gpkg" in printed
    assert len(pd.read_parquet(tmp_path / "persons.parquet")) == 2_000


def test_progress_bar_only_when_asked(capsys):
    make_demo_system(1_000, seed=1)
    assert "Synthesising persons" not in capsys.readouterr().err
    make_demo_system(1_000, seed=1, progress=True)
    assert "Synthesising persons" in capsys.readouterr().err


# --- options ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"persons": "1000"}, TypeError, "The 'persons' parameter of make_demo_system must be"),
        ({"persons": 1_000.0}, TypeError, "must be an int. Got 1000.0 instead."),
        ({"persons": True}, TypeError, "The 'persons' parameter"),
        ({"persons": 10}, ValueError, "must be an int in [100, 99,999,999]. Got 10 instead."),
        ({"seed": -1}, ValueError, "The 'seed' parameter of make_demo_system"),
        ({"seed": 1.5}, TypeError, "The 'seed' parameter"),
        ({"progress": "yes"}, TypeError, "The 'progress' parameter"),
    ],
)
def test_make_rejects_bad_options(options, error, message):
    arguments = {"persons": 1_000, "seed": 1} | options
    with pytest.raises(error, match=re.escape(message)):
        make_demo_system(**arguments)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"chunk_size": 0}, ValueError, "The 'chunk_size' parameter of write_demo_system"),
        ({"out_dir": 3}, TypeError, "The 'out_dir' parameter of write_demo_system"),
        ({"persons": 5}, ValueError, "The 'persons' parameter of write_demo_system"),
    ],
)
def test_write_rejects_bad_options(tmp_path, options, error, message):
    arguments = {"out_dir": tmp_path, "persons": 1_000, "progress": False} | options
    out_dir = arguments.pop("out_dir")
    with pytest.raises(error, match=re.escape(message)):
        write_demo_system(out_dir, **arguments)
    assert not (tmp_path / "persons.parquet").exists()
