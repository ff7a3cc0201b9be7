"""Markdown -> sanitised HTML, and plain-text excerpts. Pure: no Django, no AWS.

Authors write CommonMark (plus tables and strikethrough). Raw HTML in the source is shown as
text, never interpreted; the rendered HTML then goes through nh3 (an allow-list sanitiser), so no
script, no event-handler attribute, no ``javascript:`` URL can survive whatever the parser does.

Headings keep their level under the page's title (a body ``#`` becomes an h2), get an id and a
self-link, and make the table of contents of long articles. Fenced code with a language is
highlighted on the server by Pygments (imported on first use), with classes only: the colours are
in static/css/site.css, no inline style reaches the page.

Images: ``![alt](image:IMAGE_ID)``, or reference-style ``![alt][r]`` with ``[r]: image:IMAGE_ID``
(uploads/references.py defines ids and references once), becomes the ``<picture>`` markup that
``picture`` returns (trusted HTML from uploads/), inserted AFTER sanitising through a placeholder
whose nonce the author cannot guess. Every other image (remote URLs: tracking pixels, mixed
content) is dropped.
"""

from __future__ import annotations

import functools
import html
import math
import re
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import nh3

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

from blog.domain import EXCERPT_MAX_CHARS
from uploads.references import image_id_from_destination

PictureRenderer = Callable[[str, str], str | None]  # (image_id, alt) -> trusted HTML or None

ALLOWED_TAGS = {
    *("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"),
    *("strong", "em", "del", "s", "code", "pre", "ul", "ol", "li", "a", "span"),
    *("table", "thead", "tbody", "tr", "th", "td"),
}
# Raw HTML is off (``html: False``), so every attribute below comes from this module's own
# renderers (ids, self-links, highlighting classes); the allow-list is the second line of defence.
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class", "aria-hidden", "tabindex"},
    "ol": {"start"},
    **{f"h{level}": {"id"} for level in range(2, 7)},
    "pre": {"class", "tabindex"},
    "table": {"tabindex"},
    "code": {"class"},
    "span": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer ugc"


def _image_rule(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    images: list[tuple[str, str]] | None = env.get("images")
    image_id = image_id_from_destination(src)
    if images is None or image_id is None:
        return ""
    alt = self.renderInlineAsText(token.children or [], options, env)
    images.append((image_id, alt))
    return f"BLOGIMAGE{env['nonce']}N{len(images) - 1}E"


WORDS_PER_MINUTE = 230  # an adult's silent reading speed for prose (Brysbaert 2019: 238)
TOC_MIN_HEADINGS = 3  # fewer sections need no table of contents
TOC_MIN_WORDS = 2 * WORDS_PER_MINUTE  # two minutes of reading: shorter articles are seen at a glance
TOC_LEVELS = (2, 3)  # sections and their subsections; deeper headings stay out of the contents
HEADING_ID_MAX_CHARS = 60
# Ids the page itself uses (base.html, article_detail.html): a heading never takes one of them.
RESERVED_IDS = frozenset({"main", "toc", "search", "q", "contents"})
ANCHOR_ATTRIBUTES = 'aria-hidden="true" tabindex="-1"'  # the heading names it: a duplicate for a mouse
LANGUAGE_PATTERN = re.compile(r"^[A-Za-z0-9_+#.-]{1,32}$")


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class RenderedArticle:
    html: str
    headings: list[Heading] = field(default_factory=list)
    words: int = 0

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))

    @property
    def toc(self) -> list[Heading]:
        """Return the headings for a table of contents (empty for short articles)."""
        listed = [h for h in self.headings if h.level in TOC_LEVELS]
        if len(listed) < TOC_MIN_HEADINGS or self.words < TOC_MIN_WORDS:
            return []
        return listed


def heading_id(text: str) -> str:
    """Return a URL fragment for a heading: lower-case ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = "-".join(words)[:HEADING_ID_MAX_CHARS].strip("-")
    return slug or "section"


def _shift_headings(state: StateCore) -> None:
    # The page's <h1> is the article's title: the body's headings keep their level (``##`` is an
    # h2 under it, so no level is skipped), and only a body ``#`` becomes an h2 (one h1 a page).
    # Each heading gets a unique id (for its self-link and the table of contents).
    taken: set[str] = set(RESERVED_IDS)
    headings: list[Heading] = state.env.setdefault("headings", [])
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            token.attrSet("tabindex", "0")  # a wide table scrolls sideways (site.css): keyboard access
        if token.type not in ("heading_open", "heading_close"):
            continue
        level = max(int(token.tag[1]), 2)
        token.tag = f"h{level}"
        if token.type == "heading_open":
            inline = tokens[index + 1]
            text = "".join(
                child.content for child in inline.children or [] if child.type in ("text", "code_inline")
            )
            base = heading_id(text)
            candidate, number = base, 1
            while candidate in taken:
                number += 1
                candidate = f"{base}-{number}"
            taken.add(candidate)
            token.attrSet("id", candidate)
            headings.append(Heading(level=level, id=candidate, text=" ".join(text.split())))


def _heading_close_rule(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    opening = next(t for t in reversed(tokens[:idx]) if t.type == "heading_open")
    anchor = opening.attrGet("id")
    link = (
        f'<a class="heading-anchor" href="#{anchor}" aria-hidden="true" tabindex="-1">#</a>' if anchor else ""
    )
    return f"{link}</{tokens[idx].tag}>\n"


@functools.cache
def _pygments() -> tuple[Any, Any, Any]:
    # Imported on first use (~140 ms here, plus a lexer's own module): only an article with a
    # fenced, labelled code block pays for it; the home page, feeds and API never do.
    from pygments import highlight
    from pygments.formatters.html import HtmlFormatter
    from pygments.lexers import get_lexer_by_name

    return highlight, HtmlFormatter(nowrap=True, classprefix=""), get_lexer_by_name


@functools.cache
def _lexer(language: str) -> Any:
    get_lexer_by_name = _pygments()[2]
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def highlight_code(code: str, language: str) -> str | None:
    """Return ``code`` as Pygments' classed spans, or None for an unknown language."""
    if not LANGUAGE_PATTERN.match(language):
        return None
    lexer = _lexer(language.lower())
    if lexer is None:
        return None
    highlight, formatter, _ = _pygments()
    return str(highlight(code, lexer, formatter))


def _code_block_rule(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    return f'<pre tabindex="0"><code>{html.escape(tokens[idx].content)}</code></pre>\n'


def _fence_rule(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    language = (token.info or "").strip().split(maxsplit=1)[0] if (token.info or "").strip() else ""
    language = language if LANGUAGE_PATTERN.match(language) else ""
    code = token.content
    highlighted = highlight_code(code, language) if language else None
    body = highlighted if highlighted is not None else html.escape(code)
    # A code block may scroll sideways: tabindex lets a keyboard reach and scroll it (WCAG 2.1.1).
    if language:
        label = html.escape(language.lower())
        return f'<pre class="highlight" tabindex="0"><code class="language-{label}">{body}</code></pre>\n'
    return f'<pre tabindex="0"><code>{body}</code></pre>\n'


@functools.cache
def _parser() -> MarkdownIt:
    # Imported on first use: markdown-it costs ~50 ms of import, which a cold start serving the
    # home page (excerpts are stored) or the API's lists never needs.
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    parser.core.ruler.push("shift_headings", _shift_headings)
    parser.add_render_rule("image", _image_rule)
    parser.add_render_rule("heading_close", _heading_close_rule)
    parser.add_render_rule("fence", _fence_rule)
    parser.add_render_rule("code_block", _code_block_rule)
    return parser


def _sanitise(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_article(text: str, *, picture: PictureRenderer | None = None) -> RenderedArticle:
    """Return safe HTML for ``text`` with its headings and word count; ``image:`` pictures come
    from ``picture`` (dropped without one)."""
    nonce = secrets.token_hex(16)
    images: list[tuple[str, str]] = []
    env: dict[str, Any] = {"images": images, "nonce": nonce}
    markup = _sanitise(_parser().render(text, env))
    words = len(_words(markup))
    headings = list(env.get("headings", []))
    if images:

        def replace(match: re.Match[str]) -> str:
            image_id, alt = images[int(match.group(1))]
            return (picture(image_id, alt) if picture else None) or ""

        markup = re.sub(rf"BLOGIMAGE{nonce}N(\d+)E", replace, markup)
    return RenderedArticle(html=markup, headings=headings, words=words)


def render_markdown(text: str, *, picture: PictureRenderer | None = None) -> str:
    """Return safe HTML for ``text``; ``image:`` pictures come from ``picture`` (dropped without one)."""
    return render_article(text, picture=picture).html


def _words(markup: str) -> list[str]:
    stripped = nh3.clean(
        re.sub(r'<a class="heading-anchor"[^>]*>#</a>', "", markup), tags=set(), attributes={}
    )
    return html.unescape(stripped).split()


def plain_text(text: str) -> str:
    """Return the words of the Markdown ``text``, without markup or images."""
    return " ".join(_words(_sanitise(_parser().render(text, {}))))


# Block tokens an excerpt leaves out: code and tables read as noise when flattened into a
# sentence, and headings are labels, not prose.
EXCERPT_SKIPPED = {
    "fence": None,
    "code_block": None,
    "table_open": "table_close",
    "heading_open": "heading_close",
}


# Where a flattened list starts, an item ends and a list ends (private-use characters, each run of
# them becomes one punctuation mark in ``_punctuated``).
LIST_START, ITEM_END, LIST_END = "\ue000", "\ue001", "\ue002"
BLOCK_MARKS = {
    "paragraph_close": "",
    "bullet_list_open": LIST_START,
    "ordered_list_open": LIST_START,
    "list_item_close": ITEM_END,
    "bullet_list_close": LIST_END,
    "ordered_list_close": LIST_END,
}
MARKS = f"[{LIST_START}{ITEM_END}{LIST_END}]"


def _mark(run: str) -> str:
    """The punctuation for a run of list marks: a list ends with ".", an item with ";", and an
    introduction before its list with ":"."""
    if run.endswith(LIST_START) and LIST_END not in run:
        return ":"
    return "." if run.rstrip(LIST_START).endswith(LIST_END) else ";"


def _punctuated(words: str) -> str:
    """Turn each run of list marks in ``words`` into punctuation, unless the text before it already
    ends with its own (or nothing comes before it)."""

    def run(match: re.Match[str]) -> str:  # "\0" and the run's marks, then one space
        return "\0" + re.sub(r"\s", "", match.group(1)) + " "

    marked = re.sub(rf"\s*({MARKS}(?:\s*{MARKS})*)\s*", run, words)
    marked = re.sub(rf"(^|(?<=[.!?;:,…]))\0{MARKS}+", "", marked)
    return re.sub(rf"\0({MARKS}+)", lambda match: _mark(match.group(1)), marked).strip()


def prose_text(text: str) -> str:
    """Return the prose of the Markdown ``text`` (paragraphs, lists, quotes): no code, tables or
    headings; list items end with ";" and a list with "." where their text has no punctuation."""
    parser = _parser()
    env: dict[str, Any] = {}
    tokens = parser.parse(text, env)
    kept: list[Token] = []
    closing: str | None = None
    for token in tokens:
        if closing is not None:
            if token.type == closing:
                closing = None
            continue
        if token.type in EXCERPT_SKIPPED:
            closing = EXCERPT_SKIPPED[token.type]
            continue
        kept.append(token)
        if token.type in BLOCK_MARKS:
            # A space between blocks, so the last word of one and the first of the next stay apart.
            kept.append(_space_token(token, BLOCK_MARKS[token.type]))
    markup = _sanitise(parser.renderer.render(kept, parser.options, env))
    return _punctuated(" ".join(_words(markup)))


def _space_token(like: Token, marker: str) -> Token:
    return type(like)(type="html_block", tag="", nesting=0, content=f"{marker} ")


def excerpt(text: str, *, max_chars: int = EXCERPT_MAX_CHARS) -> str:
    """Return the start of the article's prose as plain text, cut at a word boundary (code,
    tables and headings are left out; an article of only code falls back to all its words)."""
    words = prose_text(text) or plain_text(text)
    if len(words) <= max_chars:
        return words
    cut = words[: max_chars - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


def image_ids(text: str) -> list[str]:
    """Return the ids of the ``image:`` pictures in ``text``, in order, inline or reference-style.

    The renderer's own rule finds them, so what the guard against deleting a shown image counts is
    exactly what pages show (uploads.selectors.image_used_by).
    """
    images: list[tuple[str, str]] = []
    _parser().render(text, {"images": images, "nonce": "x"})
    return [image_id for image_id, _ in images]


def references(text: str) -> list[tuple[str, str]]:
    """Return the body's images and links as (``"image"`` or ``"link"``, the URL), in order:
    what the editor checks for pictures and links that will not render."""
    found: list[tuple[str, str]] = []

    def walk(tokens: Sequence[Token]) -> None:
        for token in tokens:
            if token.type == "image":
                found.append(("image", str(token.attrGet("src") or "")))
            elif token.type == "link_open":
                found.append(("link", str(token.attrGet("href") or "")))
            if token.children:
                walk(token.children)

    walk(_parser().parse(text))
    return found
