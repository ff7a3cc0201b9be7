"""Pages for authors: "My images" (upload, watch, delete). Uploads themselves go browser -> S3."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import author_required
from uploads import selectors, services
from uploads.domain import ACCEPTED_CONTENT_TYPES, IMAGE_ID_PATTERN, MAX_BYTES, ImageInUse, ImageNotFound


def _identity_id(request: HttpRequest) -> str:
    return request.identity.user_id  # type: ignore[attr-defined]


@author_required
def image_list(request: HttpRequest) -> HttpResponse:
    images = selectors.image_list_of(owner_id=_identity_id(request))
    return render(
        request,
        "uploads/images.html",
        {
            "images": [selectors.image_as_json(image) for image in images],
            "accept": ",".join(ACCEPTED_CONTENT_TYPES),
            "max_bytes": MAX_BYTES,
        },
    )


@author_required
@require_POST
def image_delete(request: HttpRequest, image_id: str) -> HttpResponse:
    try:
        if not IMAGE_ID_PATTERN.match(image_id):
            raise ImageNotFound()
        services.image_delete(image_id=image_id, owner_id=_identity_id(request))
    except (ImageNotFound, ImageInUse) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The image and its renditions are deleted.")
    return redirect("uploads:list")
