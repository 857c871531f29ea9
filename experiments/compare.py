r"""The main comparison job: every intervention and bundle against no intervention.

Usage::

    python -m experiments.compare                                   # the main comparison
    python -m experiments.compare experiment=quick                  # a smoke run in seconds
    python -m experiments.compare replicates=80 model.demand_level=1.1
    python -m experiments.compare --multirun model.demand_level=1.0,1.2 organization=\
        community_hospital,long_term_care                           # one comparison per point
    python -m experiments.compare hydra/launcher=cluster jobs=64 \
        hydra.launcher.partition=short                              # the same on SLURM

Stages (:func:`run`):

1. **Compose and check** ``conf/config.yaml`` with the overrides, once per sweep point (with
   ``--multirun``, the points of Hydra's basic sweeper). Types are checked by the structured
   config (:mod:`experiments.schema`), values against their allowed ranges, and every arm is
   built once, all before any simulation.
2. **Simulate** as one Hydra multirun over ``batch=range(jobs)`` (and the swept settings) through
   the configured launcher: joblib on this machine, submitit on a cluster, basic in-process. A
   job runs a share of the (scenario, seed) pairs. For each pair the organization is built and
   burned in once, then copied for every arm (``copy.deepcopy``) and the arm's interventions
   start on the copy at week 0, exactly as if passed to the constructor: arms share the seed and
   the burn-in (common random numbers). Each arm's weekly metrics are saved atomically under
   ``runs_dir/<key>.npz``, the key a hash of everything that determines the run (model
   parameters, scenario, weeks, the arm's settings, the model code) and its seed, so a rerun
   after an interruption (or a sweep that repeats a point) skips what is stored.
3. **Gather and write** to one folder: tidy weekly results (``weekly.parquet``), outcomes per run
   (``outcomes.csv``), the summary (``summary.csv``, ``summary.md``: differences from no
   intervention with 95 % intervals), three figures, ``report.html`` and ``run_info.json``
   (config, seeds, versions, commit, timings); a sweep writes one such folder per point and
   ``sweep_summary.csv`` beside them. The summary is printed; the output folder is the last
   line printed.
"""

import copy
import hashlib
import logging
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import hydra
import numpy as np
import pandas as pd
from hydra import compose, initialize_config_module
from hydra.errors import HydraException, MissingConfigException
from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from experiments import schema
from experiments.hydra_job import hydra_argv, quote_override
from experiments.records import config_hash, save_npz_atomic, write_text_atomic

CONFIG_MODULE = "conf"
CONFIG_NAME = "config"
RECORD_VERSION = 1
"""Layout of a stored run; part of its key, so a change of layout never reads old runs."""

DRIVER_KEYS = ("batch", "runs_dir", "output_dir")
"""Keys the driver sets for the jobs itself."""


class ConfigurationError(ValueError):
    """A bad option or override, found before any simulation."""


def progress(message: str) -> None:
    """One line of progress on stderr (visible from joblib and basic jobs)."""
    print(f"compare: {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Configuration


def compose_config(overrides: Sequence[str]) -> tuple[DictConfig, dict[str, Any]]:
    """Compose ``conf/config.yaml`` with ``overrides`` and check every value.

    Returns:
        The config without its ``hydra`` node, and facts from that node: ``launcher`` (class
        name) and ``choices`` (the option picked in each config group).

    Raises:
        ValueError: On an unknown key, a value of the wrong type or out of range, or an unknown
            option, naming it (Hydra's and OmegaConf's messages included).
    """
    try:
        with initialize_config_module(config_module=CONFIG_MODULE, version_base="1.3"):
            cfg = compose(CONFIG_NAME, overrides=list(overrides), return_hydra_config=True)
    except MissingConfigException as error:
        group, _, option = str(error.missing_cfg_file or "").rpartition("/")
        if not group:
            raise ValueError(str(error).replace("\n", " ")) from error
        raise ValueError(
            f"{group}: no option {option!r} (no file conf/{group}/{option}.yaml); allowed: "
            f"{', '.join(group_options(group))}"
        ) from error
    except (HydraException, OmegaConfBaseException) as error:
        cause = f" ({error.__cause__})" if error.__cause__ else ""
        raise ValueError(f"{error}{cause}".replace("\n", " ")) from error
    facts = {
        "launcher": str(cfg.hydra.launcher.get("_target_", "?")).rsplit(".", 1)[-1],
        "choices": OmegaConf.to_container(cfg.hydra.runtime.choices),
    }
    with open_dict(cfg):
        del cfg["hydra"]
    schema.validate(cfg)
    return cfg, facts


def group_options(group: str) -> list[str]:
    """The options of a config group of ``conf/`` (its YAML files)."""
    folder = resources.files(CONFIG_MODULE).joinpath(group)
    if not folder.is_dir():
        return []
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def sweep_points(overrides: Sequence[str], multirun: bool) -> tuple[list[list[str]], set[str]]:
    """The override lists of each point of the sweep (one list without ``--multirun``).

    Returns:
        The points, and the keys swept.

    Raises:
        ValueError: If a sweep (``a,b``, ``range()``) is given without ``--multirun``.
    """
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    try:
        parsed = OverridesParser.create().parse_overrides(list(overrides))
    except HydraException as error:
        raise ValueError(str(error)) from error
    sweeps = [o for o in parsed if o.is_sweep_override()]
    if not multirun:
        if sweeps:
            listed = ", ".join(o.input_line for o in sweeps)
            raise ValueError(f"{listed}: a sweep needs --multirun")
        return [list(overrides)], set()
    points = [list(p) for batch in BasicSweeper.split_arguments(parsed, None) for p in batch]
    return points, {o.key_or_group for o in sweeps}


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """The seed of each replicate; the first k are the same for any number of replicates."""
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(replicates)]


@cache
def code_fingerprint() -> str:
    """A hash of the model's source (``sim/``): stored runs of other model code never match."""
    import sim

    digest = hashlib.sha256()
    root = Path(sim.__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def arm_spec(cfg: DictConfig, arm: str) -> dict[str, Any]:
    """What an arm builds: ``{"build": name or None, "settings": {...}}``."""
    if arm == schema.REFERENCE_ARM:
        return {"build": None, "settings": {}}
    node = cfg.intervention[arm]
    return {"build": str(node.build), "settings": schema.build_settings(node)}


def run_key(cfg: DictConfig, scenario: str, arm: str, seed: int) -> str:
    """Key of one run: a hash of everything that determines it, and its seed."""
    return config_hash(
        {
            "model": asdict(schema.model_parameters(cfg)),
            "scenario": str(cfg.scenario[scenario].name),
            "burn_in_weeks": int(cfg.burn_in_weeks),
            "horizon_weeks": int(cfg.horizon_weeks),
            "arm": arm_spec(cfg, arm),
            "code": code_fingerprint(),
            "record": RECORD_VERSION,
        },
        seed,
    )


def run_path(cfg: DictConfig, scenario: str, arm: str, seed: int) -> Path:
    """Where the run is stored."""
    return Path(cfg.runs_dir) / f"{run_key(cfg, scenario, arm, seed)}.npz"


def planned_runs(cfg: DictConfig) -> Iterator[tuple[str, int, int, str]]:
    """Every run of the comparison: (scenario, replicate, seed, arm)."""
    seeds = replicate_seeds(cfg.seed, cfg.replicates)
    for scenario in cfg.scenario:
        for replicate, seed in enumerate(seeds):
            for arm in schema.arm_names(cfg):
                yield scenario, replicate, seed, arm


# --------------------------------------------------------------------------------------------
# Simulation (inside each Hydra job)


def simulate_pair(cfg: DictConfig, scenario: str, seed: int) -> int:
    """Simulate every arm not yet stored for one scenario and seed; return how many ran.

    The organization is built and burned in once; each arm runs on a copy of it (the last on
    the original), so the arms share the seed and the burn-in, and an arm's result does not
    depend on which other arms ran.
    """
    from sim import WorkforceModel
    from sim.interventions import build
    from sim.metrics import weekly_metrics

    todo = [arm for arm in schema.arm_names(cfg) if not run_path(cfg, scenario, arm, seed).exists()]
    if not todo:
        return 0
    params = asdict(schema.model_parameters(cfg))
    base = WorkforceModel(
        rng=seed,
        scenario=str(cfg.scenario[scenario].name),
        burn_in_weeks=int(cfg.burn_in_weeks),
        collect_data=False,
        **params,
    )
    for i, arm in enumerate(todo):
        model = base if i == len(todo) - 1 else copy.deepcopy(base)
        spec = arm_spec(cfg, arm)
        if spec["build"] is not None:
            model.start_interventions(build(spec["build"], **spec["settings"]))
        weekly = np.empty((int(cfg.horizon_weeks), model.metric_values.size))
        for week in range(int(cfg.horizon_weeks)):
            model.step()
            weekly_metrics(model)
            weekly[week] = model.metric_values
        save_npz_atomic(
            run_path(cfg, scenario, arm, seed),
            weekly=weekly,
            costs=model.ledger.totals.copy(),
            seed=seed,
        )
    return len(todo)


def run_batch(cfg: DictConfig) -> int:
    """Hydra task: simulate job ``cfg.batch``'s share of the (scenario, seed) pairs.

    Pairs are dealt round-robin over ``cfg.jobs`` jobs. Returns the number of runs simulated.
    """
    logging.getLogger("MESA").setLevel(logging.WARNING)
    if cfg.batch is None:
        raise ValueError(
            "run_batch is a job of the comparison; run `python -m experiments.compare`"
        )
    batch, jobs = int(cfg.batch), int(cfg.jobs)
    seeds = replicate_seeds(cfg.seed, cfg.replicates)
    pairs = [(s, r) for r in range(len(seeds)) for s in cfg.scenario]
    mine = pairs[batch::jobs] if batch < jobs else []
    simulated = 0
    for done, (scenario, replicate) in enumerate(mine, start=1):
        began = time.perf_counter()
        ran = simulate_pair(cfg, scenario, seeds[replicate])
        simulated += ran
        progress(
            f"job {batch + 1}/{jobs}: {scenario} replicate {replicate + 1}/{len(seeds)}: "
            + (f"{ran} arms in {time.perf_counter() - began:.1f} s" if ran else "stored")
            + f" [{done}/{len(mine)}]"
        )
    return simulated


_hydra_jobs = hydra.main(
    config_path=f"pkg://{CONFIG_MODULE}", config_name=CONFIG_NAME, version_base="1.3"
)(run_batch)


def launch(overrides: Sequence[str], out_dir: Path, runs_dir: Path, jobs: int) -> None:
    """Run the jobs as one Hydra multirun (the user's sweeps times ``batch=range(jobs)``)."""
    args = [
        "--multirun",
        *overrides,
        f"runs_dir={quote_override(runs_dir)}",
        f"batch=range(0,{jobs})",
        f"hydra.sweep.dir={quote_override(out_dir / 'jobs')}",
    ]
    with hydra_argv(args):
        _hydra_jobs()


# --------------------------------------------------------------------------------------------
# Gathering and outputs


def gather(cfg: DictConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read every run back: tidy weekly rows, and one row of cost totals per run.

    Raises:
        RuntimeError: If a run is missing (a job failed; its log is under ``jobs/``).
    """
    from sim.accounting import COST_ITEMS
    from sim.week_close import INTEGER_METRICS, METRIC_KEYS

    labels, blocks, costs = [], [], []
    for scenario, replicate, seed, arm in planned_runs(cfg):
        path = run_path(cfg, scenario, arm, seed)
        if not path.exists():
            raise RuntimeError(f"run {scenario}/{arm}/seed {seed} is missing ({path})")
        with np.load(path) as stored:
            blocks.append(stored["weekly"])
            costs.append(stored["costs"])
        labels.append((scenario, arm, replicate, seed))
    weeks = int(cfg.horizon_weeks)
    index = pd.DataFrame(labels, columns=["scenario", "arm", "replicate", "seed"])
    weekly = pd.DataFrame(np.concatenate(blocks), columns=list(METRIC_KEYS))
    for key in INTEGER_METRICS:
        weekly[key] = weekly[key].astype(np.int64)
    weekly = pd.concat(
        [index.loc[index.index.repeat(weeks)].reset_index(drop=True), weekly], axis=1
    )
    run_costs = pd.concat(
        [index, pd.DataFrame(np.array(costs), columns=[f"cost_{c}" for c in COST_ITEMS])], axis=1
    )
    for frame in (weekly, run_costs):
        frame["scenario"] = pd.Categorical(frame["scenario"], categories=list(cfg.scenario))
        frame["arm"] = pd.Categorical(frame["arm"], categories=schema.arm_names(cfg))
        frame["seed"] = frame["seed"].astype(np.int64)
    return weekly, run_costs


def arm_levels(cfg: DictConfig) -> dict[str, str]:
    """Each arm's level: individual, organizational, system, bundle (or none)."""
    from sim.interventions import INTERVENTIONS

    levels = {schema.REFERENCE_ARM: "none"}
    for arm, node in cfg.intervention.items():
        cls = INTERVENTIONS.get(str(node.build))
        levels[arm] = cls.level if cls is not None else "bundle"
    return levels


def default_output_dir(choices: dict[str, Any]) -> Path:
    """``outputs/compare/<date>/<time>_<experiment>`` under the working directory."""
    now = datetime.now()
    name = choices.get("experiment") or "compare"
    return Path("outputs") / "compare" / now.strftime("%Y-%m-%d") / f"{now:%H-%M-%S}_{name}"


def point_folder(out_dir: Path, number: int, point: Sequence[str], swept: set[str]) -> Path:
    """Folder of one sweep point: ``<number>_<swept key=value,...>`` (out_dir if no sweep)."""
    if not swept:
        return out_dir
    parts = [o for o in point if o.split("=", 1)[0].lstrip("+~") in swept]
    slug = re.sub(r"[^A-Za-z0-9_.=,+-]+", "_", ",".join(parts))[:120]
    return out_dir / f"{number:03d}_{slug}"


def write_sweep_summary(out_dir: Path, points: Sequence[Sequence[str]], swept: set[str]) -> Path:
    """``sweep_summary.csv``: every point's summary rows, with the swept values as columns."""
    frames = []
    for number, point in enumerate(points):
        folder = point_folder(out_dir, number, point, swept)
        frame = pd.read_csv(folder / "summary.csv")
        values = dict(o.lstrip("+~").split("=", 1) for o in point if "=" in o)
        for position, key in enumerate(sorted(swept)):
            frame.insert(position, key, values.get(key))
        frame.insert(0, "folder", folder.name)
        frames.append(frame)
    path = out_dir / "sweep_summary.csv"
    write_text_atomic(path, pd.concat(frames, ignore_index=True).to_csv(index=False))
    return path


def parse_args(argv: Sequence[str]) -> tuple[list[str], bool]:
    """Split ``--multirun``/``-m`` from the overrides.

    Raises:
        ValueError: On any other ``-`` option.
    """
    multirun = False
    overrides = []
    for arg in argv:
        if arg in ("--multirun", "-m"):
            multirun = True
        elif arg.startswith("-"):
            raise ValueError(f"unknown option {arg!r}; allowed: --multirun (-m) and key=value")
        else:
            overrides.append(arg)
    return overrides, multirun


def run(argv: Sequence[str] = ()) -> Path:
    """Run the whole job (see the module docstring); return the output folder."""
    from experiments.compare_outputs import write_outputs

    began = time.perf_counter()
    logging.getLogger("MESA").setLevel(logging.WARNING)
    try:
        user_overrides, multirun = parse_args(argv)
        points, swept = sweep_points(user_overrides, multirun)
        composed = [compose_config(point) for point in points]
    except ValueError as error:
        raise ConfigurationError(str(error)) from error
    facts = composed[0][1]
    first = composed[0][0]
    out_dir = Path(first.output_dir) if first.output_dir else default_output_dir(facts["choices"])
    out_dir = out_dir.resolve()
    runs_dir = Path(first.runs_dir).resolve()
    passed = [o for o in user_overrides if o.split("=", 1)[0].lstrip("+~") not in DRIVER_KEYS]
    total = todo = 0
    for cfg, _ in composed:
        with open_dict(cfg):
            cfg.runs_dir = str(runs_dir)
        for scenario, _, seed, arm in planned_runs(cfg):
            total += 1
            todo += not run_path(cfg, scenario, arm, seed).exists()
    jobs = max(int(cfg.jobs) for cfg, _ in composed)
    progress(
        f"{len(points)} point(s), {total} runs ({total - todo} already stored in {runs_dir}); "
        f"{todo} to simulate in {jobs} job(s) per point via {facts['launcher']}"
    )
    planned = time.perf_counter()
    if todo:
        launch(passed, out_dir, runs_dir, jobs)
    simulated = time.perf_counter()
    texts = []
    for number, (point, (cfg, point_facts)) in enumerate(zip(points, composed, strict=True)):
        folder = point_folder(out_dir, number, point, swept)
        timings = {
            "setup_s": planned - began,
            "simulation_wall_s": simulated - planned,
            "runs": total,
            "runs_simulated": todo,
        }
        texts.append(write_outputs(cfg, point, point_facts, folder, timings))
    if swept:
        write_sweep_summary(out_dir, points, swept)
    for text in texts:
        print(text)
    print(
        f"Time: {time.perf_counter() - began:.1f} s in all; simulation {simulated - planned:.1f} s "
        f"({todo} of {total} runs simulated, the rest read from {runs_dir})."
    )
    return out_dir


def main() -> None:
    """Command-line entry: run with ``sys.argv`` overrides; print the output folder last."""
    logging.getLogger("MESA").setLevel(logging.WARNING)
    if {"-h", "--help"} & set(sys.argv[1:]):
        print(__doc__)
        return
    try:
        out_dir = run(sys.argv[1:])
    except ConfigurationError as error:
        sys.exit(f"experiments.compare: {error}")
    print(out_dir, flush=True)


if __name__ == "__main__":
    # Run through the importable module, so launchers pickle the job function by reference.
    from experiments import compare

    compare.main()
