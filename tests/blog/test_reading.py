"""Long reads: heading ids and the table of contents, highlighting, excerpts, reading time, JSON-LD."""

from __future__ import annotations

import json
import re

from django.test import Client

from blog.demo import DEMO_ARTICLES
from blog.markdown import excerpt, heading_id, highlight_code, render_article, render_markdown
from tests.blog.conftest import Publish, unique

LONG = "\n\n".join(
    f"## Part {n}\n\n" + " ".join(["word"] * 200) + f"\n\n### Detail {n}\n\nMore text." for n in range(1, 4)
)


def test_headings_get_unique_ids_and_a_self_link() -> None:
    html = render_markdown("## Why it works\n\n## Why it works\n\n## Main\n\n### Ünïcode, too!")
    assert '<h2 id="why-it-works">Why it works<a class="heading-anchor" href="#why-it-works"' in html
    assert '<h2 id="why-it-works-2">' in html
    assert '<h2 id="main-2">' in html  # "main" is the page's own landmark id
    assert '<h3 id="unicode-too">' in html
    assert heading_id("!!!") == "section"


def test_long_articles_get_a_table_of_contents_short_ones_do_not() -> None:
    long = render_article(LONG)
    assert [(h.level, h.id) for h in long.toc] == [
        (2, "part-1"),
        (3, "detail-1"),
        (2, "part-2"),
        (3, "detail-2"),
        (2, "part-3"),
        (3, "detail-3"),
    ]
    assert long.reading_minutes == 3  # 600+ words at 230 a minute
    short = render_article("## One\n\n## Two\n\n## Three\n\nA few words.")
    assert short.toc == []
    assert short.reading_minutes == 1


def test_code_is_highlighted_with_classes_only_and_keeps_its_language() -> None:
    html = render_markdown('```python\ndef f(x):\n    return "<b>"\n```')
    assert html.startswith(
        '<pre class="highlight" tabindex="0"><code class="language-python"><span class="k">def</span>'
    )
    assert "&lt;b&gt;" in html
    assert "<b>" not in html
    assert "style=" not in html
    # An unknown language is kept as a label and shown plain; no language, no label.
    assert render_markdown("```nosuchlang\nx < y\n```") == (
        '<pre class="highlight" tabindex="0"><code class="language-nosuchlang">x &lt; y\n</code></pre>\n'
    )
    assert render_markdown("```\nx\n```") == '<pre tabindex="0"><code>x\n</code></pre>\n'
    # The info string is the author's: anything but a plain name is dropped, never put in markup.
    assert 'class="language-' not in render_markdown('```"><script>\nx\n```')
    assert highlight_code("x", "no such") is None


def test_excerpts_leave_out_code_tables_and_headings() -> None:
    body = (
        "## Setting up\n\nFirst install it.\n\n```bash\npip install thing\n```\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n- one point\n- another point\n\nThen run it."
    )
    assert excerpt(body) == "First install it. one point; another point. Then run it."
    assert excerpt("```\nonly code\n```") == "only code"  # nothing else to show


def test_excerpts_punctuate_the_lists_they_flatten() -> None:
    # Items end with ";", a list with ".", an introduction with ":" (nested lists too), unless the
    # author's own punctuation is already there.
    body = "Steps\n\n1. first\n2. second\n   - part a\n   - part b\n3. third.\n\nDone"
    assert excerpt(body) == "Steps: first; second: part a; part b; third. Done"
    assert excerpt("- Emphasis and **strong**\n- inline `code`") == "Emphasis and strong; inline code."
    assert excerpt("Before:\n\n- a, b\n- c!") == "Before: a, b; c!"


def test_the_long_demo_article_has_a_toc_and_no_skipped_heading_level() -> None:
    for title, body in DEMO_ARTICLES:
        levels = [h.level for h in render_article(body).headings]
        previous = 1  # the page's h1, the title
        for level in levels:
            assert level <= previous + 1, title
            previous = level
    assert any(render_article(body).toc for _, body in DEMO_ARTICLES)


def test_article_page_shows_reading_time_toc_and_structured_data(publish: Publish) -> None:
    title = f'Long </script><b>"read"</b> {unique()}'
    article = publish(title=title, body=LONG + "\n\n```python\nprint('hi')\n```")
    html = Client().get(f"/articles/{article.slug}/").content.decode()
    assert '<span class="reading-time">3 min read</span>' in html
    assert '<nav class="toc" aria-labelledby="toc">' in html
    assert '<li class="toc-2"><a href="#part-1">Part 1</a></li>' in html
    assert '<li class="toc-3"><a href="#detail-1">Detail 1</a></li>' in html
    assert '<span class="nb">print</span>' in html
    assert '<meta name="twitter:card" content="summary">' in html
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert script
    assert "<" not in script.group(1)  # the title's </script> cannot end the element
    data = json.loads(script.group(1))
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == article.title
    assert data["author"] == {
        "@type": "Person",
        "name": "Arthur Author",
        "url": "http://testserver/authors/author/",
    }
    assert data["url"] == f"http://testserver/articles/{article.slug}/"
    assert data["datePublished"].endswith("+00:00")
