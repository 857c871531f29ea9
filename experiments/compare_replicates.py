"""Replicates of the main comparison: their seeds and, with a posterior, their parameter sets.

Replicate ``r`` runs seed ``r`` of :func:`experiments.runner.replicate_seeds`; with
``posterior=NAME`` (or a path) it also runs a parameter set of that ensemble
(:mod:`sim.posterior`, drawn as :func:`experiments.runner.replicates` says). Every arm and
scenario of a replicate shares its seed and parameter set (common random numbers).
"""

from dataclasses import asdict
from typing import Any

from omegaconf import DictConfig

from experiments import schema
from experiments.runner import Replicate, posterior_at, replicates
from sim.parameters import ModelParameters


def replicates_of(cfg: DictConfig) -> list[Replicate]:
    """Every replicate of the comparison: seed, and posterior draw if ``cfg.posterior`` is set.

    Replicate ``r`` runs seed ``r`` of :func:`experiments.runner.replicate_seeds`; with a
    posterior, parameter set ``draw_indices(ceil(replicates / seeds_per_draw), seed)[r //
    seeds_per_draw]`` with the parameters of ``cfg.pinned`` (those set by ``model.<param>=``)
    kept at their configured values. Every arm and scenario of a replicate shares both.
    """
    posterior = posterior_at(str(cfg.posterior)) if cfg.posterior is not None else None
    return replicates(
        int(cfg.seed), int(cfg.replicates), posterior, int(cfg.seeds_per_draw), list(cfg.pinned)
    )


def replicate_parameters(cfg: DictConfig, replicate: Replicate) -> dict[str, Any]:
    """The model parameters of a replicate: ``cfg.model`` with its draw's parameter set."""
    params = asdict(schema.model_parameters(cfg))
    return asdict(ModelParameters.from_kwargs(**{**params, **replicate.parameters}))


def posterior_record(cfg: DictConfig) -> dict[str, Any] | None:
    """What ``run_info.json`` says of the posterior used (None: the configured parameters)."""
    if cfg.posterior is None:
        return None
    from sim.posterior import posterior_files

    posterior = posterior_at(str(cfg.posterior))
    draws = [r.draw for r in replicates_of(cfg)]
    summary = {
        key: value if isinstance(value, str | int | float | bool) or value is None else len(value)
        for key, value in posterior.provenance.items()
    }
    return {
        "name": posterior.name,
        "path": str(posterior_files(str(cfg.posterior))[0].resolve()),
        "n_sets": len(posterior),
        "effective_size": round(posterior.effective_size, 1),
        "provenance": summary,
        "seeds_per_draw": int(cfg.seeds_per_draw),
        "pinned": list(cfg.pinned),
        "draws": list(dict.fromkeys(draws)),
        "replicate_draws": draws,
    }
