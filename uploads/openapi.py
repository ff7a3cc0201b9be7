"""The images part of the OpenAPI document (merged by config.openapi)."""

from __future__ import annotations

from typing import Any

from common.openapi import BEARER, error_response, json_response
from common.validation import NONBLANK_TEXT_PATTERN
from uploads.domain import ACCEPTED_CONTENT_TYPES, FILENAME_MAX_CHARS, MAX_BYTES

IMAGE_ID = {
    "name": "image_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
}
AUTH_ERRORS = {
    "401": error_response("No valid access token."),
    "403": error_response("The caller is not in the 'authors' group."),
}

SCHEMAS: dict[str, Any] = {
    "ImageUploadRequest": {
        "type": "object",
        "additionalProperties": False,
        "required": ["filename", "content_type", "size"],
        "properties": {
            "filename": {"type": "string", "maxLength": 255, "pattern": NONBLANK_TEXT_PATTERN},
            "content_type": {"type": "string", "enum": list(ACCEPTED_CONTENT_TYPES)},
            "size": {
                "type": "integer",
                "minimum": 1,
                "description": f"Bytes. Over {MAX_BYTES:,} (20 MB) the answer is a 413, not a 400.",
            },
        },
    },
    "Rendition": {
        "type": "object",
        "required": ["width", "height", "format", "bytes", "url"],
        "properties": {
            "width": {"type": "integer"},
            "height": {"type": "integer"},
            "format": {"type": "string", "enum": ["webp", "jpeg", "png"]},
            "crop": {
                "type": ["string", "null"],
                "description": "A cover crop's aspect (16x9, around the focal point); null: the whole image.",
            },
            "bytes": {"type": "integer"},
            "url": {"type": "string", "format": "uri", "description": "Immutable: cache it forever."},
        },
    },
    "Image": {
        "type": "object",
        "required": ["id", "status", "error", "width", "height", "bytes", "renditions"],
        "properties": {
            "id": {"type": "string"},
            "status": {"type": "string", "enum": ["processing", "ready", "failed"]},
            "error": {"type": ["string", "null"], "description": "Why the image failed, for a person."},
            "filename": {"type": "string", "maxLength": FILENAME_MAX_CHARS},
            "content_type": {"type": "string"},
            "width": {"type": ["integer", "null"], "description": "Upright width of the original."},
            "height": {"type": ["integer", "null"]},
            "bytes": {"type": ["integer", "null"], "description": "Size of the uploaded file."},
            "created_at": {"type": "string", "format": "date-time"},
            "markdown": {"type": "string", "description": "Paste into an article body: ![alt](image:ID)."},
            "renditions": {"type": "array", "items": {"$ref": "#/components/schemas/Rendition"}},
        },
    },
    "ImageUpload": {
        "type": "object",
        "required": ["image", "upload"],
        "properties": {
            "image": {"$ref": "#/components/schemas/Image"},
            "upload": {
                "type": "object",
                "description": (
                    "A presigned POST: send a multipart/form-data POST to 'url' with every entry of "
                    "'fields' and then the file as 'file'. It expires after a few minutes; the "
                    "image's status turns 'ready' or 'failed' shortly after the upload."
                ),
                "required": ["url", "fields", "file_field"],
                "properties": {
                    "url": {"type": "string", "format": "uri"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                    "file_field": {"type": "string", "enum": ["file"]},
                },
            },
        },
    },
    "ImageList": {
        "type": "object",
        "required": ["images"],
        "properties": {"images": {"type": "array", "items": {"$ref": "#/components/schemas/Image"}}},
    },
}

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
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ImageUploadRequest"}}
                },
            },
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
}
