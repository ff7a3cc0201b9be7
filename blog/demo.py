"""Demo content for ``make run``: a few pleasant articles by the demo author, published once.

Each article gets a generated cover (blog.demo_covers) uploaded as an author's would be: an upload
record, the file in the media bucket at the key it names, the renditions made by the processor.
"""

from __future__ import annotations

import logging

from accounts.identity import Identity
from blog import selectors, services
from blog.demo_covers import LANDSCAPE, PORTRAIT, cover_jpeg
from blog.domain import Article, ArticleNotFound, DuplicateContent
from blog.slugs import slug_base
from cloud import aws
from cloud.resources import GROUP_AUTHORS
from uploads import services as uploads

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
        "Anatomy of a request on a serverless blog",
        """What happens between a reader's click and the page they read? This long read follows one
request through the blog, from the edge to the table and back, and says where the time goes.
It is also the demo of what a long article looks like here: a table of contents, headings you
can link to, and code highlighted on the server.

## At the edge

The reader's browser speaks to API Gateway over HTTPS. API Gateway turns the HTTP request into
an event, a JSON document with the method, the path, the headers and the body, and invokes the
Lambda function with it. Nothing runs on a server we look after: the gateway scales with the
traffic, and we pay per million requests.

A CDN in front adds two things the blog uses: the reader's country, in a header, and caching
of the images, which never pass through Lambda at all.

## Inside the function

Zappa's handler receives the event and hands it to Django as if it came from a WSGI server.
From there it is an ordinary Django request: middleware, the URL resolver, a view.

### A cold start

The first request a new instance serves pays for starting Python, importing Django and the
blog's modules, and building the first boto3 client. The blog keeps that short: bytecode is
compiled ahead of time, heavy modules are imported on first use, and botocore's service
descriptions are read pre-parsed.

```python
@functools.cache
def _pygments():
    # Imported on first use: only an article with a code block pays for it.
    from pygments import highlight
    return highlight
```

### A warm instance

Later requests find everything in memory. The home page's list of articles is cached in the
instance for two minutes, so most readers of the home page cost no database request at all.

## At the table

An article page needs the article and whether this reader already likes it. Both sit in the
same item collection of one DynamoDB table, so one request fetches them together:

```json
{
  "RequestItems": {
    "blog": {"Keys": [
      {"pk": {"S": "ARTICLE#3f2a"}, "sk": {"S": "ARTICLE"}},
      {"pk": {"S": "ARTICLE#3f2a"}, "sk": {"S": "LIKE#9c1e"}}
    ]}
  }
}
```

DynamoDB answers in single-digit milliseconds, whatever the size of the table, because every
read names its partition.

### Likes, exactly

A like is a transaction of two writes: the like itself, which may exist only once per reader,
and the article's counter. Either both happen or neither does, so the count is always the
number of likes, however many readers click at once.

## Back to the reader

The view renders the template. The article's Markdown was turned into HTML once, sanitised by
an allow-list, and kept in memory for the next reader. The response goes back through the
gateway, compressed, with the headers that keep it safe: a content security policy that lets
only the blog's own scripts and styles run, and cookies that scripts cannot read.

## Measuring it yourself

You can follow the same path on your own machine. Start the local stack and ask for a page:

```bash
make run
curl -s -o /dev/null -w "%{time_total}\\n" http://127.0.0.1:8000/
```

Then open the analytics page as an admin and watch the like you just gave arrive in the lake.
Every change to the table flows through its stream into Firehose, lands in S3 as Parquet,
and is one SQL query away.

## What it costs

At a few thousand readers a day the bill is mostly the requests themselves: API Gateway's per
million price, Lambda's milliseconds, and DynamoDB's on-demand reads. None of it costs anything
while nobody reads, which is the point of building a blog this way.""",
    ),
    (
        "A note on privacy",
        """When you like an article, the blog remembers a random id in a cookie and stores only a
keyed hash of it. For the analytics it notes your country (from the CDN) and the kind of device,
never your IP address.

> Collect what you need to answer a question, and nothing else.""",
    ),
]


DEMO_TAGS = {
    "Welcome to the blog": ("serverless", "meta"),
    "Writing in Markdown": ("writing", "markdown"),
    "Anatomy of a request on a serverless blog": ("serverless", "aws", "long-read"),
    "Why one DynamoDB table": ("aws", "dynamodb"),
    "A note on privacy": ("privacy",),
}


PORTRAIT_COVERS = {"A note on privacy"}  # one tall picture: the home page shows its 16:9 crop


def _cover_upload(title: str) -> str:
    """Upload ``title``'s generated cover as the demo author, process it; return the ready image's id."""
    data = cover_jpeg(title, size=PORTRAIT if title in PORTRAIT_COVERS else LANDSCAPE)
    ticket = uploads.image_create_upload(
        owner_id=DEMO_AUTHOR.user_id,
        owner_name=DEMO_AUTHOR.display_name,
        filename=f"{slug_base(title)}.jpg",
        content_type="image/jpeg",
        size=len(data),
    )
    key = ticket.image.original_key
    aws.client("s3").put_object(Bucket=aws.names().media_bucket, Key=key, Body=data, ContentType="image/jpeg")
    # What the upload queue's handler does on S3's notification (idempotent: the notification
    # still arrives and finds the image ready).
    image = uploads.image_process(image_id=ticket.image.id, key=key)
    if image is None or not image.is_ready:
        raise RuntimeError(f"the demo cover for {title!r} was not processed: {image}")
    return image.id


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
        cover = _cover_upload(title)
        try:
            published.append(
                services.article_publish(
                    author=DEMO_AUTHOR,
                    title=title,
                    body=body,
                    expires_in_days=DEMO_EXPIRY_DAYS,
                    cover_image_id=cover,
                    tags=list(DEMO_TAGS.get(title, ())),
                )
            )
        except DuplicateContent:
            # Published under another slug (renamed since): leave it be, and its new cover goes.
            uploads.image_delete(image_id=cover, owner_id=DEMO_AUTHOR.user_id)
    if published:
        logger.info("demo articles published", extra={"count": len(published)})
    return published
