"""Demo content for ``make run``: a few pleasant articles by the demo author, published once."""

from __future__ import annotations

import logging

from accounts.identity import Identity
from blog import selectors, services
from blog.domain import Article, ArticleNotFound, DuplicateContent
from blog.slugs import slug_base
from cloud.resources import GROUP_AUTHORS

logger = logging.getLogger(__name__)

DEMO_AUTHOR = Identity(
    user_id="author", username="author", display_name="Arthur Author", groups=frozenset({GROUP_AUTHORS})
)
DEMO_EXPIRY_DAYS = 365  # the demo stays up for the longest allowed time

DEMO_ARTICLES = [
    (
        "Welcome to the blog",
        """This blog runs **serverless**: Django on AWS Lambda, articles in one DynamoDB table,
and analytics from the table's stream.

## What you can do

- Read the latest articles on the home page, newest first.
- Like an article: no account needed, once per visitor.
- Sign in as an author to write your own, with a preview before you publish.

Every article expires after a while (30 days unless its author says otherwise), so the front
page stays fresh.""",
    ),
    (
        "Writing in Markdown",
        """Articles are written in [Markdown](https://commonmark.org/). A few things you can use:

1. *Emphasis* and **strong emphasis**
2. `inline code` and fenced blocks
3. Tables, links and ~~strikethrough~~

```python
def greet(name: str) -> str:
    return f"Hello, {name}!"
```

| Markup      | Result        |
|-------------|---------------|
| `**bold**`  | **bold**      |
| `*italic*`  | *italic*      |

Raw HTML is shown as text, so nothing you paste can run in a reader's browser.""",
    ),
    (
        "Why one DynamoDB table",
        """Articles, likes and images live in **one table**. Each item says what it is, and two
indexes answer the questions the pages ask:

- *latest*: every published article, newest first, one query per page;
- *by owner*: an author's articles and images.

A like is one transaction: the like itself and the article's counter change together, so the
count stays exact however many readers click at once.""",
    ),
    (
        "A note on privacy",
        """When you like an article, the blog remembers a random id in a cookie and stores only a
keyed hash of it. For the analytics it notes your country (from the CDN) and the kind of device,
never your IP address.

> Collect what you need to answer a question, and nothing else.""",
    ),
]


def _published(title: str) -> bool:
    try:
        selectors.article_get_by_slug(slug=slug_base(title))
    except ArticleNotFound:
        return False
    return True


def seed_demo_articles() -> list[Article]:
    """Publish the demo articles that are not there yet; return those published (idempotent)."""
    published = []
    for title, body in DEMO_ARTICLES:
        if _published(title):
            continue
        try:
            published.append(
                services.article_publish(
                    author=DEMO_AUTHOR, title=title, body=body, expires_in_days=DEMO_EXPIRY_DAYS
                )
            )
        except DuplicateContent:
            continue  # published under another slug (renamed since): leave it be
    if published:
        logger.info("demo articles published", extra={"count": len(published)})
    return published
