"""Config module of experiments.system (its own search path: its `experiment` group)."""
