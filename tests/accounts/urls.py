"""A URLconf for the accounts tests: tiny guarded views in front of the project's own URLs."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path

from accounts.decorators import admin_required, api_identity_required, author_required
from accounts.identity import request_identity
from common.api import api_view


def home(request: HttpRequest) -> HttpResponse:
    identity = request_identity(request)
    return HttpResponse(f"home:{identity.username if identity else 'anonymous'}")


@author_required
def author_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("author page")


@admin_required
def admin_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("admin page")


def whoami(request: HttpRequest) -> JsonResponse:
    identity = api_identity_required(request)
    return JsonResponse(
        {
            "user_id": identity.user_id,
            "display_name": identity.display_name,
            "groups": sorted(identity.groups),
        }
    )


def admin_only(request: HttpRequest) -> JsonResponse:
    identity = api_identity_required(request, group="admins")
    return JsonResponse({"user_id": identity.user_id})


def author_post(request: HttpRequest) -> JsonResponse:
    # Not csrf_exempt: Bearer requests pass because the middleware waives CSRF for them only.
    identity = api_identity_required(request, group="authors")
    return JsonResponse({"user_id": identity.user_id}, status=201)


urlpatterns = [
    path("test/author/", author_page),
    path("test/admin/", admin_page),
    path("api/test/whoami", api_view({"GET": whoami})),
    path("api/test/admin", api_view({"GET": admin_only})),
    path("api/test/write", api_view({"POST": author_post})),
    path("", home),
    path("", include("config.urls")),
]
