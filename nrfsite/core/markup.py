"""Sanitized Markdown with citation markers: "Massoud called for talks.[@wapo-2021-08-18-massoud, p. 2]"

Editors write Markdown (CommonMark plus tables and strikethrough). Raw HTML is
not markup here: it is shown as text, and the HTML that Markdown produces is
cleaned by nh3 (the Rust `ammonia` sanitizer) against a short allowlist, so no
script, event handler or `javascript:` link can reach a page whatever is typed.

A marker `[@key]`, `[@key, locator]` or a group `[@a; @b, p. 4]` cites sources. `render()` replaces each
marker with what a `cite` callback returns (a footnote link on public pages).
"""

import html
import re
import secrets
from dataclasses import dataclass

import nh3
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

KEY_PATTERN = r"[A-Za-z0-9](?:[A-Za-z0-9_.:-]*[A-Za-z0-9_])?"
# Pandoc's syntax: "[@key]", "[@key, p. 4]", and groups "[@a; @b, p. 4]".
MARKER = re.compile(r"\[(?P<body>\s*@[^\[\]\n]{1,1000})\]")
_ITEM = re.compile(rf"^\s*@(?P<key>{KEY_PATTERN})(?:\s*,\s*(?P<locator>[^;]{{1,200}}?))?\s*$")

# Characters that are never content: NUL and the bidirectional overrides and
# isolates that can make text read differently from what is stored.
_INVISIBLE = re.compile("[\x00\u202a-\u202e\u2066-\u2069]")

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "sup",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "sup": {"id", "class"},
    "ol": {"start"},
    "th": {"class"},
    "td": {"class"},
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(["table", "strikethrough"])


def _aligned_cell(tokens, idx, options, env):
    """A table cell's alignment as a class ("align-right"): the public pages' CSP blocks style attributes."""
    token = tokens[idx]
    align = str(token.attrs.pop("style", "")).removeprefix("text-align:")
    if align in ("left", "center", "right"):
        token.attrs["class"] = f"align-{align}"
    return _markdown.renderer.renderToken(tokens, idx, options, env)


_markdown.renderer.rules["th_open"] = _aligned_cell
_markdown.renderer.rules["td_open"] = _aligned_cell
# A leading "# Title" inside a section body must not outrank the page's own headings.
_markdown.renderer.rules["heading_open"] = lambda tokens, idx, options, env: f"<h{min(6, int(tokens[idx].tag[1]) + 1)}>"
_markdown.renderer.rules["heading_close"] = lambda tokens, idx, options, env: f"</h{min(6, int(tokens[idx].tag[1]) + 1)}>\n"


@dataclass(frozen=True)
class Cite:
    """One citation marker: the source key and where in the source ("p. 2", "para. 4")."""

    key: str
    locator: str = ""


def clean_text(text):
    """The text without NUL bytes and bidirectional override characters."""
    return _INVISIBLE.sub("", text or "")


def _group(body):
    """The citations of one bracket "[@a; @b, p. 4]", or None when it is not a marker."""
    items = [_ITEM.match(item) for item in body.split(";")]
    if not all(items):
        return None
    return [Cite(item.group("key"), (item.group("locator") or "").strip()) for item in items]


def parse_citations(text):
    """Every citation in order of appearance, repeats included."""
    return [cite for m in MARKER.finditer(clean_text(text)) for cite in (_group(m.group("body")) or [])]


def citation_keys(text):
    """The distinct source keys the markers name, in order of first use."""
    return list(dict.fromkeys(cite.key for cite in parse_citations(text)))


def keep_citations(text, keep):
    """The text with only the citations whose key is in `keep`: "a [@x; @y, p. 2]" keeping {"y"} is "a [@y, p. 2]".

    A marker left with no citation goes, with the space before it; text that is not a marker stays as it is.
    """

    def rewrite(match):
        cites = _group(match.group("body"))
        if cites is None:
            return match.group(0)
        kept = [f"@{c.key}, {c.locator}" if c.locator else f"@{c.key}" for c in cites if c.key in keep]
        return f"{match.group('space')}[{'; '.join(kept)}]" if kept else ""

    return _SPACED_MARKER.sub(rewrite, text or "")


_SPACED_MARKER = re.compile(r"(?P<space>\s?)" + MARKER.pattern)


def _sanitize(fragment):
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


def render(text, cite=None):
    """Markdown to safe HTML; each marker becomes `cite(Cite)` (HTML, sanitized again) or is dropped.

    The result is marked safe because it has been through nh3 with the
    allowlist above: this is the one place in the project that may do so.
    """
    text = clean_text(text)
    replacements = []
    # Markers become placeholders while Markdown renders; a nonce drawn for this render makes them tokens
    # no text can forge (a text that holds "\u2063CITE7\u2063" is rendered as the text it is).
    nonce = secrets.token_hex(8)

    def placeholder(match):
        group = _group(match.group("body"))
        if group is None:
            return match.group(0)
        replacements.append(group)
        return f"\u2063CITE{nonce}:{len(replacements) - 1}\u2063"

    source = MARKER.sub(placeholder, text)
    rendered = _markdown.render(source)

    def substitute(match):
        group = replacements[int(match.group(1))]
        return "".join(cite(marker) for marker in group) if cite else ""

    rendered = re.sub(f"\u2063CITE{nonce}:(\\d+)\u2063", substitute, rendered)
    return mark_safe(_sanitize(rendered))  # noqa: S308 - sanitized by nh3 against ALLOWED_TAGS just above.


def to_plain_text(text):
    """The text without markers or Markdown punctuation, for search, titles and CSV previews."""
    rendered = _markdown.render(MARKER.sub(lambda m: "" if _group(m.group("body")) else m.group(0), clean_text(text)))
    stripped = nh3.clean(rendered, tags=set(), attributes={})
    return " ".join(html.unescape(stripped).split())
