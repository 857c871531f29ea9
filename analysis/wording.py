"""Numbers as a person reads them: US dollars in words, intervals, and the top line per scenario.

Every amount is US dollars: ``$12.3 million`` from a million up, else whole dollars rounded to the
hundred (``$540,000``, ``$61,100``). No cell or sentence shows ``inf``: a ratio that is not
defined says why. Estimates in prose read ``-$21.9 million (95 % interval -$23.6 to -$20.1
million)``.
"""

import math

import pandas as pd

from analysis import labels

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
NO_DEPARTURES = "not defined: no departures avoided"


def _finite(value: float) -> bool:
    return value is not None and math.isfinite(float(value))


def number(value: float, decimals: int = 1, scale: float = 1.0) -> str:
    """``value * scale`` with thousands separators; never ``-0``; NaN as ``not available``."""
    if not _finite(value):
        return "not available" if value is None or math.isnan(float(value)) else "not defined"
    text = f"{float(value) * scale:,.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text[1:].replace(",", "")) == 0 else text


def money(value: float) -> str:
    """US dollars: ``$12.3 million``, ``-$540,000``, ``$61,100``, ``$900``."""
    if not _finite(value):
        return number(value)
    sign = "-" if value < 0 and abs(value) >= 50 else ""  # no "-$0"
    size = abs(float(value))
    if size >= 999_950:
        return f"{sign}${size / 1e6:,.1f} million"
    return f"{sign}${round(size, -2):,.0f}"


def money_range(low: float, high: float) -> str:
    """``-$23.6 to -$20.1 million``; each end with its own unit when they differ."""
    ends = money(low), money(high)
    if all(end.endswith(" million") for end in ends):
        return f"{ends[0].removesuffix(' million')} to {ends[1]}"
    return f"{ends[0]} to {ends[1]}"


def interval(low: float, high: float, fmt: str = "number", decimals: int = 1) -> str:
    """The ends of a 95 % interval; an infinite end is named as not defined, never ``inf``."""
    show = money if fmt == "money" else (lambda v: number(v, decimals))
    if not (_finite(low) or _finite(high)):
        both_nan = all(v is None or math.isnan(float(v)) for v in (low, high))
        return "" if both_nan else "not defined"
    if not _finite(high):
        return f"{show(low)} or more, upper end not defined"
    if not _finite(low):
        return f"up to {show(high)}, lower end not defined"
    return money_range(low, high) if fmt == "money" else f"{show(low)} to {show(high)}"


def estimate(
    mean: float, low: float, high: float, fmt: str = "number", decimals: int = 1, prose: bool = True
) -> str:
    """``-$21.9 million (95 % interval -$23.6 to -$20.1 million)``; in tables without the words.

    Args:
        mean: The estimate.
        low: Lower end of its 95 % interval (NaN: none).
        high: Upper end (NaN: none).
        fmt: ``"money"`` for US dollars, else a plain number.
        decimals: Decimals of a plain number.
        prose: Name the interval ("95 % interval ...") as a sentence needs.
    """
    head = money(mean) if fmt == "money" else number(mean, decimals)
    ends = interval(low, high, fmt, decimals)
    if not _finite(mean) or not ends:
        return head
    return f"{head} (95 % interval {ends})" if prose else f"{head} ({ends})"


def per_departure(mean: float, low: float, high: float, prose: bool = True) -> str:
    """Cost per departure avoided in words: a negative ratio saves money while keeping staff.

    ``not defined: no departures avoided`` when the arm avoids none on average (the ratio is NaN);
    an end of the interval is not defined when too many resamples avoid none.
    """
    if not _finite(mean):
        return NO_DEPARTURES

    def one(value: float) -> str:
        if not _finite(value):
            return "not defined"
        return f"saves {money(-value)}" if value < 0 else money(value)

    head = f"saves {money(-mean)}" if mean < 0 else money(mean)
    head += " per departure avoided" if prose else ""
    if not (_finite(low) or _finite(high)) and math.isnan(float(low)) and math.isnan(float(high)):
        return head
    if not _finite(high):
        ends = f"{one(low)} or more; upper end not defined: some resamples avoid no departures"
    else:
        ends = f"{one(low)} to {one(high)}"
    return f"{head} (95 % interval {ends})" if prose else f"{head} ({ends})"


def duration(weeks: int | None) -> str:
    """``over five years``, ``over 20 weeks``; ``over the horizon`` when not known."""
    if weeks is None:
        return "over the horizon"
    years, rest = divmod(int(weeks), 52)
    if rest == 0 and 1 <= years < len(NUMBER_WORDS):
        return f"over {NUMBER_WORDS[years]} year{'s' if years > 1 else ''}"
    return f"over {int(weeks)} weeks"


def points(mean: float) -> str:
    """A difference in shares as signed percentage points: ``-10.6 points``."""
    return f"{number(mean, 1, 100.0)} points"


def top_line(rows: pd.DataFrame, horizon_weeks: int | None = None) -> str:
    """One sentence for one scenario: which arm lowers burnout most, which saves most money.

    An arm lowers burnout when the whole 95 % interval of its difference lies below zero; it saves
    money when the whole interval of its difference in total cost (its own cost included) does.
    """
    name = str(rows["scenario"].iloc[0])
    span = duration(horizon_weeks)
    best = rows.loc[rows["burnout_prevalence_mean"].idxmin()]
    clear = rows[rows["burnout_prevalence_high"] < 0]
    best_is_clear = bool(best["burnout_prevalence_high"] < 0)
    if best_is_clear:
        burnout = (
            f"{labels.arm_in_sentence(best['arm'])} lowers burnout most "
            f"({points(best['burnout_prevalence_mean'])})"
        )
    elif len(clear):
        surest = clear.loc[clear["burnout_prevalence_mean"].idxmin()]
        burnout = (
            f"{labels.arm_in_sentence(best['arm'])} lowers burnout most on average "
            f"({points(best['burnout_prevalence_mean'])}, but its interval includes no change) "
            f"and {labels.arm_in_sentence(surest['arm'])} most of those that clearly do "
            f"({points(surest['burnout_prevalence_mean'])})"
        )
    else:
        burnout = "none of the interventions clearly lowers burnout"
    savers = rows[rows["total_cost_high"] < 0]
    if len(savers):
        saver = savers.loc[savers["total_cost_mean"].idxmin()]
        subject = (
            "it also" if saver["arm"] == best["arm"] and best_is_clear else None
        ) or labels.arm_in_sentence(saver["arm"])
        money_text = (
            f"{subject} saves most money ({money(-saver['total_cost_mean'])} {span}, "
            "its own cost included)"
        )
    else:
        cheapest = rows.loc[rows["total_cost_mean"].idxmin()]
        mean = cheapest["total_cost_mean"]
        money_text = (
            "none clearly saves money; the least costly, "
            f"{labels.arm_in_sentence(cheapest['arm'])}, "
            + (f"costs {money(mean)} more" if mean > 0 else f"saves {money(-mean)} on average")
            + f" {span}, its own cost included"
        )
    return f"{labels.scenario_phrase(name)}, {burnout}; {money_text}."


def top_lines(summary: pd.DataFrame, horizon_weeks: int | None = None) -> list[str]:
    """:func:`top_line` for each scenario of the summary, in its order."""
    scenarios = summary["scenario"].astype(str)
    return [
        top_line(summary[scenarios == name], horizon_weeks) for name in dict.fromkeys(scenarios)
    ]
