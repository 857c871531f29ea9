"""Analyses of simulation output: sensitivity, calibration checks and figures."""
