"""API bodies as msgspec Structs: one definition validates a request and documents it.

Each app's ``schemas.py`` declares its request and response bodies from the domain's constants;
``request_body`` checks a request against one, and ``components`` turns them into the OpenAPI
document's ``components.schemas``. msgspec costs ~10 ms to import: the API handlers import their
``schemas`` on first use, so a page (and the cold start, ``python -m bench coldstart``) never pays.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

import msgspec
from django.http import HttpRequest, JsonResponse

from common.api import json_body
from common.errors import ValidationFailed
from common.validation import control_characters_problem

REF_TEMPLATE = "#/components/schemas/{name}"
Time = Annotated[str, msgspec.Meta(extra_json_schema={"format": "date-time"})]  # ISO 8601, UTC
# Why a field is refused, for a person: the domain's own message when it has one (``problem``).
Problem = Callable[[str, object], str | None]


class Body(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A request body: every field is named, unknown ones are refused."""

    def given(self) -> dict[str, Any]:
        """Return the fields the request sent (those left ``msgspec.UNSET`` were absent)."""
        values = ((name, getattr(self, name)) for name in self.__struct_fields__)
        return {name: value for name, value in values if value is not msgspec.UNSET}


class Answer(msgspec.Struct, kw_only=True):
    """A response body."""


def components(*types: type[msgspec.Struct]) -> dict[str, Any]:
    """Return the JSON Schemas of ``types`` (and of the Structs they use), by name."""
    return msgspec.json.schema_components(types, ref_template=REF_TEMPLATE)[1]


def answer(body: Answer, *, status: int = 200) -> JsonResponse:
    """Return ``body`` as the JSON response."""
    return JsonResponse(msgspec.to_builtins(body), status=status)


def _whole_numbers(value: object) -> object:
    # JSON Schema's integer is any number without a fraction: 88.0 is one (true is not).
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    return value


_TYPE_WORDS = {
    "str": "Must be a string.",
    "int": "Must be a whole number.",
    "float": "Must be a number.",
    "bool": "Must be true or false.",
    "array": "Must be a list.",
    "object": "Must be an object.",
}
_MESSAGES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"Expected `str` of length <= (\d+)"), lambda m: f"At most {int(m[1]):,} characters."),
    (re.compile(r"Expected `array` of length <= (\d+)"), lambda m: f"At most {int(m[1]):,} items."),
    (re.compile(r"of length >= 1"), lambda m: "Must not be empty."),
    (re.compile(r"Expected `[a-z]+` >= (\S+)"), lambda m: f"At least {m[1]}."),
    (re.compile(r"Expected `[a-z]+` <= (\S+)"), lambda m: f"At most {m[1]}."),
    (re.compile(r"Invalid enum value"), lambda m: "Not one of the accepted values."),
    (re.compile(r"Expected `(\w+)"), lambda m: _TYPE_WORDS.get(m[1], "Not the expected type.")),
)


def _message(error: str, value: object) -> str:
    if "matching regex" in error:
        if isinstance(value, str) and (problem := control_characters_problem(value)):
            return problem
        return (
            "Not in the expected form." if isinstance(value, str) and value.strip() else "Must not be blank."
        )
    for pattern, message in _MESSAGES:
        if found := pattern.search(error):
            return message(found)
    return error


def request_body[B: Body](request: HttpRequest, schema: type[B], *, problem: Problem | None = None) -> B:
    """Return the request's JSON body as ``schema``, or refuse it with field errors (400).

    Oversize, malformed, unknown and missing fields are refused as ``common.api.json_body`` does;
    then every field that breaks the schema, each with ``problem``'s message for it (the domain's
    words) or one said from the schema: all of them at once, as the forms do.
    """
    fields = msgspec.structs.fields(schema)
    allowed = frozenset(f.encode_name for f in fields)
    data = json_body(
        request, allowed=allowed, required=frozenset(f.encode_name for f in fields if f.required)
    )
    data = {name: _whole_numbers(value) for name, value in data.items()}
    problems: dict[str, str] = {}
    for field in fields:
        if field.encode_name not in data:
            continue
        value = data[field.encode_name]
        try:
            msgspec.convert(value, field.type)
        except msgspec.ValidationError as error:
            said = problem(field.encode_name, value) if problem else None
            problems[field.encode_name] = said or _message(str(error), value)
    if problems:
        raise ValidationFailed("Some fields are wrong.", fields=problems)
    return msgspec.convert(data, schema)
