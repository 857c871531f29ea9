"""Every uncertain market setting (assumed or fitted) is in its sensitivity space, in range."""

import dataclasses
from pathlib import Path

import yaml

from sim.system.market import MarketParameters

SPACE = Path(__file__).resolve().parents[2] / "conf" / "sensitivity" / "system_market.yaml"


def test_every_market_assumption_is_screened_within_its_range():
    space = yaml.safe_load(SPACE.read_text(encoding="utf-8"))["parameters"]
    fields = {f.name: f.metadata for f in dataclasses.fields(MarketParameters)}
    uncertain = ("assumption", "fitted")
    assumptions = {n for n, meta in fields.items() if meta["source"].startswith(uncertain)}
    assert assumptions == set(space)
    for name, entry in space.items():
        meta = fields[name]
        assert meta["low"] <= entry["low"] < entry["high"] <= meta["high"], name
        assert entry["source"].startswith(uncertain), name


def test_every_market_setting_names_its_source():
    for f in dataclasses.fields(MarketParameters):
        assert f.metadata["source"].split(":")[0] in {"assumption", "fitted", "policy"}, f.name
