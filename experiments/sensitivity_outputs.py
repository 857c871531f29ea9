"""Outputs of the sensitivity analysis: indices, plots, seed noise, the summary, the run record."""

import json
import math
import warnings
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from analysis.sensitivity import analyze, convergence, describe, plot_morris, plot_sobol
from experiments.records import provenance, write_text_atomic
from experiments.sensitivity_jobs import Design


def analyse(cfg: DictConfig, design: Design, Y: np.ndarray, out_dir: Path) -> str:
    """Write indices, plots, convergence, noise and the text summary; return the summary."""
    with warnings.catch_warnings():
        # Bundle settings leave the status quo arm unchanged, so SALib sees identical runs.
        warnings.filterwarnings("ignore", message="Constant values encountered")
        return _analyse(cfg, design, Y, out_dir)


def _analyse(cfg: DictConfig, design: Design, Y: np.ndarray, out_dir: Path) -> str:
    problem, n = design.problem, design.n_design
    names, outputs = problem["names"], problem["outputs"]
    runs = pd.DataFrame(design.X, columns=names)
    runs.insert(0, "seed", design.seeds)
    runs.insert(0, "kind", np.where(np.arange(len(runs)) < n, "design", "noise_check"))
    runs[outputs] = Y
    runs.to_csv(out_dir / "runs.csv", index_label="row")
    X, Y_design = design.X[:n], Y[:n]
    options = {"seed": cfg.seed, "second_order": cfg.second_order}
    table = analyze(
        problem,
        X,
        Y_design,
        cfg.method,
        num_resamples=cfg.num_resamples,
        morris_levels=cfg.morris_levels,
        **options,
    )
    table.to_csv(out_dir / "indices.csv", index=False)
    lines = [
        f"Sensitivity of {len(outputs)} outputs to {len(names)} parameters "
        f"({cfg.method}, n={cfg.n}, {n} samples)."
    ]
    noise = None
    if design.noise_rows:
        noise = seed_noise(Y_design, Y[n:], design.block, outputs)
        noise.to_csv(out_dir / "noise.csv", index=False)
    conv = None
    if cfg.method == "sobol" and cfg.n >= 4:
        conv = convergence(
            problem,
            X,
            Y_design,
            num_resamples=cfg.num_resamples,
            tolerance=cfg.convergence_tolerance,
            **options,
        ).rename(columns={"n": "n_half", "value_n": "value_half_n", "value_2n": "value_n"})
        conv.to_csv(out_dir / "convergence.csv", index=False)
    for output in outputs:
        path = out_dir / "plots" / f"{cfg.method}_{output}.png"
        if cfg.method == "sobol":
            share = None if noise is None else noise.set_index("output").at[output, "noise_share"]
            plot_sobol(table, output, path, noise_share=share)
        else:
            floor = None if noise is None else noise_mu_star(noise, output, cfg.morris_levels)
            plot_morris(table, output, path, noise_mu_star=floor)
        lines += ["", describe(table, output, threshold=cfg.threshold)]
        if noise is not None:
            lines.append(
                _noise_text(
                    table, noise, output, design.noise_rows, cfg.threshold, cfg.morris_levels
                )
            )
        if conv is not None:
            rows = conv[conv["output"] == output]
            if rows["abs_change"].notna().any():  # NaN at N/2 when an output did not vary there
                worst = rows.loc[rows["abs_change"].idxmax()]
                verdict = "settled" if bool(rows["converged"].iloc[0]) else "NOT settled"
                lines.append(
                    f"Convergence: largest change of S1/ST from N={cfg.n // 2} to N={cfg.n} is "
                    f"{worst['abs_change']:.3f} ({worst['parameter']} {worst['index']}): "
                    f"{verdict} at tolerance {cfg.convergence_tolerance:g}."
                )
    text = "\n".join(lines)
    write_text_atomic(out_dir / "summary.txt", text + "\n")
    return text


def _noise_text(
    table: pd.DataFrame,
    noise: pd.DataFrame,
    output: str,
    pairs: int,
    threshold: float,
    morris_levels: int,
) -> str:
    row = noise.set_index("output").loc[output]
    share, noise_sd = row["noise_share"], row["noise_sd"]
    text = (
        f"Seed noise: {share:.0%} of the output's variance (sd {noise_sd:.3g} between "
        f"seeds against {row['output_sd']:.3g} across the sample, from {pairs} re-runs)"
    )
    if not np.isfinite(share):
        return text + "."
    rows = table[table["output"] == output]
    # A parameter change re-draws the whole stochastic path, so noise enters every index.
    if "ST" in set(rows["index"]):
        # An ST above the cut-off whose interval reaches down to the noise share.
        total = rows[rows["index"] == "ST"]
        suspect = total[(total["value"] > threshold) & (total["value"] - total["conf"] <= share)]
    else:
        floor = noise_mu_star(noise, output, morris_levels)
        text += f"; a change that re-draws the random path gets mu* of about {floor:.3g} from it"
        mu_star = rows[rows["index"] == "mu_star"]
        cutoff = threshold * mu_star["value"].max()
        suspect = mu_star[(mu_star["value"] > cutoff) & (mu_star["value"] <= 1.5 * floor)]
    if suspect.empty:
        return text + "."
    listed = ", ".join(suspect.sort_values("value", ascending=False)["parameter"])
    return text + f"; the effects of {listed} cannot be told from it."


def noise_mu_star(noise: pd.DataFrame, output: str, morris_levels: int) -> float:
    """The Morris mu* that seed noise alone gives an input without any effect.

    An elementary effect is (y1 - y2) / delta, unscaled, with delta = levels / (2 (levels - 1))
    on the unit scale (SALib); with noise of sd s, y1 - y2 ~ N(0, 2 s^2) and its mean absolute
    value is 2 s / sqrt(pi).
    """
    noise_sd = float(noise.set_index("output").at[output, "noise_sd"])
    delta = morris_levels / (2.0 * (morris_levels - 1))
    return 2.0 * noise_sd / (math.sqrt(math.pi) * delta)


def seed_noise(
    Y_design: np.ndarray, Y_again: np.ndarray, block: int, outputs: Sequence[str]
) -> pd.DataFrame:
    """Seed-to-seed noise of each output from base points re-run with another seed.

    The first row of block ``i`` was re-run as row ``i`` of ``Y_again``; half the mean squared
    difference of a pair estimates the noise variance at that point (Var(a - b) = 2 Var).

    Returns:
        One row per output: ``noise_sd``, ``output_sd`` (over the design) and
        ``noise_share`` (noise variance over output variance; NaN for a constant output).
    """
    first = Y_design[np.arange(len(Y_again)) * block]
    noise_var = 0.5 * np.mean((first - Y_again) ** 2, axis=0)
    output_var = np.var(Y_design, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(output_var > 0, noise_var / output_var, np.nan)
    return pd.DataFrame(
        {
            "output": list(outputs),
            "noise_sd": np.sqrt(noise_var),
            "output_sd": np.sqrt(output_var),
            "noise_share": share,
            "pairs": len(Y_again),
        }
    )


def record_run(
    cfg: DictConfig,
    overrides: Sequence[str],
    design: Design,
    launcher: str,
    timings: Mapping[str, float],
    n_arms: int,
    out_dir: Path,
) -> None:
    """Write ``run_info.json``: config, overrides, seeds, sizes, versions, commit and timings."""
    info = {
        "command": "python -m experiments.sensitivity " + " ".join(overrides),
        "overrides": list(overrides),
        "config": OmegaConf.to_container(cfg, resolve=True),
        "launcher": launcher,
        "seed": cfg.seed,
        "seed_mode": cfg.seed_mode,
        "design_digest": design.digest,
        "samples": design.n_design,
        "noise_check_rows": design.noise_rows,
        "arms": n_arms,
        "replicates": cfg.get("replicates", 1),
        "simulations": len(design.X) * n_arms * cfg.get("replicates", 1),
        "batches": design.n_batches,
        "batch_size": design.batch_size,
        "parameters": [
            {"name": name, "bounds": bounds, "dist": dist, "source": source}
            for name, bounds, dist, source in zip(
                design.problem["names"],
                design.problem["bounds"],
                design.problem["dists"],
                design.problem["sources"],
                strict=True,
            )
        ],
        "timings": dict(timings),
        **provenance(),
        "finished": datetime.now().isoformat(timespec="seconds"),
    }
    write_text_atomic(out_dir / "run_info.json", json.dumps(info, indent=2, default=str) + "\n")


def timing_text(
    cfg: DictConfig, design: Design, launcher: str, timings: Mapping[str, float], n_arms: int
) -> str:
    """How many runs were simulated and where the time went."""
    samples = len(design.X)
    line = f"Time: {timings['total_s']:.1f} s in all; "
    if n_arms:
        replicates = cfg.get("replicates", 1)
        sims = samples * n_arms * replicates
        per_sim = 1e3 * timings["simulation_job_sum_s"] / sims
        line = (
            f"Simulated {design.n_design} + {design.noise_rows} (noise check) samples x "
            f"{n_arms} arms x {replicates} seeds = {sims} runs of "
            f"{cfg.model.n_workers} workers over {cfg.burn_in_weeks} + {cfg.horizon_weeks} weeks "
            f"({per_sim:.1f} ms per run in the jobs).\n" + line
        )
    return line + (
        f"setup and sampling {timings['setup_and_sampling_s']:.1f} s, simulation "
        f"{timings['simulation_wall_s']:.1f} s ({design.n_batches} jobs via {launcher}; jobs "
        f"computed {timings['simulation_job_sum_s']:.1f} s), "
        f"analysis {timings['analysis_s']:.1f} s."
    )
