"""Global sensitivity analysis of model outputs with SALib (Sobol' indices and Morris screening).

The pipeline is data in, tables out, and knows nothing about the model:

1. Declare each uncertain input as an :class:`UncertainParameter` (range, distribution and the
   source of both) and turn them into a SALib problem with :func:`build_problem`.
2. Draw the design with :func:`sample`, hand it to parallel jobs with :func:`split_batches` and
   put their outputs back in order with :func:`merge_batches`.
3. Compute the indices as one tidy table with :func:`analyze`, check that Sobol' estimates have
   settled with :func:`convergence`, and report them with :func:`plot_sobol`,
   :func:`plot_morris` and :func:`describe`.

The Ishigami function (:func:`ishigami`, :data:`ISHIGAMI_ANALYTIC`) has known indices and tests
the pipeline end to end.
"""

from analysis.sensitivity.design import (
    ALLOWED_DISTS,
    CONF_LEVEL,
    CONSTANT_OUTPUT_NOTE,
    METHODS,
    MIN_MORRIS_TRAJECTORIES,
    MIN_SOBOL_N,
    MORRIS_GUIDE_RATIOS,
    TIDY_COLUMNS,
    UNBOUNDED_DISTS,
    UncertainParameter,
    build_problem,
    merge_batches,
    sample,
    split_batches,
)
from analysis.sensitivity.indices import analyze, convergence
from analysis.sensitivity.ishigami import ISHIGAMI_ANALYTIC, ishigami, ishigami_analytic
from analysis.sensitivity.plots import describe, plot_morris, plot_sobol

__all__ = [
    "ALLOWED_DISTS",
    "CONF_LEVEL",
    "CONSTANT_OUTPUT_NOTE",
    "ISHIGAMI_ANALYTIC",
    "METHODS",
    "MIN_MORRIS_TRAJECTORIES",
    "MIN_SOBOL_N",
    "MORRIS_GUIDE_RATIOS",
    "TIDY_COLUMNS",
    "UNBOUNDED_DISTS",
    "UncertainParameter",
    "analyze",
    "build_problem",
    "convergence",
    "describe",
    "ishigami",
    "ishigami_analytic",
    "merge_batches",
    "plot_morris",
    "plot_sobol",
    "sample",
    "split_batches",
]
