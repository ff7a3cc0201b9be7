"""What the blog's benchmarks share: a private emulator stack with Django set up, and articles in it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def blog_stack(prefix: str) -> Iterator[None]:
    """Start an emulator with every resource, set Django up against it; stop it on exit."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    from cloud.local.stack import ephemeral_stack

    with ephemeral_stack(prefix=prefix):
        django.setup()
        yield


def articles_published(count: int, *, body: Callable[[int], str] = lambda i: f"Body {i}") -> list[str]:
    """Publish ``count`` articles by one author through the real service; return their ids."""
    from accounts.identity import Identity
    from blog import services
    from cloud.resources import GROUP_AUTHORS

    author = Identity(
        user_id="bench", username="bench", display_name="Bench", groups=frozenset({GROUP_AUTHORS})
    )
    return [
        services.article_publish(author=author, title=f"Bench article {i}", body=body(i)).id
        for i in range(count)
    ]
