"""common.schema: a request body is checked against its Struct, with the users' field messages."""

from __future__ import annotations

from typing import Annotated

import msgspec
import pytest
from django.test import RequestFactory
from msgspec import Meta

from common.errors import ValidationFailed
from common.schema import Body, components, request_body
from common.validation import CONTROL_CHARACTERS_PROBLEM, NONBLANK_TEXT_PATTERN

factory = RequestFactory()


class Note(Body):
    text: Annotated[str, Meta(max_length=5, pattern=NONBLANK_TEXT_PATTERN)]
    stars: Annotated[int, Meta(ge=1, le=5)] | None = None
    tags: Annotated[list[str], Meta(max_length=2)] = []
    colour: msgspec.UnsetType | str = msgspec.UNSET


def _body(data: bytes) -> Note:
    return request_body(factory.post("/x", data=data, content_type="application/json"), Note)


def test_a_valid_body_becomes_the_struct_and_whole_floats_are_integers() -> None:
    note = _body(b'{"text": "hi", "stars": 4.0}')
    assert note == Note(text="hi", stars=4)
    assert note.colour is msgspec.UNSET  # absent stays distinguishable from null


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        (b"{}", {"text": "This field is required."}),
        (b'{"text": "a", "x": 1, "y": 2}', {"x": "Unknown field.", "y": "Unknown field."}),
        (b'{"text": 5}', {"text": "Must be a string."}),
        (b'{"text": "abcdef"}', {"text": "At most 5 characters."}),
        (b'{"text": "   "}', {"text": "Must not be blank."}),
        (b'{"text": "a\\u0007"}', {"text": CONTROL_CHARACTERS_PROBLEM}),
        (b'{"text": "a", "stars": 0}', {"stars": "At least 1."}),
        (b'{"text": "a", "stars": 1.5}', {"stars": "Must be a whole number."}),
        (b'{"text": "a", "stars": "3"}', {"stars": "Must be a whole number."}),
        (b'{"text": "a", "tags": ["a", "b", "c"]}', {"tags": "At most 2 items."}),
    ],
)
def test_a_bad_body_is_refused_with_a_field_message(data: bytes, fields: dict[str, str]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _body(data)
    assert refused.value.fields == fields


def test_every_bad_field_is_said_at_once() -> None:
    with pytest.raises(ValidationFailed) as refused:
        _body(b'{"text": 5, "stars": 9, "tags": "x"}')
    assert refused.value.fields == {
        "text": "Must be a string.",
        "stars": "At most 5.",
        "tags": "Must be a list.",
    }


def test_the_domain_says_why_when_it_can() -> None:
    request = factory.post("/x", data=b'{"text": 5}', content_type="application/json")
    with pytest.raises(ValidationFailed) as refused:
        request_body(request, Note, problem=lambda name, value: f"{name} is not {value!r}.")
    assert refused.value.fields == {"text": "text is not 5."}


def test_components_document_the_same_rules() -> None:
    schema = components(Note)["Note"]
    assert schema["required"] == ["text"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["text"] == {
        "type": "string",
        "maxLength": 5,
        "pattern": NONBLANK_TEXT_PATTERN,
    }
    assert "colour" in schema["properties"]


def test_start_up_does_not_import_the_schema_library() -> None:
    """Every view module is imported with the URLconf on a cold start: none of them pulls msgspec in."""
    import os
    import subprocess
    import sys

    script = (
        "import django, sys; django.setup(); import config.urls, config.views; "
        "from django.urls import get_resolver; get_resolver().url_patterns; "
        "print('msgspec' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    assert result.stdout.strip() == "False", result.stderr
