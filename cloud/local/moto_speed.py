"""moto's hot spots, made fast with the same answers.

moto 5.2.1 answered a page of 20 article summaries (a Query with a 14-attribute
``ProjectionExpression`` over items that hold the full body) in 98 ms in process and ~120 ms over
HTTP, against the single-digit milliseconds DynamoDB answers in; the emulator's slowness then
dominated what ``python -m bench coldstart`` measures of the blog's own work.

- ``Item.project`` turned the whole stored item into plain JSON once per projected attribute. Here
  it is decoded once; the projection only reads it (and merges back values of the same item).
- The response serializer walked every ``AttributeValue`` member by member through its generic
  shape machinery (9,600 alias lookups for that page). moto's items are already in DynamoDB's wire
  form (``{"S": "..."}``, nested ``M``/``L`` included), so they are passed through as they are;
  anything holding binary (``B``, ``BS``), which moto encodes elsewhere, still takes moto's path.
- Every request, of any service, listed moto's package folder (``list_of_moto_modules``: ~150
  ``isdir`` calls) to route its host, and listed its handler class's methods with ``inspect`` to find
  the action: about a fifth of the server's samples for a trivial request under py-spy. Neither
  changes while the server runs, so both are read once (a DescribeLimits round trip 9.5 -> 8.4 ms).
"""

from __future__ import annotations

import functools
from typing import Any

from botocore.utils import merge_dicts
from moto import backends
from moto.core import responses
from moto.core.serialize import BaseJSONSerializer
from moto.dynamodb.models.dynamo_type import Item, serializer
from moto.dynamodb.models.utilities import find_nested_key

_serialize_structure = BaseJSONSerializer._serialize_type_structure


def project(self: Item, projection_expressions: list[list[str]]) -> Item:
    """``Item.project``, decoding the item once."""
    whole = self.to_regular_json()
    result: dict[str, Any] = {}
    for expression in projection_expressions:
        merge_dicts(result, find_nested_key(expression, whole))
    attrs = dict(serializer.serialize(result)["M"])
    return Item(hash_key=self.hash_key, range_key=self.range_key, attrs=attrs)


def _wire_ready(value: Any) -> bool:
    """Whether an attribute value is plain wire JSON (no binary anywhere in it)."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (kind, inner), *_ = value.items()
    if kind in ("B", "BS"):
        return False
    if kind == "M":
        return isinstance(inner, dict) and all(_wire_ready(v) for v in inner.values())
    if kind == "L":
        return isinstance(inner, list) and all(_wire_ready(v) for v in inner)
    return True


def serialize_structure(self: BaseJSONSerializer, serialized: Any, value: Any, shape: Any, key: str) -> None:
    """``_serialize_type_structure``, passing DynamoDB attribute values through as they are."""
    if key and shape.name == "AttributeValue" and _wire_ready(value):
        self._default_serialize(serialized, value, shape, key)
        return
    _serialize_structure(self, serialized, value, shape, key)


def install() -> None:
    """Use all of them in this process's moto (its server, after every other patch is installed)."""
    Item.project = project  # type: ignore[method-assign]
    BaseJSONSerializer._serialize_type_structure = serialize_structure  # type: ignore[method-assign]
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
    responses.method_names_from_class = functools.cache(responses.method_names_from_class)
