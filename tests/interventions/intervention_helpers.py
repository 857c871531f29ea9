"""Small, fast models for the intervention tests (imported by the test modules)."""

from sim.model import WorkforceModel

SMALL = {"n_workers": 120, "burn_in_weeks": 20}


def small_model(interventions=(), seed: int = 3, **params) -> WorkforceModel:
    """A 120-post organization after a short burn-in."""
    return WorkforceModel(rng=seed, interventions=list(interventions), **{**SMALL, **params})


def apply_once(model: WorkforceModel) -> float:
    """Run stage 0 alone: reset the levers and apply every intervention (returns the cost)."""
    return model.apply_interventions()
