"""Views named by their dotted path in the URLconfs, imported when a request first reaches them.

A cold start serves one page, but ``{% url %}`` makes Django import every URLconf: with views imported
there, the first page paid for the analytics console, the upload API and the feeds (bench/coldstart.py).
``LazyView("blog.views.home")`` costs nothing until it is called or asked for an attribute (Django's
CSRF check reads ``csrf_exempt``, config.views reads ``api_methods``); building the reverse lookup reads
only its name.
"""

from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string


class LazyView:
    """A view imported from ``dotted_path`` on first use; ``view`` is the view itself."""

    def __init__(self, dotted_path: str) -> None:
        module, _, name = dotted_path.rpartition(".")
        self.dotted_path = dotted_path
        # What Django's resolver reads to name the view (ResolverMatch._func_path, URLPattern.lookup_str).
        self.__module__, self.__name__, self.__qualname__ = module, name, name

    @functools.cached_property
    def view(self) -> Any:
        return import_string(self.dotted_path)

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = self.view(request, *args, **kwargs)
        return response

    def __getattr__(self, name: str) -> Any:
        # Only attributes this class lacks arrive here. There are no class-based views: Django's
        # resolver asks for ``view_class`` of every pattern, and must not import them all to learn that.
        if name == "view_class" or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.view, name)

    def __repr__(self) -> str:
        return f"<LazyView {self.dotted_path}>"
