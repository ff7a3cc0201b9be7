"""The images part of the OpenAPI document (merged by config.openapi)."""

from __future__ import annotations

from typing import Any

from common.openapi import BEARER, error_response, json_response, parameter, request_body
from common.schema import components
from uploads.domain import IMAGE_ID_PATTERN
from uploads.schemas import FocalPoint, ImageList, ImageUpload, ImageUploadRequest

IMAGE_ID = parameter("image_id", "path", {"type": "string", "pattern": IMAGE_ID_PATTERN.pattern})
AUTH_ERRORS = {
    "401": error_response("No valid access token."),
    "403": error_response("The caller is not in the 'authors' group."),
}

SCHEMAS: dict[str, Any] = components(ImageUploadRequest, ImageUpload, ImageList, FocalPoint)

PATHS: dict[str, Any] = {
    "/api/images": {
        "get": {
            "summary": "List my images, newest first",
            "operationId": "images_list",
            "tags": ["images"],
            "security": BEARER,
            "responses": {"200": json_response("ImageList", "The caller's images."), **AUTH_ERRORS},
        },
        "post": {
            "summary": "Start an upload: get a presigned POST for the file",
            "operationId": "images_create",
            "tags": ["images"],
            "security": BEARER,
            "requestBody": request_body("ImageUploadRequest"),
            "responses": {
                "201": json_response(
                    "ImageUpload", "The image record (processing) and where to send the file."
                ),
                "400": error_response(
                    "A field is missing, unknown or wrong (content type not an accepted image)."
                ),
                **AUTH_ERRORS,
                "413": error_response("The file is over 20 MB."),
                "429": error_response("Too many uploads this hour."),
            },
        },
    },
    "/api/images/{image_id}": {
        "parameters": [IMAGE_ID],
        "get": {
            "summary": "An image: status, error, size and renditions",
            "operationId": "image_detail",
            "tags": ["images"],
            "security": BEARER,
            "responses": {
                "200": json_response("Image", "The image."),
                **AUTH_ERRORS,
                "404": error_response("No such image of the caller's."),
            },
        },
        "delete": {
            "summary": "Delete an image with its renditions and upload",
            "operationId": "image_delete",
            "tags": ["images"],
            "security": BEARER,
            "responses": {
                "204": {"description": "Deleted."},
                **AUTH_ERRORS,
                "404": error_response("No such image of the caller's."),
                "409": error_response(
                    "An article shows the image: the message and 'fields.articles' say which."
                ),
            },
        },
    },
    "/api/images/{image_id}/focal-point": {
        "parameters": [IMAGE_ID],
        "put": {
            "summary": "Move the focal point: the 16:9 cover crops are cut again around it",
            "operationId": "image_focal_point",
            "tags": ["images"],
            "security": BEARER,
            "requestBody": request_body("FocalPoint"),
            "responses": {
                "200": json_response("Image", "The image with its new focal point and crops."),
                "400": error_response("x or y missing, unknown fields, or not a number from 0 to 1."),
                **AUTH_ERRORS,
                "404": error_response("No such image of the caller's."),
                "409": error_response("The image is not ready, or changed meanwhile (try again)."),
            },
        },
    },
}
