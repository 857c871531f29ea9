"""Tests of the sensitivity pipeline on the Ishigami function, whose indices are known."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from SALib import ProblemSpec

from analysis.sensitivity import (
    ISHIGAMI_ANALYTIC,
    TIDY_COLUMNS,
    UncertainParameter,
    analyze,
    build_problem,
    convergence,
    describe,
    ishigami,
    ishigami_analytic,
    merge_batches,
    plot_morris,
    plot_sobol,
    sample,
    split_batches,
)

ISHIGAMI_SOURCE = "Ishigami and Homma (1990): inputs uniform on [-pi, pi]"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def ishigami_params() -> list[UncertainParameter]:
    return [
        UncertainParameter(f"x{i}", -math.pi, math.pi, source=ISHIGAMI_SOURCE) for i in (1, 2, 3)
    ]


def with_dummy() -> list[UncertainParameter]:
    """Ishigami inputs plus x4, which the function ignores."""
    dummy = UncertainParameter("x4", 0.0, 1.0, source="assumption: a dummy input, no effect")
    return [*ishigami_params(), dummy]


def evaluate(X: np.ndarray) -> np.ndarray:
    """Ishigami on the first three columns, and a constant second output."""
    return np.column_stack([ishigami(X[:, :3]), np.full(len(X), 2.5)])


@pytest.fixture(scope="module")
def problem() -> ProblemSpec:
    return build_problem(ishigami_params(), ["y"])


@pytest.fixture(scope="module")
def sobol_2048(problem: ProblemSpec) -> tuple[np.ndarray, np.ndarray]:
    X = sample(problem, "sobol", 2048, seed=11)
    return X, ishigami(X)


@pytest.fixture(scope="module")
def morris_table() -> pd.DataFrame:
    problem = build_problem(with_dummy(), ["y", "constant"])
    X = sample(problem, "morris", 100, seed=5)
    return analyze(problem, X, evaluate(X), "morris", seed=5)


def indices(table: pd.DataFrame, index: str, output: str = "y") -> pd.Series:
    rows = table[(table["output"] == output) & (table["index"] == index)]
    return rows.set_index("parameter")["value"]


def test_ishigami_analytic_matches_published_values():
    """The derived Ishigami indices round to the published ones."""
    exact = ishigami_analytic()
    for index in ("S1", "ST"):
        np.testing.assert_allclose(exact[index], ISHIGAMI_ANALYTIC[index], atol=5e-5)


def test_build_problem_gives_salib_layout():
    """Bounds follow SALib's per-distribution layout; names, outputs and sources are kept."""
    params = [
        UncertainParameter("u", 0.0, 2.0, source="s1"),
        UncertainParameter("t", 1.0, 3.0, "triang", source="s2", mode=1.5),
        UncertainParameter("n", 10.0, 2.0, "norm", source="s3"),
        UncertainParameter("tn", 0.0, 1.0, "truncnorm", source="s4", mean=0.3, sd=0.2),
    ]
    problem = build_problem(params, ["a", "b"], known_names={"u", "t", "n", "tn", "other"})
    assert isinstance(problem, ProblemSpec)
    assert problem["names"] == ["u", "t", "n", "tn"]
    assert problem["bounds"] == [[0.0, 2.0], [1.0, 3.0, 0.25], [10.0, 2.0], [0.0, 1.0, 0.3, 0.2]]
    assert problem["dists"] == ["unif", "triang", "norm", "truncnorm"]
    assert problem["outputs"] == ["a", "b"]
    assert problem["sources"] == ["s1", "s2", "s3", "s4"]
    X = sample(problem, "sobol", 64, seed=0)
    assert X.shape == (64 * 6, 4)
    assert np.all((X[:, 1] >= 1.0) & (X[:, 1] <= 3.0))
    assert np.all((X[:, 3] >= 0.0) & (X[:, 3] <= 1.0))


def test_sobol_recovers_ishigami_indices(problem: ProblemSpec):
    """Sobol' S1 and ST at N=1024 are within 0.05 of the analytic values."""
    X = sample(problem, "sobol", 1024, seed=3)
    assert X.shape == (1024 * 5, 3)
    table = analyze(problem, X, ishigami(X), "sobol", seed=3)
    assert list(table.columns) == list(TIDY_COLUMNS)
    assert len(table) == 6
    for index in ("S1", "ST"):
        np.testing.assert_allclose(
            indices(table, index)[["x1", "x2", "x3"]], ISHIGAMI_ANALYTIC[index], atol=0.05
        )
    assert (table["conf"] > 0).all()
    assert (table["note"] == "").all()


def test_sobol_second_order_finds_the_x1_x3_interaction(problem: ProblemSpec):
    """S2 rows name pairs "a:b"; only x1:x3 interact (analytic S2 0.244, the others 0)."""
    X = sample(problem, "sobol", 512, seed=2, second_order=True)
    assert X.shape == (512 * 8, 3)
    table = analyze(problem, X, ishigami(X), "sobol", seed=2, second_order=True)
    s2 = indices(table, "S2")
    assert sorted(s2.index) == ["x1:x2", "x1:x3", "x2:x3"]
    assert s2["x1:x3"] > 0.1
    assert abs(s2["x1:x2"]) < 0.1 and abs(s2["x2:x3"]) < 0.1


def test_analysis_is_reproducible_with_seed_zero(problem: ProblemSpec):
    """Seed 0 fixes the bootstrap intervals too (SALib alone treats seed 0 as no seed)."""
    X = sample(problem, "sobol", 64, seed=0)
    first = analyze(problem, X, ishigami(X), "sobol", seed=0)
    second = analyze(problem, X, ishigami(X), "sobol", seed=0)
    pd.testing.assert_frame_equal(first, second)


def test_morris_screens_out_the_dummy_and_flags_x3_as_interacting(morris_table: pd.DataFrame):
    """Morris: x1-x3 all matter, the dummy has no effect, x3 acts through sign-changing effects.

    x3 matters only through its interaction with x1 (b x3^4 sin x1), so its elementary effects
    change sign: mu is small against mu*, and sigma exceeds mu*. mu* does not rank x3 below x1
    and x2 robustly (it depends on the grid), so that is not asserted. With 4 levels on
    [-pi, pi] every x2 step moves sin^2 x2 by 3/4 over a step of 2/3, so mu*(x2) = 7 * 9/8.
    """
    mu_star = indices(morris_table, "mu_star")
    mu = indices(morris_table, "mu")
    sigma = indices(morris_table, "sigma")
    assert mu_star["x4"] == 0.0 and sigma["x4"] == 0.0
    assert (mu_star[["x1", "x2", "x3"]] > 0.5 * mu_star.max()).all()
    assert sigma["x3"] > mu_star["x3"]
    assert abs(mu["x3"]) < 0.5 * mu_star["x3"]
    assert mu_star["x2"] == pytest.approx(7.0 * 9.0 / 8.0)
    conf = morris_table.set_index(["output", "parameter", "index"])["conf"]
    assert conf[("y", "x1", "mu_star")] > 0
    assert math.isnan(conf[("y", "x1", "mu")]) and math.isnan(conf[("y", "x1", "sigma")])


def test_batches_merged_out_of_order_give_identical_results(problem: ProblemSpec):
    """Samples split into batches, evaluated and returned shuffled reassemble exactly."""
    X = sample(problem, "sobol", 128, seed=4)
    batches = split_batches(X, 97)
    assert [start for start, _ in batches] == list(range(0, len(X), 97))
    results = [(start, ishigami(block)) for start, block in batches]
    order = np.random.default_rng(0).permutation(len(results))
    merged = merge_batches([results[i] for i in order], n_rows=len(X))
    np.testing.assert_array_equal(merged, ishigami(X))
    pd.testing.assert_frame_equal(
        analyze(problem, X, merged, "sobol", seed=1),
        analyze(problem, X, ishigami(X), "sobol", seed=1),
    )
    np.testing.assert_array_equal(merge_batches(reversed(batches)), X)


def test_merge_batches_rejects_gaps_overlaps_and_short_results():
    """A missing, repeated or short batch is an error naming the row, not a silent misfit."""
    rows = np.arange(10.0)
    batches = [(0, rows[:4]), (4, rows[4:8]), (8, rows[8:])]
    with pytest.raises(ValueError, match="row 8 leaves a gap: expected row 4"):
        merge_batches([batches[0], batches[2]])
    with pytest.raises(ValueError, match="row 4 overlaps"):
        merge_batches([*batches, (4, rows[4:8])])
    with pytest.raises(ValueError, match="hold 10 rows, expected 12"):
        merge_batches(batches, n_rows=12)


def test_analyze_rejects_shuffled_samples(problem: ProblemSpec):
    """Rows out of Saltelli or trajectory order would give wrong indices, so they are refused."""
    X = sample(problem, "sobol", 16, seed=0)
    shuffled = X[np.random.default_rng(1).permutation(len(X))]
    with pytest.raises(ValueError, match="not in Saltelli order"):
        analyze(problem, shuffled, ishigami(shuffled), "sobol", seed=0)
    with pytest.raises(ValueError, match="second_order"):
        analyze(problem, X[:-5], ishigami(X[:-5]), "sobol", seed=0, second_order=True)
    M = sample(problem, "morris", 10, seed=0)
    M = M[np.random.default_rng(1).permutation(len(M))]
    with pytest.raises(ValueError, match="not Morris trajectories"):
        analyze(problem, M, ishigami(M), "morris", seed=0)


def test_low_not_below_high_names_parameter_and_values():
    """A reversed range names the parameter and both values."""
    with pytest.raises(
        ValueError,
        match=r"sensitivity parameter 'violence_effect': low \(0.5\) must be below high \(0.2\)",
    ):
        UncertainParameter("violence_effect", 0.5, 0.2, source="assumption: test")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dist": "gamma"}, "unknown dist 'gamma'; allowed: 'unif'.*'triang'.*'norm'"),
        ({"source": " "}, "source is empty; give a citation"),
        ({"dist": "triang"}, "dist 'triang' needs 'mode'"),
        ({"dist": "triang", "mode": 5.0}, r"mode \(5.0\) must lie in \[low, high\)"),
        ({"mode": 0.5}, "'mode' is only used by dist 'triang'"),
        (
            {"low": 0.0, "high": -1.0, "dist": "norm"},
            r"for dist 'norm' high is the standard deviation \(-1.0\); it must be > 0",
        ),
        ({"low": 0.0, "dist": "logunif"}, r"for dist 'logunif' low \(0.0\) must be > 0"),
        ({"low": float("nan")}, "low must be finite"),
    ],
)
def test_invalid_parameter_messages_name_the_parameter(kwargs: dict, message: str):
    """Each validation rule raises ValueError naming the parameter and what is allowed."""
    fields = {"name": "recognition_effect", "low": 0.1, "high": 1.0, "source": "cited"} | kwargs
    with pytest.raises(ValueError, match="sensitivity parameter 'recognition_effect': " + message):
        UncertainParameter(**fields)


def test_build_problem_rejects_unknown_and_duplicate_names():
    """Unknown names are listed with the valid ones (and a close match); duplicates are named."""
    params = [UncertainParameter("leadershp_score", 0.0, 1.0, source="assumption: test")]
    with pytest.raises(
        ValueError,
        match=r"'leadershp_score' \(did you mean 'leadership_score'\?\) is not a model "
        r"parameter; valid names: demand_level, leadership_score",
    ):
        build_problem(params, ["y"], known_names=["leadership_score", "demand_level"])
    with pytest.raises(ValueError, match=r"repeated: 'x1' \(2 times\)"):
        build_problem([*ishigami_params(), ishigami_params()[0]], ["y"])
    with pytest.raises(ValueError, match=r"repeated: 'y'"):
        build_problem(ishigami_params(), ["y", "y"])


def test_sample_rejects_bad_sizes_methods_and_unbounded_morris(problem: ProblemSpec):
    """Sobol' n must be a power of two; Morris needs bounded inputs and even levels."""
    with pytest.raises(ValueError, match="must be a power of two >= 2.*got 1000, try 512 or 1024"):
        sample(problem, "sobol", 1000, seed=0)
    with pytest.raises(ValueError, match="unknown sensitivity method 'fast'; allowed: sobol"):
        sample(problem, "fast", 64, seed=0)
    with pytest.raises(ValueError, match="morris_levels must be an even integer"):
        sample(problem, "morris", 10, seed=0, morris_levels=5)
    normal = build_problem([UncertainParameter("trust", 0.5, 0.1, "norm", source="cited")], ["y"])
    with pytest.raises(ValueError, match=r"sensitivity parameter 'trust' \(norm\): Morris"):
        sample(normal, "morris", 10, seed=0)


def test_constant_output_gives_nan_sobol_indices_and_a_note():
    """A constant output yields NaN Sobol' indices with a note, without a crash or warning."""
    problem = build_problem(with_dummy(), ["y", "constant"])
    X = sample(problem, "sobol", 64, seed=0, second_order=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = analyze(problem, X, evaluate(X), "sobol", seed=0, second_order=True)
    constant = table[table["output"] == "constant"]
    assert len(constant) == 4 + 4 + 6
    assert constant["value"].isna().all() and constant["conf"].isna().all()
    assert constant["note"].str.startswith("output is constant").all()
    assert table.loc[table["output"] == "y", "value"].notna().all()
    assert "constant" in describe(table, "constant")


def test_constant_output_gives_zero_morris_effects(morris_table: pd.DataFrame):
    """Elementary effects of a constant output are exactly zero, with a note."""
    constant = morris_table[morris_table["output"] == "constant"]
    assert (constant["value"] == 0.0).all()
    assert constant["note"].str.startswith("output is constant").all()
    assert "no parameter changes it" in describe(morris_table, "constant")


def test_non_finite_output_is_an_error(problem: ProblemSpec):
    """A failed run (NaN output) is reported with its row, not turned into NaN indices."""
    X = sample(problem, "sobol", 16, seed=0)
    Y = ishigami(X)
    Y[7] = np.nan
    with pytest.raises(ValueError, match="output 'y' has 1 non-finite values .*row 7"):
        analyze(problem, X, Y, "sobol", seed=0)


@pytest.mark.parametrize("second_order", [False, True])
def test_first_rows_of_a_2n_sobol_sample_are_the_n_sample(problem: ProblemSpec, second_order):
    """SALib's Saltelli rows come base point by base point, so an N design prefixes the 2N one."""
    small = sample(problem, "sobol", 256, seed=9, second_order=second_order)
    large = sample(problem, "sobol", 512, seed=9, second_order=second_order)
    np.testing.assert_array_equal(large[: len(small)], small)


def test_convergence_table_for_ishigami(problem: ProblemSpec, sobol_2048):
    """S1 and ST at N=1024 and 2048 differ by less than 0.05 on Ishigami."""
    X, Y = sobol_2048
    table = convergence(problem, X, Y, seed=1, tolerance=0.05)
    assert list(table.columns) == [
        "output",
        "parameter",
        "index",
        "n",
        "value_n",
        "value_2n",
        "abs_change",
        "converged",
    ]
    assert len(table) == 3 * 2
    assert (table["n"] == 1024).all()
    assert table["converged"].dtype == bool and table["converged"].all()
    half = analyze(problem, X[: 1024 * 5], Y[: 1024 * 5], "sobol", seed=1)
    np.testing.assert_array_equal(table["value_n"], half["value"])
    assert not convergence(problem, X, Y, seed=1, tolerance=1e-6)["converged"].any()
    with pytest.raises(ValueError, match="base size 2N"):
        convergence(problem, X[: 5 * 1000], Y[: 5 * 1000])


def test_plots_write_png_files(tmp_path, problem: ProblemSpec, sobol_2048, morris_table):
    """Both plots write non-empty PNG files, also for a constant output."""
    X, Y = sobol_2048
    sobol_table = analyze(problem, X, Y, "sobol", seed=0)
    paths = [
        plot_sobol(sobol_table, "y", tmp_path / "sobol.png"),
        plot_sobol(sobol_table, "y", tmp_path / "sobol_noise.png", noise_share=0.1),
        plot_morris(morris_table, "y", tmp_path / "nested" / "morris.png"),
        plot_morris(morris_table, "y", tmp_path / "morris_noise.png", noise_mu_star=1.0),
        plot_morris(morris_table, "constant", tmp_path / "morris_constant.png"),
    ]
    for path in paths:
        assert path.stat().st_size > 1000
        assert path.read_bytes()[:8] == PNG_MAGIC
    with pytest.raises(ValueError, match="outputs with them: y"):
        plot_sobol(sobol_table, "missing", tmp_path / "none.png")


def test_describe_names_the_parameters_that_matter(problem: ProblemSpec, sobol_2048, morris_table):
    """describe() lists x1 and x2 (and x3) as mattering and the dummy as not."""
    X, Y = sobol_2048
    text = describe(analyze(problem, X, Y, "sobol", seed=0), "y")
    matter = text.split("Matter, most first:")[1].split("\n")[0]
    assert matter.index("x1") < matter.index("x2") < matter.index("x3")
    assert "x3 (ST 0.2" in matter and "mostly through interactions" in matter
    morris_text = describe(morris_table, "y")
    matter, rest = morris_text.split("Matter, most first:")[1].split("Do not matter:")
    assert all(name in matter for name in ("x1", "x2", "x3"))
    assert "x4" in rest and "x4" not in matter
