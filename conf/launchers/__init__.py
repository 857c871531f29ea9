"""Configs shared by every command's config module: ``hydra/launcher/cluster.yaml`` (SLURM).

Added to each app's search path by ``hydra_plugins/burnout_sim_search_path``.
"""
