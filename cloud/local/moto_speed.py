"""moto's hot spots, made fast with the same answers.

moto 5.2.1 (the version then; 5.2.5 now) answered a page of 20 article summaries (a Query with a
14-attribute ``ProjectionExpression`` over items that hold the full body) in 98 ms in process and
~120 ms over HTTP, against the single-digit milliseconds DynamoDB answers in; the emulator's
slowness then dominated what ``python -m bench coldstart`` measures of the blog's own work.

- ``Item.project`` turned the whole stored item into plain JSON once per projected attribute, then
  built the projected ``Item`` through ``LimitedSizeDict``, which sums the whole dict again on every
  insert. Here only the attributes the expressions name are decoded, once, and the size limit is
  checked once on the total (the same verdict: sizes are never negative).
- A Query deep-copies every matching item whole (bodies included) before filtering and projecting
  it; ``Item.__deepcopy__``/``DynamoType.__deepcopy__`` went through ``copy.deepcopy``'s generic
  dispatch for every nested value. Here they call each other directly (memo kept: a value held
  twice is still copied once). ``DynamoType.size`` (each whole item is sized twice per Query)
  answers a string at once, and ``dynamo_to_dict`` (the response's items made plain) skips its
  generic checks for containers and string or boolean values; anything else takes moto's own path.
  With 20 published articles, the home page's Query (``ArticleRepository.list_latest``: GSI,
  filter, 14-attribute projection, Limit 20) replayed as raw HTTP took 8.5 and 7.8 ms (medians
  of 9 x 30, two runs), 5.9 and 5.5 ms with these; the whole ``list_latest`` through boto3 10.7
  and 9.7 ms, 8.3 and 7.8 ms (a DescribeLimits round trip unchanged, 1.3-1.5 ms raw). Measured
  on a shared 2-core machine, old and new servers alternately (a started ``bench.blog_stack``).
- The response serializer walked every ``AttributeValue`` member by member through its generic
  shape machinery (9,600 alias lookups for that page). moto's items are already in DynamoDB's wire
  form (``{"S": "..."}``, nested ``M``/``L`` included), so they are passed through as they are;
  anything holding binary (``B``, ``BS``), which moto encodes elsewhere, still takes moto's path.
- Every request, of any service, listed moto's package folder (``list_of_moto_modules``: ~150
  ``isdir`` calls) to route its host, and listed its handler class's methods with ``inspect`` to find
  the action: about a fifth of the server's samples for a trivial request under py-spy. Neither
  changes while the server runs, so both are read once (a DescribeLimits round trip 9.5 -> 8.4 ms when
  this was made; 2.2-3.2 ms through boto3 when the Query's figures above were taken).
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Mapping
from typing import Any, cast

from botocore.utils import merge_dicts
from moto import backends
from moto.core import responses
from moto.core.serialize import BaseJSONSerializer
from moto.dynamodb import responses as dynamodb_responses
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models import utilities
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict, deserializer, serializer
from moto.dynamodb.models.utilities import find_nested_key

_serialize_structure = BaseJSONSerializer._serialize_type_structure
_size = DynamoType.size
_dynamo_to_dict = utilities.dynamo_to_dict
_SETS = ("SS", "NS", "BS")
_LIST_ELEMENT = re.compile(r"(.+)\[(\d+)\]$")  # find_nested_key's own pattern
ITEM_SIZE_LIMIT = 405000  # LimitedSizeDict's


def project(self: Item, projection_expressions: list[list[str]]) -> Item:
    """``Item.project``, decoding once only the attributes the expressions name."""
    named: set[str] = set()
    for expression in projection_expressions:
        # The only top-level names ``find_nested_key`` looks up: the first path element as it is,
        # or without its trailing ``[n]``.
        listed = _LIST_ELEMENT.match(expression[0])
        named.update((expression[0], listed.group(1)) if listed else (expression[0],))
    read = {
        name: deserializer.deserialize(self.attrs[name].to_regular_json())
        for name in self.attrs
        if name in named
    }
    result: dict[str, Any] = {}
    for expression in projection_expressions:
        merge_dicts(result, find_nested_key(expression, read))
    return _limited_item(self.hash_key, self.range_key, serializer.serialize(result)["M"])


def _limited_item(hash_key: DynamoType, range_key: DynamoType | None, attrs: Mapping[str, Any]) -> Item:
    """``Item(hash_key, range_key, attrs)``, its size limit checked once on the total: sizes are never
    negative, so some insert exceeds the limit exactly when the total does."""
    item = _item(hash_key, range_key, {key: DynamoType(value) for key, value in attrs.items()})
    if item.size() > ITEM_SIZE_LIMIT:
        raise ItemSizeTooLarge
    return item


def _item(hash_key: DynamoType, range_key: DynamoType | None, attrs: Mapping[str, DynamoType]) -> Item:
    """An ``Item`` of these values, made without ``LimitedSizeDict``'s check on every insert (it sums
    the whole dict again each time: quadratic in the attributes). Callers check the size, if at all."""
    item = cast(Item, Item.__new__(Item))
    item.hash_key, item.range_key = hash_key, range_key
    item.attrs = LimitedSizeDict()
    for key, value in attrs.items():
        dict.__setitem__(item.attrs, key, value)
    return item


def deepcopy_value(self: DynamoType, memo: dict[int, Any]) -> DynamoType:
    """``DynamoType.__deepcopy__``, copying nested values without going through ``copy.deepcopy``.

    A Query deep-copies every matching item whole (article bodies included) before projecting it;
    ``copy.deepcopy``'s generic dispatch per attribute value was most of that. The memo is kept, so
    a value met twice is still copied once.
    """
    copied = self.__class__.__new__(self.__class__)
    memo[id(self)] = copied
    copied.type = kind = self.type
    value = self.value
    if kind == "L":
        copied.value = [_copy(v, memo) for v in value]
    elif kind == "M":
        copied.value = {k: _copy(v, memo) for k, v in value.items()}
    elif kind in _SETS:
        copied.value = list(value)
    else:
        copied.value = value
    return copied


def _copy(value: Any, memo: dict[int, Any]) -> Any:
    if type(value) is not DynamoType:
        return copy.deepcopy(value, memo)
    found = memo.get(id(value))
    return found if found is not None else deepcopy_value(value, memo)


def copy_item(self: Item, memo: dict[int, Any]) -> Item:
    """``Item.__deepcopy__`` (which already skips the size check: the item passed it on write),
    through ``_copy``."""
    attrs = {key: _copy(value, memo) for key, value in self.attrs.items()}
    item = _item(_copy(self.hash_key, memo), _copy(self.range_key, memo), attrs)
    memo[id(self)] = item
    return item


def size(self: DynamoType) -> int:
    """``DynamoType.size``, straight to the answer for a string (a Query sizes each whole item twice)."""
    value = self.value
    if type(value) is str:
        if self.type == "N":
            return len(value)
        if self.type in ("S", "B"):
            return len(value.encode("utf-8"))
    return _size(self)


def dynamo_to_dict(obj: Any) -> Any:
    """moto's ``dynamo_to_dict`` (the response's items as plain values), skipping its generic checks
    for what a response mostly holds: containers, and string or boolean attribute values."""
    kind = type(obj)
    if kind is DynamoType and type(obj.value) in (str, bool) and obj.type not in ("B", "BS"):
        return {obj.type: obj.value}
    if kind is dict or kind is LimitedSizeDict:
        return {key: dynamo_to_dict(value) for key, value in obj.items()}
    if kind is list:
        return [dynamo_to_dict(value) for value in obj]
    if kind in (str, int, bool):
        return obj
    return _dynamo_to_dict(obj)


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
    Item.__deepcopy__ = copy_item  # type: ignore[method-assign]
    DynamoType.__deepcopy__ = deepcopy_value  # type: ignore[method-assign]
    DynamoType.size = size  # type: ignore[method-assign]
    utilities.dynamo_to_dict = dynamo_to_dict  # the original's recursion goes through it too
    dynamodb_responses.dynamo_to_dict = dynamo_to_dict
    BaseJSONSerializer._serialize_type_structure = serialize_structure  # type: ignore[method-assign]
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
    responses.method_names_from_class = functools.cache(responses.method_names_from_class)
