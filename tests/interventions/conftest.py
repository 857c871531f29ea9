"""Fixtures for the intervention tests."""

import numpy as np
import pytest


@pytest.fixture
def neutral_post() -> np.ndarray:
    """Neutral values of the per-post levers (sim.modifiers order)."""
    return np.array([1.0, 1.0, 1.0, 1.0, 0.0])


@pytest.fixture
def neutral_unit() -> np.ndarray:
    """Neutral values of the per-unit levers (sim.modifiers order)."""
    return np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0])
