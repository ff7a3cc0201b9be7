"""Pages for authors: "My images" (upload, watch, delete). Uploads themselves go browser -> S3."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import author_required
from uploads import selectors, services
from uploads.domain import (
    ACCEPTED_CONTENT_TYPES,
    IMAGE_ID_PATTERN,
    MAX_BYTES,
    ImageError,
    ImageInUse,
    ImageNotFound,
)


def _identity_id(request: HttpRequest) -> str:
    return request.identity.user_id  # type: ignore[attr-defined]


def _with_thumbnail(image: dict[str, Any]) -> dict[str, Any]:
    """Add the smallest uncropped rendition (the whole picture, where a click sets the focal point)."""
    whole = [r for r in image["renditions"] if not r["crop"]]
    return {**image, "thumbnail": min(whole, key=lambda r: r["width"]) if whole else None}


@author_required
def image_list(request: HttpRequest) -> HttpResponse:
    images = selectors.image_list_of(owner_id=_identity_id(request))
    return render(
        request,
        "uploads/images.html",
        {
            "images": [_with_thumbnail(selectors.image_as_json(image)) for image in images],
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


def _percent(value: str | None) -> float | None:
    try:
        return float(value or "") / 100
    except ValueError:
        return None


@author_required
@require_POST
def image_focal_point(request: HttpRequest, image_id: str) -> HttpResponse:
    """The form's percentages (0-100 from the left and the top) as the service's fractions."""
    x, y = _percent(request.POST.get("x")), _percent(request.POST.get("y"))
    try:
        if not IMAGE_ID_PATTERN.match(image_id):
            raise ImageNotFound()
        if x is None or y is None:
            messages.error(request, "Give the focal point as two numbers from 0 to 100.")
        else:
            services.image_focal_point_set(image_id=image_id, owner_id=_identity_id(request), x=x, y=y)
            messages.success(request, "The cover crops are cut around the new focal point.")
    except ImageError as error:
        messages.error(request, error.message if not error.fields else " ".join(error.fields.values()))
    return redirect("uploads:list")
