"""Writing output files safely, shared by the experiments, the analysis and the dashboard."""
