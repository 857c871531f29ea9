"""Entry points: experiments, trials, sensitivity analysis, benchmarks."""
