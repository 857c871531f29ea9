"""Tests of the sensitivity sweep driver (experiments.sensitivity) through Hydra launchers."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.sensitivity import ISHIGAMI_ANALYTIC
from experiments import sensitivity as sweep
from experiments import sensitivity_jobs as jobs
from experiments import sensitivity_space as space_config
from experiments.sensitivity_outputs import seed_noise

# A tiny organization over a few weeks: enough to push every stage through the launchers fast.
TINY = [
    "model.n_workers=40",
    "burn_in_weeks=4",
    "horizon_weeks=8",
    "n=4",
    "batches=2",
    "num_resamples=20",
]


def indices(out_dir: Path) -> pd.DataFrame:
    return pd.read_csv(out_dir / "indices.csv", keep_default_na=False, na_values=[""])


@pytest.mark.slow
def test_ishigami_through_the_joblib_sweep_recovers_published_indices(tmp_path):
    """Batches run as Hydra jobs, gathered and analysed, give Ishigami's S1 and ST within 0.05."""
    out = sweep.run(["sensitivity=ishigami", "n=1024", "batches=3", f"output_dir={tmp_path}"])
    assert out == tmp_path.resolve()
    table = indices(out)
    for index in ("S1", "ST"):
        rows = table[table["index"] == index].set_index("parameter")["value"]
        np.testing.assert_allclose(rows[["x1", "x2", "x3"]], ISHIGAMI_ANALYTIC[index], atol=0.05)
    design = jobs.load_design(sweep.compose_config(["sensitivity=ishigami"])[0], out / "design.npz")
    pieces = [piece for batch in range(3) for piece in jobs.chunks(design, batch)]
    assert len(pieces) == 30 and pieces[0][0] == 0 and pieces[-1][1] == 1024 * 5
    stored = sorted(p.name for p in (out / "batches").glob("*.npz"))
    assert stored == sorted(f"{jobs.chunk_key(design, *piece)}.npz" for piece in pieces)
    assert not list((out / "batches").glob(".*.tmp"))
    for name in ("summary.txt", "convergence.csv", "runs.csv", "config.yaml", "design.npz"):
        assert (out / name).stat().st_size > 0
    assert (out / "plots" / "sobol_y.png").read_bytes()[:4] == b"\x89PNG"
    info = json.loads((out / "run_info.json").read_text())
    assert info["launcher"] == "JoblibLauncher" and info["batches"] == 3
    assert info["samples"] == 1024 * 5 and info["seed"] == 20261124
    assert "git_commit" in info and info["versions"]["SALib"]
    assert "Matter, most first: x1" in (out / "summary.txt").read_text()


@pytest.mark.slow
def test_model_sobol_gives_identical_indices_through_joblib_and_submitit_local(tmp_path):
    """A tiny Sobol' run of the model through joblib and submitit_local gives the same indices."""
    joblib_out = sweep.run([*TINY, f"output_dir={tmp_path / 'joblib'}"])
    submitit_out = sweep.run(
        [
            *TINY,
            "hydra/launcher=submitit_local",
            "hydra.launcher.timeout_min=5",
            f"output_dir={tmp_path / 'submitit'}",
        ]
    )
    first, second = indices(joblib_out), indices(submitit_out)
    pd.testing.assert_frame_equal(first, second)
    assert set(first["output"]) == {
        "burnout_prevalence",
        "annual_turnover_rate",
        "total_cost",
        "org_minus_individual_burnout_prevalence",
        "org_minus_individual_annual_turnover_rate",
        "org_minus_individual_total_cost",
    }
    assert "organizational_bundle.effect_scale" in set(first["parameter"])
    info = json.loads((submitit_out / "run_info.json").read_text())
    assert info["launcher"] == "LocalLauncher" and info["simulations"] == (88 + 4) * 3
    runs = pd.read_csv(joblib_out / "runs.csv")
    design = runs[runs["kind"] == "design"]
    assert len(design) == 88 and design["seed"].nunique() == 4  # one seed per Saltelli block
    again = runs[runs["kind"] == "noise_check"]  # block starts re-run with other seeds
    np.testing.assert_array_equal(again.iloc[:, 3:23], design.iloc[::22, 3:23])
    assert not set(again["seed"]) & set(design["seed"])
    noise = pd.read_csv(joblib_out / "noise.csv").set_index("output")
    assert (noise["pairs"] == 4).all() and (noise["noise_sd"] >= 0).all()
    assert "Seed noise:" in (joblib_out / "summary.txt").read_text()
    # Bundle settings cannot change the status quo arm: their indices there are exactly 0.
    status_quo = first[(first["output"] == "total_cost") & (first["index"] == "ST")]
    bundle_rows = status_quo[status_quo["parameter"].str.contains(".", regex=False)]
    assert (bundle_rows["value"] == 0.0).all()


@pytest.mark.slow
def test_morris_run_writes_the_mu_star_sigma_plot(tmp_path):
    """Morris screening through the sweep writes mu*, sigma and one plot per output."""
    out = sweep.run(
        ["sensitivity=ishigami", "method=morris", "n=20", "batches=2", f"output_dir={tmp_path}"]
    )
    table = indices(out)
    assert set(table["index"]) == {"mu", "mu_star", "sigma"}
    assert (out / "plots" / "morris_y.png").stat().st_size > 1000
    assert not (out / "convergence.csv").exists()


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            "sensitivity.parameters.leadership_effect.low=4",
            r"sensitivity parameter 'leadership_effect': low \(4\) must be below high "
            r"\(3.2\)",
        ),
        (
            "+sensitivity.parameters.leadershp_effect={low:0.1,high:0.2,source:test}",
            r"'leadershp_effect' \(did you mean 'leadership_effect'\?\) is not a model parameter",
        ),
        (
            "sensitivity.parameters.recovery_rate.high=1.5",
            r"'recovery_rate': its high end \(1.5\) is not allowed: parameter 'recovery_rate' = "
            r"1.5 is out of range; allowed: \[0.0, 1.0\]",
        ),
        (
            "+sensitivity.parameters.demand_level.lo=0.1",
            r"'demand_level': unknown key\(s\) \['lo'\]; allowed: low, high",
        ),
        (
            "sensitivity.bundles.organizational_bundle.effect_scale.high=5",
            r"'organizational_bundle.effect_scale': its high end \(5(\.0)?\) is not allowed: "
            r"setting 'strength' = [\d.]+ is out of range; allowed: \[0.0, 1.0\] \(settings of ",
        ),
        ("n=1000", r"power of two >= 2.*got 1000, try 512 or 1024"),
    ],
)
def test_bad_space_fails_fast_before_any_simulation(tmp_path, monkeypatch, override, message):
    """A bad range, unknown name or size is a clear ValueError; nothing is launched or written."""

    def no_launch(*args, **kwargs):
        raise AssertionError("launched despite a bad configuration")

    monkeypatch.setattr(sweep, "launch", no_launch)
    with pytest.raises(ValueError, match=message):
        sweep.run([override, f"output_dir={tmp_path / 'out'}"])
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_command_line_prints_the_output_folder_last_and_fails_fast(tmp_path):
    """The CLI's last line is the output folder; a bad range exits non-zero with the reason."""
    command = [sys.executable, "-m", "experiments.sensitivity", "sensitivity=ishigami", "n=8"]
    done = subprocess.run(
        [*command, "batches=2", f"output_dir={tmp_path / 'ok'}"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == str((tmp_path / "ok").resolve())
    assert "Time:" in done.stdout
    failed = subprocess.run(
        [*command, "sensitivity.parameters.x1.high=-4", f"output_dir={tmp_path / 'bad'}"],
        capture_output=True,
        text=True,
    )
    assert failed.returncode != 0
    assert "sensitivity parameter 'x1': low (-3.14159" in failed.stderr
    assert not (tmp_path / "bad").exists()


def test_row_seeds_share_a_block_and_prefix_the_larger_design():
    """Rows of a Saltelli block share a seed; an N design's seeds prefix the 2N design's."""
    small = jobs.row_seeds(7, "per_block", 4 * 5, 5)
    large = jobs.row_seeds(7, "per_block", 8 * 5, 5)
    np.testing.assert_array_equal(large[:20], small)
    assert len(set(small[:5])) == 1 and len(set(small[::5])) == 4
    assert len(set(jobs.row_seeds(7, "fixed", 20, 5))) == 1
    with pytest.raises(ValueError, match="seed_mode must be"):
        jobs.row_seeds(7, "per_row", 20, 5)


def test_bundle_settings_scale_member_defaults():
    """An effect scale multiplies the listed members' defaults; '*' reaches every member."""
    cfg, _ = sweep.compose_config([])
    space = space_config.parameter_space(cfg)
    settings = space_config.bundle_settings(
        cfg,
        space,
        "individual_bundle",
        {"individual_bundle.effect_scale": 2.0, "individual_bundle.half_life_scale": 0.5},
    )
    from sim.interventions import INTERVENTIONS

    def default(name):
        return INTERVENTIONS[name].settings_spec()["strength"].default

    assert settings["mindfulness.strength"] == pytest.approx(2.0 * default("mindfulness"))
    assert settings["counselling.strength"] == pytest.approx(2.0 * default("counselling"))
    assert settings["counselling.half_life_weeks"] == pytest.approx(4.0)
    assert settings["resilience_training.half_life_weeks"] == pytest.approx(6.5)


def test_a_resubmitted_batch_is_not_simulated_twice(tmp_path, monkeypatch):
    """A job whose pieces are already stored for the same design keeps them."""
    basic = ["sensitivity=ishigami", "n=8", "hydra/launcher=basic"]
    out = sweep.run([*basic, "batches=2", f"output_dir={tmp_path}"])
    cfg, _ = sweep.compose_config([*basic, f"design={out / 'design.npz'}", "batch=1"])
    design = jobs.load_design(cfg, out / "design.npz")
    paths = [
        jobs.chunk_store(out, design, 1).data_path(jobs.chunk_key(design, *piece))
        for piece in jobs.chunks(design, 1)
    ]
    before = [path.stat().st_mtime_ns for path in paths]
    monkeypatch.setitem(jobs.EVALUATORS, "ishigami", None)  # would fail if called
    assert jobs.run_batch(cfg) == 0
    assert [path.stat().st_mtime_ns for path in paths] == before


def test_a_spoiled_piece_is_recomputed_and_the_indices_are_unchanged(tmp_path, capsys):
    """A stored piece cut short is named and simulated again by a rerun; indices stay equal."""
    args = [
        "sensitivity=ishigami",
        "n=8",
        "batches=2",
        "hydra/launcher=basic",
        f"output_dir={tmp_path}",
    ]
    first = indices(sweep.run(args))
    cfg, _ = sweep.compose_config(args)
    design = jobs.load_design(cfg, tmp_path / "design.npz")
    start, stop = jobs.chunks(design, 1)[0]
    path = jobs.chunk_store(tmp_path, design, stop - start).data_path(
        jobs.chunk_key(design, start, stop)
    )
    path.write_bytes(path.read_bytes()[:50])
    again = indices(sweep.run(args))
    printed = capsys.readouterr()
    assert f"stored run {path} is invalid" in printed.out + printed.err
    pd.testing.assert_frame_equal(first, again)


def test_replicates_average_the_outputs_of_several_seeds():
    """With replicates=2 a sample's outputs are the mean of its seed's and a derived seed's."""
    cfg, _ = sweep.compose_config([*TINY, "replicates=2"])
    design = jobs.plan(cfg)
    row, seed = design.X[:1], int(design.seeds[0])
    averaged = jobs.simulate_workforce(cfg, design.space, row, design.seeds[:1])[0]
    names = [param.name for param in design.space.params]
    sampled = dict(zip(names, row[0].tolist(), strict=True))
    model_params = dict(cfg.model) | {k: v for k, v in sampled.items() if "." not in k}
    singles = [
        jobs.simulate_point(cfg, design.space, model_params, sampled, s)
        for s in (seed, jobs.replicate_seed(seed, 1))
    ]
    assert jobs.replicate_seed(seed, 1) != seed
    np.testing.assert_allclose(averaged, np.mean(singles, axis=0))


def test_seed_noise_is_half_the_mean_squared_difference_of_pairs():
    """Noise variance is estimated from base points re-run with other seeds."""
    design = np.array([[1.0], [5.0], [3.0], [7.0]])  # blocks of 2 rows: base points 1 and 3
    again = np.array([[2.0], [1.0]])
    table = seed_noise(design, again, 2, ["y"])
    noise_var = 0.5 * ((1 - 2) ** 2 + (3 - 1) ** 2) / 2
    assert table.loc[0, "noise_sd"] == pytest.approx(np.sqrt(noise_var))
    assert table.loc[0, "noise_share"] == pytest.approx(noise_var / np.var(design))


def test_default_space_covers_the_issue_list_with_sources():
    """At least 12 parameters, each with a source, covering the mechanisms issue 5 names."""
    cfg, _ = sweep.compose_config([])
    problem = jobs.plan(cfg).problem
    names = set(problem["names"])
    assert len(names) >= 16
    assert {
        "leadership_effect",
        "nonwork_strain",
        "engagement_buffer",
        "burnout_recovery_slowdown",
        "moral_distress_effect",
        "violence_level",
        "violence_effect",
        "recognition_effect",
        "recovery_rate",
        "exhaustion_rate",
        "burnout_contagion",
        "turnover_contagion",
        "intent_effect",
        "time_to_fill_days",
        "demand_level",
        "individual_bundle.effect_scale",
        "organizational_bundle.half_life_scale",
    } <= names
    assert all(len(source) > 10 for source in problem["sources"])
    assert cfg.burn_in_weeks == 104 and cfg.horizon_weeks == 260  # honest defaults
    model_only, _ = sweep.compose_config(["sensitivity=model_only", "contrast=null"])
    assert len(space_config.parameter_space(model_only).params) == 16  # the benchmark's space


def test_the_same_config_composes_for_a_slurm_cluster():
    """Only the launcher changes between a laptop and a SLURM cluster."""
    laptop, laptop_launcher = sweep.compose_config([])
    cluster, cluster_launcher = sweep.compose_config(
        ["hydra/launcher=submitit_slurm", "hydra.launcher.partition=short"]
    )
    assert (laptop_launcher, cluster_launcher) == ("JoblibLauncher", "SlurmLauncher")
    assert laptop == cluster
