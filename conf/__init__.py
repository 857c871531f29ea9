"""Hydra configuration tree of burnout-sim (loaded as a config module)."""
