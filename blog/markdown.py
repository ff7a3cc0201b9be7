"""Markdown -> sanitised HTML, and plain-text excerpts. Pure: no Django, no AWS.

Authors write CommonMark (plus tables and strikethrough). Raw HTML in the source is shown as
text, never interpreted; the rendered HTML then goes through nh3 (an allow-list sanitiser), so no
script, no event-handler attribute, no ``javascript:`` URL can survive whatever the parser does.

Images: ``![alt](image:IMAGE_ID)`` becomes the ``<picture>`` markup that ``picture`` returns (trusted
HTML from uploads/), inserted AFTER sanitising through a placeholder whose nonce the author cannot
guess. Every other image (remote URLs: tracking pixels, mixed content) is dropped.
"""

from __future__ import annotations

import functools
import html
import re
import secrets
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import nh3

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

from blog.domain import EXCERPT_MAX_CHARS, IMAGE_ID_PATTERN

PictureRenderer = Callable[[str, str], str | None]  # (image_id, alt) -> trusted HTML or None

IMAGE_SCHEME = "image:"
ALLOWED_TAGS = {
    *("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"),
    *("strong", "em", "del", "s", "code", "pre", "ul", "ol", "li", "a"),
    *("table", "thead", "tbody", "tr", "th", "td"),
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer ugc"


def _image_rule(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    images: list[tuple[str, str]] | None = env.get("images")
    image_id = src[len(IMAGE_SCHEME) :] if src.startswith(IMAGE_SCHEME) else ""
    if images is None or not IMAGE_ID_PATTERN.match(image_id):
        return ""
    alt = self.renderInlineAsText(token.children or [], options, env)
    images.append((image_id, alt))
    return f"BLOGIMAGE{env['nonce']}N{len(images) - 1}E"


def _shift_headings(state: StateCore) -> None:
    # The page's <h1> is the article's title: the body's headings start one level below it.
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"


@functools.cache
def _parser() -> MarkdownIt:
    # Imported on first use: markdown-it costs ~50 ms of import, which a cold start serving the
    # home page (excerpts are stored) or the API's lists never needs.
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    parser.core.ruler.push("shift_headings", _shift_headings)
    parser.add_render_rule("image", _image_rule)
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


def render_markdown(text: str, *, picture: PictureRenderer | None = None) -> str:
    """Return safe HTML for ``text``; ``image:`` pictures come from ``picture`` (dropped without one)."""
    nonce = secrets.token_hex(16)
    images: list[tuple[str, str]] = []
    env: dict[str, Any] = {"images": images, "nonce": nonce}
    markup = _sanitise(_parser().render(text, env))
    if not images:
        return markup

    def replace(match: re.Match[str]) -> str:
        image_id, alt = images[int(match.group(1))]
        return (picture(image_id, alt) if picture else None) or ""

    return re.sub(rf"BLOGIMAGE{nonce}N(\d+)E", replace, markup)


def plain_text(text: str) -> str:
    """Return the words of the Markdown ``text``, without markup or images."""
    markup = _sanitise(_parser().render(text, {}))
    stripped = nh3.clean(markup, tags=set(), attributes={})
    return " ".join(html.unescape(stripped).split())


def excerpt(text: str, *, max_chars: int = EXCERPT_MAX_CHARS) -> str:
    """Return the start of the article as plain text, cut at a word boundary."""
    words = plain_text(text)
    if len(words) <= max_chars:
        return words
    cut = words[: max_chars - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


def image_ids(text: str) -> list[str]:
    """Return the ids of the ``image:`` pictures in ``text``, in order."""
    images: list[tuple[str, str]] = []
    _parser().render(text, {"images": images, "nonce": "x"})
    return [image_id for image_id, _ in images]
