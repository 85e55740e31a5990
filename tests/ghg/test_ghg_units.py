"""Units at the boundary: canonical conversion, Nm³ kept apart from m³, factor units, periods."""

import datetime as dt

import pytest

from tancert.ghg.columns import parse_period
from tancert.ghg.units import UnitError, rate_scale, unit_scale


@pytest.mark.parametrize("text,dim,scale", [
    ("t", "mass", 1), ("kg", "mass", 0.001), ("吨", "mass", 1), ("10^4Nm3", "normal_volume", 1e4),
    ("10⁴Nm³", "normal_volume", 1e4), ("万Nm3", "normal_volume", 1e4), ("Nm3", "normal_volume", 1),
    ("MWh", "energy", 3.6), ("kWh", "energy", 0.0036), ("度", "energy", 0.0036), ("GJ", "energy", 1),
    ("TJ", "energy", 1000), ("t*km", "freight", 1), ("t·km", "freight", 1), ("pkm", "passenger_distance", 1),
    ("m3", "volume", 1), ("L", "volume", 0.001), ("万吨", "mass", 1e4), ("tkm", "freight", 1), ("吨公里", "freight", 1),
    ("MJ", "energy", 0.001), ("万标准立方米", "normal_volume", 1e4),
])
def test_unit_scale(text, dim, scale):
    u = unit_scale(text)
    assert (u.dimension, u.scale) == (dim, scale)


def test_normal_cubic_metres_are_not_cubic_metres():
    assert unit_scale("Nm3").dimension != unit_scale("m3").dimension


@pytest.mark.parametrize("bad", ["furlong", "", "m", "K"])
def test_unusable_units_are_errors(bad):
    with pytest.raises(UnitError):
        unit_scale(bad)


@pytest.mark.parametrize("text,gas,per,scale", [
    ("tCO2/MWh", "CO2", "energy", 1 / 3.6), ("kgCO2/kWh", "CO2", "energy", 1 / 3.6), ("tC/GJ", "C", "energy", 1),
    ("GJ/10^4Nm3", None, "normal_volume", 1e-4), ("kgCO2e/t*km", "CO2e", "freight", 1e-3), ("tCH4/t", "CH4", "mass", 1),
])
def test_rate_scale(text, gas, per, scale):
    r = rate_scale(text)
    assert (r.gas, r.per) == (gas, per) and r.scale == pytest.approx(scale, rel=1e-14)


@pytest.mark.parametrize("v,expected", [
    ("2024-03", (2024, 3)), ("2024/3", (2024, 3)), ("202403", (2024, 3)), ("2024年3月", (2024, 3)),
    ("2024", (2024, 0)), (dt.date(2024, 5, 1), (2024, 5)), ("2024-05-01 00:00:00", (2024, 5)),
    ("2024-13", None), ("March", None),
])
def test_periods(v, expected):
    assert parse_period(v) == expected
