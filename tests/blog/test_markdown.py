"""Markdown -> safe HTML: pure, no emulator."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from blog.markdown import excerpt, image_ids, plain_text, render_markdown

# Image ids as uploads/ mints them (uuid4 hex, uploads/references.py).
CAT, DOG = "ca7" * 10 + "01", "d06" * 10 + "02"
MISSING, ABC = "e" * 32, "a" * 32
ONE, TWO = "1" * 32, "2" * 32

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](  javascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<a href="x" onclick="alert(1)">x</a>',
    "![x](javascript:alert(1))",
    f'![x"onerror="alert(1)](image:{ABC})',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "`<script>alert(1)</script>`",
    "<!-- <script>alert(1)</script> -->",
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


SAFE_TAGS = {"p", "a", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "s", "h2", "h3", "br"}


def assert_inert(html: str) -> None:
    """Fail unless every real tag is harmless: allowed names, no handlers or styles, safe URLs only."""
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in SAFE_TAGS, tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name in {"href", "title", "rel", "start"}, (tag, name)
            if name == "href":
                scheme = (value or "").split(":", 1)[0].lower() if ":" in (value or "") else ""
                assert scheme in {"", "http", "https", "mailto"}, value


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payloads_are_inert(payload: str) -> None:
    assert_inert(render_markdown(payload))
    assert_inert(render_markdown(f"Some text\n\n{payload}\n\n* item {payload}"))


def test_body_headings_keep_their_level_below_the_title() -> None:
    # ``##`` is an h2 under the page's h1 (no skipped level); only ``#`` is lowered to h2.
    html = render_markdown("# One\n\n## Two\n\n### Three\n\n###### Six")
    assert re.findall(r"<(h\d) id=\"[a-z]+\">(\w+)<", html) == [
        ("h2", "One"),
        ("h2", "Two"),
        ("h3", "Three"),
        ("h6", "Six"),
    ]


def test_raw_html_is_shown_as_text() -> None:
    assert render_markdown("<b>bold</b>") == "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n"


def test_markdown_renders_the_usual_things() -> None:
    html = render_markdown("# Title\n\n*em* **strong** `code` ~~gone~~\n\n- one\n- two\n\n> quote")
    for fragment in (
        '<h2 id="title">Title<a class="heading-anchor" href="#title"',
        "<em>em</em>",
        "<strong>strong</strong>",
        "<code>code</code>",
        "<s>gone</s>",
    ):
        assert fragment in html
    assert "<li>one</li>" in html
    assert "<blockquote>" in html


def test_links_keep_safe_urls_and_get_rel() -> None:
    html = render_markdown(
        "[site](https://example.com/a?b=1) [mail](mailto:a@example.com) [rel](/articles/x/)"
    )
    assert 'href="https://example.com/a?b=1"' in html
    assert 'href="mailto:a@example.com"' in html
    assert 'href="/articles/x/"' in html
    assert 'rel="nofollow noopener noreferrer ugc"' in html


def test_table_alignment_styles_are_dropped() -> None:
    # markdown-it writes style="text-align:..."; the CSP forbids inline styles anyway.
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |")
    assert '<table tabindex="0">' in html  # a wide table scrolls: reachable by keyboard
    assert "style" not in html


def test_image_ids_become_pictures_after_sanitising() -> None:
    calls: list[tuple[str, str]] = []

    def picture(image_id: str, alt: str) -> str | None:
        calls.append((image_id, alt))
        return f'<picture><img src="/media/{image_id}.webp" alt="{alt}"></picture>'

    html = render_markdown(f"Look: ![A *cat*](image:{CAT}) and ![dog](image:{DOG})", picture=picture)
    assert calls == [(CAT, "A cat"), (DOG, "dog")]
    assert f'<picture><img src="/media/{CAT}.webp" alt="A cat"></picture>' in html


def test_unknown_or_external_images_are_dropped() -> None:
    html = render_markdown(
        f"![a](image:{MISSING}) ![b](https://tracker.example/pixel.gif) ![c](image:bad id)",
        picture=lambda image_id, alt: None,
    )
    assert "<img" not in html
    assert "tracker" not in html
    assert MISSING not in html


def test_images_are_dropped_without_a_renderer() -> None:
    assert "<img" not in render_markdown(f"![a](image:{ABC})")


def test_placeholder_cannot_be_forged() -> None:
    # The placeholder carries a fresh random nonce per render: typing one in gets nothing.
    forged = "BLOGIMAGE00000000000000000000000000000000N0E"
    html = render_markdown(f"{forged} ![a](image:{ABC})", picture=lambda i, a: "<picture></picture>")
    assert forged in html
    assert html.count("<picture>") == 1


def test_image_ids_lists_the_pictures() -> None:
    assert image_ids(f"![a](image:{ONE}) text ![b](https://x/y.png) ![c](image:{TWO})") == [ONE, TWO]


def test_reference_style_images_are_pictures_too() -> None:
    """``![pic][r]`` with ``[r]: image:<id>`` is the same image as ``![pic](image:<id>)``."""
    image_id = "5" * 32
    body = f'A ![pic][r] and ![same][].\n\n[r]: image:{image_id}\n[same]: <image:{image_id}> "title"'
    assert image_ids(body) == [image_id, image_id]
    html = render_markdown(body, picture=lambda i, a: f"<picture>{i}</picture>")
    assert html.count(f"<picture>{image_id}</picture>") == 2


def test_plain_text_strips_markup() -> None:
    assert (
        plain_text("# Head\n\nSome *words* & <b>tags</b>\n\n![pic](image:x)")
        == "Head Some words & <b>tags</b>"
    )


def test_excerpt_is_short_and_cut_at_a_word() -> None:
    text = "word " * 200
    result = excerpt(text, max_chars=50)
    assert len(result) <= 50
    assert result.endswith("word…")


def test_excerpt_keeps_short_text_whole() -> None:
    assert excerpt("Just **this**.") == "Just this."
