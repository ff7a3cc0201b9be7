"""common.lazy_views: the URLconfs name views; a view's module is imported when a request reaches it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import resolve

from common.lazy_views import LazyView

ROOT = Path(__file__).resolve().parents[2]

# Reverse every URL name the base template uses, then resolve the home page, in a fresh interpreter.
FRESH_PROCESS = """
import json, sys
import django
django.setup()
from django.urls import resolve, reverse
for name in ("blog:home", "blog:feed", "search:page", "accounts:sign-in", "analytics:page", "uploads:list"):
    reverse(name)
home = resolve("/").func
before = set(sys.modules)
home.view
ours = ("accounts", "analytics", "blog", "cloud", "common", "config", "search", "uploads")
defined = sorted(
    f"{name}.{value.__qualname__}"
    for name, module in list(sys.modules.items())
    if name.split(".")[0] in ours
    for value in vars(module).values()
    if isinstance(value, type) and value.__module__ == name and "__dataclass_fields__" in vars(value)
)
print(json.dumps({"before": sorted(before), "after": sorted(set(sys.modules)), "dataclasses": defined}))
"""
NOT_NEEDED_BY_THE_HOME_PAGE = (
    "accounts.views",
    "accounts.access_views",
    "analytics.views",
    "analytics.api",
    "blog.api",
    "blog.article_views",
    "blog.editor_views",
    "blog.bodies",  # an article's body: Markdown, its sanitiser and highlighter
    "blog.markdown",
    "markdown_it",
    "nh3",
    "blog.services",  # the write path
    "blog.forms",
    "blog.feeds",
    "blog.sitemaps",
    "search.views",
    "uploads.views",
    "uploads.api",
    "config.views",
)


def test_reversing_urls_imports_no_view() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS], capture_output=True, text=True, check=True, cwd=ROOT, env=env
    )
    modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert "blog.views" not in modules["before"]
    assert "blog.views" in modules["after"]  # asked for, the home page's view is imported
    assert not set(NOT_NEEDED_BY_THE_HOME_PAGE) & set(modules["after"])
    # Python 3.12 compiles six methods for a frozen dataclass (~1.1 ms to define one); the types a
    # cold start needs are NamedTuples (~0.2 ms).
    assert modules["dataclasses"] == []


def test_a_lazy_view_is_named_and_answers_for_its_view() -> None:
    token = resolve("/api/auth/token").func
    assert isinstance(token, LazyView)
    assert resolve("/api/auth/token")._func_path == "accounts.api.token"
    # What Django's CSRF check and config.views.csrf_failure read, from the view itself.
    assert token.csrf_exempt is True
    assert token.api_methods == ["POST"]
    articles = resolve("/api/articles").func
    assert isinstance(articles, LazyView)
    assert articles.anonymous_writes is False


def test_a_lazy_view_has_no_view_class_and_refuses_unknown_attributes() -> None:
    view = LazyView("blog.views.home")
    assert not hasattr(view, "view_class")  # no class-based views; asked of every pattern by Django
    assert "view" not in vars(view)  # so the question imported nothing
    with pytest.raises(AttributeError):
        _ = view.no_such_attribute
    assert repr(view) == "<LazyView blog.views.home>"
