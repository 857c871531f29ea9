r"""Policies for a health system of many organizations sharing one labour market (issue 14).

For each scenario (the outside pressure) and replicate seed, one system
(``conf/system_app/system/``: a region of 44 organizations by default, ``national``, ``tiny``) is
built and burned in; every policy then runs on a copy of it for ``horizon_weeks`` (common random
numbers). Policies (sim.system.policies): no policy; a government minimum nurse-staffing ratio
in hospitals; a government cap on agency pay; more training places; each hospital's own safe
staffing.

Usage (a Hydra app over ``conf/system_app/system.yaml``, a config module of its own;
``--help``, ``--cfg job`` and ``--multirun`` work)::

    python -m experiments.system                                  # or: burnout-system ...
    python -m experiments.system system=national seeds=1 scenarios=[baseline]
    python -m experiments.system experiment=quick                 # seconds
    python -m experiments.system policies=[no_policy,agency_pay_cap] +market.agency_pay_cap=0.3
    python -m experiments.system experiment=quick --multirun seed=1,2 hydra/launcher=cluster

``experiment=NAME`` picks a preset of ``conf/system_app/experiment/`` (the command's own search
path, as ``experiments.calibrate``'s, so the main comparison's ``conf/experiment/`` does not
clash). A ``--multirun`` runs one job per point through the configured launcher (``basic`` by
default; ``joblib``; ``cluster``, a SLURM job array: ``conf/launchers/hydra/launcher/``), each
into its own subfolder, and prints the sweep folder last.

Writes into a new output folder (``outputs/system/<date>/<time>_<system>``): ``system.csv``
(per scenario and policy: who can act, vacancies by sector, nurses leaving the profession,
agency spend, burnout, sickness absence, total cost, their spread across organizations, each
with its mean difference from no policy), ``runs.csv`` (the same per seed), ``organizations.csv``
(one row per organization, run), ``flows.csv`` and ``flows.png`` (where each sector's leavers
went), ``sectors.csv`` and ``evidence.csv`` (published system figures beside the model's,
:mod:`analysis.system_evidence`), ``report.html`` (for analysts: a top line per scenario, the
tables and figure, :mod:`analysis.system_report`) and ``run_info.json`` (config, seeds,
timings, versions); prints a summary and the folder last. A bad setting stops the command with
one line naming it before anything runs.
"""

import copy
import dataclasses
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import DictConfig, OmegaConf

from analysis.report import write_report
from analysis.system import plot_flows, system_table
from analysis.system_evidence import evidence_table, sector_measures
from analysis.system_report import report_parts
from experiments.hydra_app import ConfigModuleCommand, model_values
from experiments.hydra_job import whole_setting
from experiments.job_folder import mark_complete, mark_incomplete
from experiments.records import provenance, write_json_atomic
from experiments.runner import replicate_seeds
from sim.parameters import ModelParameters
from sim.scenarios import make_scenario
from sim.system import HealthSystem, MarketParameters, parse_groups
from sim.system.config import SECTORS
from sim.system.market import DESTINATIONS
from sim.system.outcomes import organization_table, system_outcomes
from sim.system.policies import policy

COMMAND = "python -m experiments.system"
CONFIG_NAME = "system"
CONFIG_MODULE = "conf.system_app"
"""The command's config module: its config, its ``system`` group and ``experiment`` presets."""
OUTCOMES = [
    *(f"vacancy_rate_{s}" for s in SECTORS),
    "vacancy_rate",
    "nurses_left_profession",
    "cost_agency_premium",
    "agency_hours",
    "burnout_prevalence",
    "sickness_absence_rate",
    "annual_turnover_rate",
    "days_to_fill",
    "total_cost",
    "net_gain_of_gaining_orgs",
    "burnout_prevalence_p10_orgs",
    "burnout_prevalence_p90_orgs",
    "vacancy_rate_p10_orgs",
    "vacancy_rate_p90_orgs",
]


@dataclass(frozen=True)
class SystemSettings:
    """Checked settings of one system experiment."""

    name: str
    organizations: tuple[dict[str, Any], ...]
    policies: tuple[str, ...]
    scenarios: tuple[str, ...]
    market: dict[str, Any]
    params: dict[str, Any]
    burn_in_weeks: int
    horizon_weeks: int
    seeds: tuple[int, ...]


def _names(cfg: DictConfig, key: str) -> tuple[str, ...]:
    value = OmegaConf.to_container(cfg[key]) if OmegaConf.is_list(cfg[key]) else cfg[key]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ValueError(f"setting {key!r} = {value!r}; allowed: a non-empty list of names")
    if len(set(value)) != len(value):
        raise ValueError(f"setting {key!r} = {value}; allowed: each name once")
    return tuple(value)


def settings_from(cfg: DictConfig) -> SystemSettings:
    """Check every setting of a composed ``conf/system_app/system.yaml`` before any simulation.

    Raises:
        ValueError: Naming the setting, its value and what is allowed.
    """
    organizations = OmegaConf.to_container(cfg.system.organizations, resolve=True)
    parse_groups(organizations)  # type: ignore[arg-type]
    policies = _names(cfg, "policies")
    for name in policies:
        policy(name)
    if "no_policy" not in policies:
        raise ValueError(f"setting 'policies' = {list(policies)}; allowed: a list with no_policy")
    scenarios = _names(cfg, "scenarios")
    for name in scenarios:
        make_scenario(name)
    market = OmegaConf.to_container(cfg.market, resolve=True)
    if not isinstance(market, Mapping):
        raise ValueError(f"setting 'market' = {market!r}; allowed: a mapping of settings")
    MarketParameters.from_kwargs(**market)
    params = model_values(cfg.model)
    taken = sorted({"n_workers", "organization"} & set(params))
    if taken:
        raise ValueError(f"setting(s) {['model.' + k for k in taken]} are set by system=")
    ModelParameters.from_kwargs(**params)
    seed = whole_setting("seed", cfg.seed, 0, 2**63 - 1)
    return SystemSettings(
        name=str(cfg.system.name),
        organizations=tuple(organizations),  # type: ignore[arg-type]
        policies=policies,
        scenarios=scenarios,
        market=dict(market),
        params=params,
        burn_in_weeks=whole_setting("burn_in_weeks", cfg.burn_in_weeks, 0, 1040),
        horizon_weeks=whole_setting("horizon_weeks", cfg.horizon_weeks, 1, 1040),
        seeds=tuple(replicate_seeds(seed, whole_setting("seeds", cfg.seeds, 1, 1000))),
    )


def simulate(settings: SystemSettings) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Every scenario, seed and policy: (outcomes per run, organizations, flows)."""
    runs, orgs, flows = [], [], []
    for scenario in settings.scenarios:
        for seed in settings.seeds:
            base = HealthSystem(
                settings.organizations,
                rng=seed,
                pressure=scenario,
                burn_in_weeks=settings.burn_in_weeks,
                collect_data=False,
                market=settings.market,
                **settings.params,
            )
            for name in settings.policies:
                chosen = policy(name)
                model = copy.deepcopy(base)
                model.apply_policy(chosen)
                model.run_for(settings.horizon_weeks)
                keys = {"scenario": scenario, "policy": name, "actor": chosen.actor, "seed": seed}
                runs.append({**keys, **system_outcomes(model)})
                orgs.append(organization_table(model).assign(**keys))
                for i, sector in enumerate(SECTORS):
                    for j, destination in enumerate(DESTINATIONS):
                        leavers = int(model.market.flows[i, j]) if model.market else 0
                        flows.append({**keys, "sector": sector, "destination": destination,
                                      "leavers": leavers})  # fmt: skip
    return pd.DataFrame(runs), pd.concat(orgs, ignore_index=True), pd.DataFrame(flows)


def run(settings: SystemSettings, out_dir: Path, record: Mapping[str, Any]) -> dict[str, Any]:
    """Simulate, write every output into ``out_dir`` and return the summary table's records."""
    mark_incomplete(out_dir, str(record.get("command", COMMAND)))
    began = time.perf_counter()
    runs, orgs, flows = simulate(settings)
    simulated = time.perf_counter()
    table = system_table(runs, OUTCOMES)
    table.to_csv(out_dir / "system.csv", index=False)
    runs.to_csv(out_dir / "runs.csv", index=False)
    orgs.to_csv(out_dir / "organizations.csv", index=False)
    flows.to_csv(out_dir / "flows.csv", index=False)
    sectors = sector_measures(orgs, settings.horizon_weeks)
    sectors.to_csv(out_dir / "sectors.csv", index=False)
    evidence = evidence_table(sectors)
    evidence.to_csv(out_dir / "evidence.csv", index=False)
    plot_flows(flows, out_dir / "flows.png")
    facts = {
        "Command": str(record.get("command", COMMAND)),
        "System": f"{settings.name}, {len(settings.seeds)} seed(s), {settings.horizon_weeks} weeks",
        "Seeds": ", ".join(str(s) for s in settings.seeds),
        "Code version": str(provenance().get("git_commit")),
    }
    write_report(
        out_dir / "report.html", **report_parts(table, evidence, out_dir / "flows.png", facts)
    )
    info = {
        **record,
        "settings": dataclasses.asdict(settings),
        "seeds": list(settings.seeds),
        "workers": int(sum(g.size * g.count for g in parse_groups(settings.organizations))),
        "timings": {
            "simulation_s": simulated - began,
            "writing_s": time.perf_counter() - simulated,
        },
        **provenance(),
    }
    write_json_atomic(out_dir / "run_info.json", info)
    mark_complete(out_dir)
    return {"table": table}


def summary_text(summary: dict[str, Any], settings: SystemSettings) -> str:
    """A short table of the headline outcomes per scenario and policy."""
    shown = ["scenario", "policy", "actor", "vacancy_rate_long_term_care", "vacancy_rate_hospital"]
    shown += ["nurses_left_profession", "burnout_prevalence", "total_cost"]
    text = summary["table"][shown].to_string(index=False, float_format=lambda v: f"{v:.3g}")
    return f"{settings.name}: {len(settings.seeds)} seed(s)\n{text}"


COMMAND_LINE = ConfigModuleCommand(
    "experiments.system", CONFIG_MODULE, CONFIG_NAME, settings_from, run, summary_text
)
"""The command: ``python -m experiments.system [key=value ...]``."""


def main() -> None:
    """Command-line entry: check the command line (one line if bad), then run."""
    COMMAND_LINE.main()


if __name__ == "__main__":
    main()
