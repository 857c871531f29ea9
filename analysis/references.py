"""Citations in report text: full references from ``docs/references.md`` and links to them.

The code cites sources as author and year ("Aiken 2002", "Lee & Cha 2023") and the project's
source documents as "seed 003 takeaway 7" or "seed 000". For a reader, :func:`plain` names the
source documents in words (roundtable summary, commentary) and :func:`linked` turns every
citation that ``docs/references.md`` lists into a link to its entry. Each entry there carries an
HTML anchor ``<a id="aiken-2002"></a>``: the key is the first author's surname in lower-case
letters, a hyphen and the year (:func:`key`).
"""

import html
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

PATH = Path(__file__).resolve().parents[1] / "docs" / "references.md"
"""The repository's list of references."""

SOURCE_DOCUMENTS = "the project's source documents (roundtable summary and commentary)"

CITATION = re.compile(
    r"\b(?P<author>[A-Z][A-Za-z'\u2019]+)(?:(?: &| and) [A-Z][A-Za-z'\u2019]+| et al\.?)?"
    r" (?P<year>(?:19|20)\d\d)(?P<suffix>b?)\b"
)
ANCHOR = re.compile(r'<a id="(?P<id>[a-z0-9-]+)"></a>')
# The project's source documents as cited in the code, and how a reader sees them.
SEED_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bseed 003,? (takeaways?)"), r"roundtable summary, \1"),
    (re.compile(r"\bseed 003\b"), "roundtable summary"),
    (re.compile(r"\bseed 000\b"), "commentary"),
    (re.compile(r"\bseeds\b"), SOURCE_DOCUMENTS),
    (re.compile(r"(?:\.\./)?(?:shared/)?evidence\.md"), "the project's evidence notes"),
)
DOCUMENTS = re.compile(r"\b(?P<doc>roundtable summary|commentary)\b")
DOCUMENT_KEYS = {"roundtable summary": "source-roundtable", "commentary": "source-commentary"}


def key(author: str, year: str | int, suffix: str = "") -> str:
    """The anchor of a citation: ``key("Dall'Ora", 2015) == "dallora-2015"``."""
    return f"{re.sub(r'[^a-z]', '', author.lower())}-{year}{suffix}"


@cache
def entries(path: Path = PATH) -> dict[str, str]:
    """Anchor -> the entry's text (Markdown emphasis removed), for every entry of the list."""
    found: dict[str, str] = {}
    text = path.read_text(encoding="utf-8")
    for item in re.split(r"\n(?=- )", text):
        item = item.split("\n\n", 1)[0]  # an entry ends at a blank line
        ids = ANCHOR.findall(item)
        if not ids:
            continue
        body = " ".join(ANCHOR.sub("", item).removeprefix("- ").split())
        body = body.replace("**", "").replace("*", "")
        for anchor in ids:
            found[anchor] = body
    return found


def plain(text: str) -> str:
    """Source documents in words: "seed 003 takeaway 7" -> "roundtable summary, takeaway 7"."""
    for pattern, words in SEED_WORDS:
        text = pattern.sub(words, text)
    return text


def cited(texts: Iterable[str], known: Mapping[str, str] | None = None) -> list[str]:
    """Anchors of the listed sources cited in ``texts`` (after :func:`plain`), first seen first."""
    known = entries() if known is None else known
    keys: dict[str, None] = {}
    for text in texts:
        text = plain(str(text))
        for match in re.finditer(f"{CITATION.pattern}|{DOCUMENTS.pattern}", text):
            anchor = _anchor(match)
            if anchor in known:
                keys[anchor] = None
    return list(keys)


def _anchor(match: re.Match[str]) -> str:
    if match.group("doc"):
        return DOCUMENT_KEYS[match.group("doc")]
    return key(match.group("author"), match.group("year"), match.group("suffix"))


def linked(text: str, href: str = "#ref-", known: Mapping[str, str] | None = None) -> str:
    """Escaped HTML of :func:`plain` text, each listed citation a link to ``href + anchor``."""
    known = entries() if known is None else known
    text = plain(str(text))
    out, last = [], 0
    for match in re.finditer(f"{CITATION.pattern}|{DOCUMENTS.pattern}", text):
        anchor = _anchor(match)
        if anchor not in known:
            continue
        out.append(html.escape(text[last : match.start()]))
        out.append(f'<a href="{html.escape(href + anchor)}">{html.escape(match.group(0))}</a>')
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def reference_list(anchors: Iterable[str], document: str, prefix: str = "ref-") -> str:
    """An HTML list of full references, each with an id for :func:`linked`.

    Each entry links to its anchor in ``document`` (the relative path of ``docs/references.md``).
    """
    known = entries()
    items = "".join(
        f'<li id="{prefix}{a}">{html.escape(known[a])} '
        f'<a href="{html.escape(document)}#{a}">docs/references.md#{a}</a></li>'
        for a in anchors
    )
    return f"<ol>{items}</ol>"
