"""Config module of experiments.system_fit (its own search path: its `experiment` group)."""
