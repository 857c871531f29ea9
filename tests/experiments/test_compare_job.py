"""Tests of the main comparison job at a reduced size: outputs, resume, sweeps."""

import json
import re
import sys

import numpy as np
import pandas as pd
import pytest

from analysis import references
from experiments import compare, runner

# A tiny organization over a few weeks: 2 arms (none, organizational bundle) x 2 seeds.
TINY = [
    "experiment=quick",
    "model.n_workers=60",
    "burn_in_weeks=10",
    "horizon_weeks=20",
    "replicates=2",
    "intervention=[organizational_bundle]",
    "scenario=[baseline,pandemic_surge]",
    "jobs=2",
    "bootstrap=50",
    "hydra/launcher=basic",
    "posterior=null",  # fixed parameters: these tests check the job's mechanics
]
OUTPUTS = (
    "weekly.parquet",
    "outcomes.csv",
    "summary.csv",
    "summary.md",
    "report.html",
    "run_info.json",
    "figures/trajectories.png",
    "figures/ranked_effects.png",
    "figures/cost_effectiveness.png",
)


SIMULATE_PAIR = compare.simulate_pair


def tables(out_dir):
    """The final tables of a finished job."""
    return (
        pd.read_csv(out_dir / "summary.csv"),
        pd.read_csv(out_dir / "outcomes.csv"),
        pd.read_parquet(out_dir / "weekly.parquet"),
    )


def assert_same_tables(a, b):
    for left, right in zip(tables(a), tables(b), strict=True):
        pd.testing.assert_frame_equal(left, right)


@pytest.mark.slow
def test_main_job_writes_every_output_and_prints_the_folder_last(tmp_path, monkeypatch, capsys):
    """The job writes tables, figures, report and record; its last printed line is the folder."""
    out = tmp_path / "out"
    argv = [*TINY, f"output_dir={out}", f"runs_dir={tmp_path / 'runs'}"]
    monkeypatch.setattr(sys, "argv", ["compare", *argv])
    compare.main()
    printed = capsys.readouterr()
    assert printed.out.strip().splitlines()[-1] == str(out.resolve())
    assert "Differences from no intervention" in printed.out
    assert "compare: job 1/2" in printed.err  # progress
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0, name
    assert not list(out.rglob(".*.tmp")) and not list(out.rglob(".*.*"))
    weekly = pd.read_parquet(out / "weekly.parquet")
    assert len(weekly) == 2 * 2 * 2 * 20  # scenarios x arms x seeds x weeks
    assert set(weekly["arm"]) == {"none", "organizational_bundle"}
    assert weekly["week"].between(1, 20).all()
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary["arm"]) == ["organizational_bundle"] * 2
    for measure in (
        "burnout_prevalence",
        "flourishing_share",
        "annual_turnover_rate",
        "vacancies",
        "total_cost",
        "cost_per_avoided_departure",
        "burnout_weeks_averted",
    ):
        assert {f"{measure}_mean", f"{measure}_low", f"{measure}_high"} <= set(summary.columns)
    assert (summary["burnout_prevalence_low"] <= summary["burnout_prevalence_mean"]).all()
    logs = list(out.glob("jobs/*/*.log"))
    assert len(logs) == 2 and not any("MESA" in log.read_text() for log in logs)
    html = (out / "report.html").read_text()
    assert html.count('src="data:image/png;base64,') == 6  # incl. absence, safety, CEAC
    assert "http://" not in html and "https://" not in html  # nothing fetched when opened
    assert "Limitations" in html and "Organizational bundle (six workplace measures)" in html
    assert "In brief" in html and "References" in html
    assert "Who can act" in html and "Government levers" in html
    assert set(summary["who_can_act"].fillna("")) <= {"", "unit leader + executive", "executive"}
    readable = re.sub(r"<pre>.*?</pre>|<[^>]+>", " ", html, flags=re.S)
    assert not re.search(r"\binf\b", readable) and "organizational_bundle" not in readable
    assert "shared/" not in readable and "seed 00" not in readable, re.findall(
        r".{80}(?:shared/|seed 00).{40}", readable
    )
    anchors = re.findall(r'href="[^"#]*docs/references\.md#([a-z0-9-]+)"', html)
    listed = references.PATH.read_text()
    assert anchors and all(f'<a id="{anchor}"></a>' in listed for anchor in anchors)
    info = json.loads((out / "run_info.json").read_text())
    assert info["config"]["model"]["n_workers"] == 60
    assert info["seeds"]["replicates"] == runner.replicate_seeds(20261124, 2)
    assert info["posterior"] is None
    assert "git_commit" in info and info["versions"]["hydra-core"]
    assert info["runs"] == 8 and info["choices"]["experiment"] == "quick"


def count_simulations(monkeypatch, fail_after: int | None = None) -> list[int]:
    """Wrap simulate_pair: count the runs it simulates, optionally fail after some pairs."""
    counts: list[int] = []
    real = SIMULATE_PAIR

    def counted(cfg, scenario, replicate):
        if fail_after is not None and len(counts) >= fail_after:
            raise RuntimeError("simulated interruption")
        counts.append(real(cfg, scenario, replicate))
        return counts[-1]

    monkeypatch.setattr(compare, "simulate_pair", counted)
    return counts


@pytest.mark.slow
def test_interrupted_job_resumes_and_gives_identical_tables(tmp_path, monkeypatch):
    """Interrupted after some runs, a rerun simulates only the rest and matches a clean run."""
    clean = compare.run([*TINY, f"output_dir={tmp_path / 'clean'}", f"runs_dir={tmp_path / 'r1'}"])
    runs = tmp_path / "r2"
    args = [*TINY, f"output_dir={tmp_path / 'resumed'}", f"runs_dir={runs}"]
    count_simulations(monkeypatch, fail_after=1)
    with pytest.raises((RuntimeError, SystemExit)):
        compare.run(args)
    stored = len(list(runs.glob("*.npz")))
    assert stored == 2  # one (scenario, seed) pair: both arms
    assert not list(runs.glob(".*"))  # no half-written file
    counts = count_simulations(monkeypatch)
    resumed = compare.run(args)
    assert sum(counts) == 8 - stored
    assert_same_tables(clean, resumed)
    # Lost outputs of finished runs are simulated again, and only those.
    for path in sorted(runs.glob("*.npz"))[:3]:
        path.unlink()
    counts = count_simulations(monkeypatch)
    again = compare.run([*args[:-2], f"output_dir={tmp_path / 'again'}", f"runs_dir={runs}"])
    assert sum(counts) == 3
    assert_same_tables(clean, again)


def test_run_keys_follow_config_and_seed():
    """A run's key changes with its own settings and seed, not with another arm's settings."""
    cfg, _ = compare.compose_config(TINY)
    other, _ = compare.compose_config(
        [*TINY, "++intervention.organizational_bundle.settings.uptake=0.5"]
    )
    key = compare.run_key
    one, two = compare.replicates_of(cfg)
    assert key(cfg, "baseline", "none", one) == key(other, "baseline", "none", one)
    assert key(cfg, "baseline", "none", one) != key(cfg, "baseline", "none", two)
    assert key(cfg, "baseline", "none", one) != key(cfg, "pandemic_surge", "none", one)
    bundle = "organizational_bundle"
    assert key(cfg, "baseline", bundle, one) != key(other, "baseline", bundle, one)
    assert runner.replicate_seeds(5, 3) == runner.replicate_seeds(5, 6)[:3]
    children = np.random.SeedSequence(5).spawn(3)
    assert runner.replicate_seeds(5, 3) == [int(c.generate_state(1)[0]) for c in children]


def test_an_arm_equals_a_model_built_with_its_interventions(tmp_path):
    """A stored arm (copied burn-in, interventions started after) equals a fresh model with them."""
    from sim import WorkforceModel
    from sim.interventions import build
    from sim.metrics import weekly_metrics

    cfg, _ = compare.compose_config([*TINY, f"runs_dir={tmp_path}"])
    replicate = compare.replicates_of(cfg)[0]
    seed = replicate.seed
    assert compare.simulate_pair(cfg, "pandemic_surge", replicate) == 2
    assert compare.simulate_pair(cfg, "pandemic_surge", replicate) == 0  # stored: nothing to do
    for arm, interventions in (("none", []), ("organizational_bundle", "organizational_bundle")):
        model = WorkforceModel(
            rng=seed,
            pressure="pandemic_surge",
            burn_in_weeks=10,
            collect_data=False,
            interventions=build(interventions) if interventions else [],
            n_workers=60,
        )
        expected = []
        for _ in range(20):
            model.step()
            weekly_metrics(model)
            expected.append(model.metric_values.copy())
        with np.load(compare.run_path(cfg, "pandemic_surge", arm, replicate)) as stored:
            np.testing.assert_array_equal(stored["weekly"], np.array(expected))
            np.testing.assert_array_equal(stored["costs"], model.ledger.totals)


@pytest.mark.slow
def test_sweep_writes_one_comparison_per_point(tmp_path, capsys):
    """--multirun over a model setting gives one output folder per value, differing as expected."""
    out = compare.run(
        [
            "--multirun",
            *TINY,
            "scenario=[baseline]",
            "model.demand_level=1.0,1.3",
            f"output_dir={tmp_path / 'out'}",
            f"runs_dir={tmp_path / 'runs'}",
        ]
    )
    folders = sorted(p.name for p in out.iterdir() if p.is_dir() and p.name != "jobs")
    assert folders == ["000_model.demand_level=1.0", "001_model.demand_level=1.3"]
    low, high = (pd.read_csv(out / f / "outcomes.csv") for f in folders)
    none_low = low[low["arm"] == "none"]["burnout_prevalence"].mean()
    none_high = high[high["arm"] == "none"]["burnout_prevalence"].mean()
    assert none_high > none_low
    assert np.isfinite(pd.read_csv(out / folders[1] / "summary.csv")["total_cost_mean"]).all()
    sweep = pd.read_csv(out / "sweep_summary.csv")
    assert list(sweep["model.demand_level"]) == [1.0, 1.3]
    assert list(sweep["folder"]) == folders


def test_the_main_job_draws_from_the_shipped_posterior_by_default():
    """Without options, replicates draw parameter sets from sim/posteriors/default (issue 13)."""
    cfg, _ = compare.compose_config([])
    assert cfg.posterior == "default" and cfg.seeds_per_draw == 2
    draws = {r.draw for r in compare.replicates_of(cfg)}
    assert len(draws) > 1 and min(draws) >= 0
