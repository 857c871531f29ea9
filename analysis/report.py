"""A self-contained HTML report: one file with the figures inside, to open and forward.

Figures are embedded as base64 PNG, styles are inline, and nothing is fetched from the network,
so the file reads the same offline, in a mail client's preview or from an archive.
"""

import base64
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from artifacts.atomic import write_text_atomic

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto;
       max-width: 72em; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.82em; margin: 0.6em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
figure { margin: 1em 0; } figure img { max-width: 100%; }
figcaption { font-size: 0.9em; color: #555; }
.note { color: #555; font-size: 0.9em; }
dt { font-weight: 600; margin-top: 0.4em; } dd { margin-left: 1.2em; }
pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; font-size: 0.8em; }
"""


@dataclass(frozen=True)
class Figure:
    """A PNG file to embed, with its caption."""

    path: Path
    caption: str


@dataclass(frozen=True)
class Section:
    """A titled block of the report; ``body`` is HTML (build it with the helpers below)."""

    title: str
    body: str


def embed_png(path: str | Path) -> str:
    """A ``data:`` URI of a PNG file."""
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def paragraph(text: str) -> str:
    """Escaped text as a paragraph."""
    return f"<p>{html.escape(text)}</p>"


def definitions(items: Mapping[str, str], raw: bool = False) -> str:
    """A definition list of escaped terms and meanings (meanings already HTML when ``raw``)."""
    rows = "".join(
        f"<dt>{html.escape(term)}</dt><dd>{meaning if raw else html.escape(meaning)}</dd>"
        for term, meaning in items.items()
    )
    return f"<dl>{rows}</dl>"


def table(frame: pd.DataFrame, raw: Sequence[str] = ()) -> str:
    """A DataFrame as an escaped HTML table without its index; ``raw`` columns are HTML already."""
    if not raw:
        return frame.to_html(index=False, escape=True, border=0, na_rep="")
    cells = frame.astype(object).where(frame.notna(), "")
    for column in cells.columns:
        if column not in raw:
            cells[column] = [html.escape(str(value)) for value in cells[column]]
    cells.columns = [html.escape(str(c)) for c in cells.columns]
    return cells.to_html(index=False, escape=False, border=0, na_rep="")


def figure(item: Figure) -> str:
    """A figure embedded as a data URI, with its caption."""
    caption = html.escape(item.caption)
    return (
        f'<figure><img alt="{caption}" src="{embed_png(item.path)}">'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def bullets(items: Sequence[str]) -> str:
    """Escaped lines as a bulleted list."""
    return "<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>"


def heading(text: str, level: int = 3) -> str:
    """An escaped sub-heading of a section."""
    return f"<h{level}>{html.escape(text)}</h{level}>"


def details(summary: str, body: str) -> str:
    """A collapsed block (for long reference tables)."""
    return f"<details><summary>{html.escape(summary)}</summary>{body}</details>"


def render(
    title: str,
    intro: str,
    headline: Sequence[str],
    results: str,
    figures: Sequence[Figure],
    sections: Sequence[Section],
    top: Sequence[str] = (),
) -> str:
    """The whole report as one HTML string.

    Args:
        title: Page title.
        intro: What was compared, in a sentence or two (plain text).
        headline: Plain-text lines of the main findings.
        results: HTML of the results table.
        figures: Figures, embedded in order.
        sections: Further sections (assumptions, provenance), in order.
        top: Plain-text top lines (one per scenario), shown first, before the introduction.
    """
    figs = "".join(figure(f) for f in figures)
    rest = "".join(
        f'<h2 id="{_slug(s.title)}">{html.escape(s.title)}</h2>{s.body}' for s in sections
    )
    brief = (
        '<h2 id="in-brief">In brief</h2><ul>'
        + "".join(f"<li><strong>{html.escape(line)}</strong></li>" for line in top)
        + "</ul>"
        if top
        else ""
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{brief}{paragraph(intro)}"
        f"<h2>Main findings</h2>{bullets(headline)}"
        f"<h2>Results</h2>{results}"
        f"<h2>Figures</h2>{figs}"
        f"{rest}</body></html>\n"
    )


def _slug(title: str) -> str:
    """An id for a section's heading: lower-case words joined by hyphens."""
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())


def write_report(path: str | Path, **parts: object) -> Path:
    """Render the report (arguments of :func:`render`) and write it atomically."""
    return write_text_atomic(path, render(**parts))  # type: ignore[arg-type]
