"""The images JSON API: thin views over uploads' services and selectors.

Callers authenticate with ``Authorization: Bearer <access token>`` (the pages' scripts use their
session cookie and a CSRF token instead); only authors may upload. Uploads' errors carry their
own status and code (uploads.domain); ``api_view`` answers them.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse

from accounts.decorators import api_identity_required
from cloud.resources import GROUP_AUTHORS
from common.api import api_view
from uploads import selectors, services
from uploads.domain import IMAGE_ID_PATTERN, ImageNotFound


def _image_id(image_id: str) -> str:
    if not IMAGE_ID_PATTERN.match(image_id):
        raise ImageNotFound()
    return image_id


def images_create(request: HttpRequest) -> JsonResponse:
    """Record a new image and return the presigned POST that sends its file straight to S3."""
    identity = api_identity_required(request, group=GROUP_AUTHORS)
    from common.schema import request_body  # msgspec on first use, not at start-up
    from uploads.schemas import ImageUploadRequest, upload_problem

    data = request_body(request, ImageUploadRequest, problem=upload_problem)
    ticket = services.image_create_upload(
        owner_id=identity.user_id, owner_name=identity.display_name, **data.given()
    )
    body = {
        "image": selectors.image_as_json(ticket.image),
        "upload": {"url": ticket.url, "fields": ticket.fields, "file_field": "file"},
    }
    return JsonResponse(body, status=201)


def images_list(request: HttpRequest) -> JsonResponse:
    identity = api_identity_required(request, group=GROUP_AUTHORS)
    owned = selectors.image_list_of(owner_id=identity.user_id)
    return JsonResponse({"images": [selectors.image_as_json(each) for each in owned]})


def image_detail(request: HttpRequest, image_id: str) -> JsonResponse:
    identity = api_identity_required(request, group=GROUP_AUTHORS)
    found = selectors.image_get_of(image_id=_image_id(image_id), owner_id=identity.user_id)
    response = JsonResponse(selectors.image_as_json(found))
    response["Cache-Control"] = "no-store"  # the status changes while the page polls
    return response


def image_focal_point(request: HttpRequest, image_id: str) -> JsonResponse:
    """Move the focal point; the cover crops are cut again around it before the answer."""
    identity = api_identity_required(request, group=GROUP_AUTHORS)
    from common.schema import request_body
    from uploads.schemas import FocalPoint, focal_point_problem

    point = request_body(request, FocalPoint, problem=focal_point_problem)
    moved = services.image_focal_point_set(
        image_id=_image_id(image_id), owner_id=identity.user_id, x=point.x, y=point.y
    )
    return JsonResponse(selectors.image_as_json(moved))


def image_delete(request: HttpRequest, image_id: str) -> HttpResponse:
    identity = api_identity_required(request, group=GROUP_AUTHORS)
    services.image_delete(image_id=_image_id(image_id), owner_id=identity.user_id)
    return HttpResponse(status=204)


# Not csrf_exempt: a valid Bearer token skips CSRF (accounts.middleware; an invalid one is a 401),
# a cookie request needs the token.
images = api_view({"GET": images_list, "POST": images_create})
image = api_view({"GET": image_detail, "DELETE": image_delete})
focal_point = api_view({"PUT": image_focal_point})
