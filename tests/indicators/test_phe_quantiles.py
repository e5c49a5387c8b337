"""quantiles against PHEindicatormethods' testQuantiles.R.

Test data: PHEindicatormethods v2.1.0 (GPL-3), tests/testthat/testdata_Quantiles.xlsx,
ported to tests/indicators/phe/phe_quantiles.csv (see the README there); prepared as
data-raw/LoadTestdata.R does (Polarity "RAG - Low is good" -> True, "High is good" ->
False; test_quantiles_ug = rows whose Test starts "Good"). Quantiles are integers: exact.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.indicators.quantiles import TooFewAreasWarning, quantiles

PHE = Path(__file__).parent / "phe"
POLARITY = {"RAG - High is good": False, "RAG - Low is good": True, "False": False, "True": True}


def _load() -> pd.DataFrame:
    # "None" is a GroupSet value, not a missing one
    data = pd.read_csv(PHE / "phe_quantiles.csv", keep_default_na=False, na_values=["", "NA"])
    return data.assign(Polarity=data["Polarity"].map(POLARITY).astype(object))


ALL = _load()
GOOD = ALL[ALL["Test"].str[:4] == "Good"]  # test_quantiles_ug
DF1 = GOOD[GOOD["GroupSet"] == "IndSexReg"]  # grouped by IndSexRef, ParentCode
DF2 = DF1[DF1["IndSexRef"] == "90366Female"]
DF3 = GOOD[GOOD["GroupSet"] == "IndSex"]  # grouped by IndSexRef
DF4 = GOOD[GOOD["GroupSet"] == "None"]
FAIL = ALL[ALL["Test"] == "BadPolarity"]  # test_quantiles_fail

# (R info, data, options)
CASES = [
    # phe_quantile(df1, Value, invert = Polarity, inverttype = "field")
    ("grouped df field", DF1, {"by": ["IndSexRef", "ParentCode"], "invert": "Polarity"}),
    # phe_quantile(df2, Value, invert = FALSE)
    ("grouped df logical", DF2, {"by": ["IndSexRef", "ParentCode"], "invert": False}),
    # phe_quantile(df3, Value, invert = Polarity, inverttype = "field", nquantiles = 7L)
    ("ungrouped df field", DF3, {"by": "IndSexRef", "invert": "Polarity", "nquantiles": 7}),
    # phe_quantile(df5, Value, nquantiles = 4L)   (df5 = df4 grouped by GroupSet)
    ("nquantiles", DF4, {"by": "GroupSet", "nquantiles": 4}),
    # phe_quantile(df4, Value, nquantiles = 4L)
    ("ungrouped df logical nohighergeog", DF4, {"nquantiles": 4}),
    # phe_quantile(df4, Value, nquantiles = 4L, type="standard")
    ("ungrouped df logical nohighergeog standard", DF4, {"nquantiles": 4}),
]


@pytest.mark.parametrize(("info", "data", "options"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.filterwarnings("ignore::toolkit.indicators.quantiles.TooFewAreasWarning")
def test_quantiles_match_phe_quantile(info, data, options):
    result = quantiles(data, value="Value", **options)
    ours = result["quantile"].to_numpy(dtype=float, na_value=np.nan)
    np.testing.assert_array_equal(ours, data["QuantileInGrp"].to_numpy(dtype=float))


def test_quantiles_metadata():
    # R: phe_quantile(df2, Value, invert = FALSE)[15:18] -> nquantiles 10,
    #    groupvars "IndSexRef, ParentCode", qinverted "lowest quantile represents lowest values"
    with pytest.warns(TooFewAreasWarning):
        result = quantiles(DF2, value="Value", by=["IndSexRef", "ParentCode"], invert=False)
    assert (result["nquantiles"] == 10).all()
    assert (result["groupvars"] == "IndSexRef, ParentCode").all()
    assert (result["qinverted"] == "lowest quantile represents lowest values").all()


def test_quantiles_warn_when_too_few_areas():
    # R: expect_warning(phe_quantile(df2, Value, invert = FALSE), "too few small areas")
    with pytest.warns(TooFewAreasWarning, match="fewer areas"):
        quantiles(DF2, value="Value", by=["IndSexRef", "ParentCode"], invert=False)
    # R: df6 = df2 without two areas and with every value of region E12000006 missing
    df6 = DF2[~DF2["AreaCode"].isin(["E06000053", "E09000001"])].copy()
    df6.loc[df6["ParentCode"] == "E12000006", "Value"] = np.nan
    with pytest.warns(TooFewAreasWarning, match="fewer areas"):
        result = quantiles(df6, value="Value", by=["IndSexRef", "ParentCode"], invert=False)
    assert result.loc[df6["ParentCode"] == "E12000006", "quantile"].isna().all()


def test_quantiles_errors():
    # R: phe_quantile(test_quantiles_g, Value, invert = 6, inverttype = "logical")
    with pytest.raises(TypeError, match="'invert' parameter"):
        quantiles(GOOD, value="Value", by="IndSexRef", invert=6)
    # R: phe_quantile(test_quantiles_g, AreaName, invert = Polarity, inverttype = "field")
    with pytest.raises(TypeError, match="must be numeric"):
        quantiles(GOOD, value="AreaName", by="IndSexRef", invert="Polarity")
    # R: phe_quantile(test_quantiles_fail, Value, invert = Polarity, inverttype = "field")
    with pytest.raises(ValueError, match="same value within each group"):
        quantiles(FAIL, value="Value", invert="Polarity")
    # R: phe_quantile(test_quantiles_fail, Value, invert = Pol, inverttype = "field")
    with pytest.raises(ValueError, match="'invert' parameter .* 'Pol'"):
        quantiles(FAIL, value="Value", invert="Pol")
