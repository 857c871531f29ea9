"""Every assumption of the labour market is in its sensitivity space, inside its allowed range."""

import dataclasses
from pathlib import Path

import yaml

from sim.system.market import MarketParameters

SPACE = Path(__file__).resolve().parents[2] / "conf" / "sensitivity" / "system_market.yaml"


def test_every_market_assumption_is_screened_within_its_range():
    space = yaml.safe_load(SPACE.read_text(encoding="utf-8"))["parameters"]
    fields = {f.name: f.metadata for f in dataclasses.fields(MarketParameters)}
    assumptions = {n for n, meta in fields.items() if meta["source"].startswith("assumption")}
    assert assumptions == set(space)
    for name, entry in space.items():
        meta = fields[name]
        assert meta["low"] <= entry["low"] < entry["high"] <= meta["high"], name
        assert entry["source"].startswith("assumption"), name


def test_every_market_setting_names_its_source():
    for f in dataclasses.fields(MarketParameters):
        assert f.metadata["source"].split(":")[0] in {"assumption", "policy"}, f.name
