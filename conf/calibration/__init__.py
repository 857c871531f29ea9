"""Config module of experiments.calibrate (its own search path: its `experiment` group)."""
