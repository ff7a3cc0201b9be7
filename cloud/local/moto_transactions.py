"""moto's DynamoDB TransactWriteItems, rolled back by undoing its own writes.

moto 5.2.1's ``DynamoDBBackend.transact_write_items`` deep-copies every table a transaction touches
(all its items and the stream's whole record history) before each transaction, and when one is
cancelled it replaces the table object with that copy. Two consequences, measured here:

- Cost. Each like copies everything written so far, so a run is quadratic. ``python -m bench
  likes`` at 8 threads x 40 likes: 8 likes/s, emulator peak RSS 1,827 MiB; at 8 x 80: 5 likes/s,
  5,878 MiB; the full 8 x 250 grew it past 17 GB. With this method: 8 x 40 at 45 likes/s
  (135 MiB), 8 x 250 at 49-57 likes/s (162-167 MiB); exact counts every time.
- The stream. The copy brings its own stream shard, while moto's shard iterators hold the old one:
  an iterator taken before a cancelled transaction (a duplicate like) returned the cancelled
  writes as records, then none of the later ones (tests/cloud/test_transactions.py).

This method keeps moto's behaviour (the same limits, checks, exceptions and cancellation reasons;
writes through moto's own put/update/delete_item) but remembers, before each write, a copy of the
item it replaces (or its absence) and the length of the table's stream; a cancelled transaction
puts those items back and truncates the stream. Tables are never replaced. Nothing interleaves:
cloud.local.moto_server serves DynamoDB requests one at a time.
"""

from __future__ import annotations

import copy
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

OPERATIONS = {"ConditionCheck", "Put", "Delete", "Update"}


class Undo:
    """The items a transaction replaced and the stream lengths it started from, to put back."""

    def __init__(self) -> None:
        self.items: list[tuple[Table, DynamoType, DynamoType | None, Item | None]] = []
        self.stream_lengths: dict[str, tuple[Table, int]] = {}

    def remember(self, backend: DynamoDBBackend, table_name: str, key: dict[str, Any]) -> None:
        """Call before writing the item at ``key``."""
        table = backend.get_table(table_name)
        hash_key, range_key = backend.get_keys_value(table, key)
        self.items.append((table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))
        if table.stream_shard is not None:
            self.stream_lengths.setdefault(table.name, (table, len(table.stream_shard.items)))

    def rollback(self) -> None:
        for table, hash_key, range_key, item in reversed(self.items):
            if range_key is None:
                if item is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = item  # type: ignore[assignment]  # as moto stores it
            elif item is None:
                partition = table.items.get(hash_key, {})
                partition.pop(range_key, None)
                if not partition:
                    table.items.pop(hash_key, None)
            else:
                table.items[hash_key][range_key] = item
        for table, length in self.stream_lengths.values():
            if table.stream_shard is not None:
                del table.stream_shard.items[length:]


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    """``DynamoDBBackend.transact_write_items`` without its per-transaction copy of the tables."""
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    undo = Undo()
    targets: set[tuple[str, str]] = set()
    errors: list[tuple[str, str, dict[str, Any] | None] | tuple[None, None, None]] = []
    try:
        for entry in transact_items:
            if len(entry) > 1:
                raise TransactWriteSingleOpException()
            old_item: dict[str, Any] | None = None  # the item, for a failed condition asking ALL_OLD
            try:
                op_type, op = next(iter(entry.items()))
                if op_type not in OPERATIONS:
                    raise ValueError("Unsupported transaction operation")
                table_name = op["TableName"]
                if op_type == "Put":
                    table = self.get_table(table_name)
                    key_names = [
                        table.hash_key_attr,
                        *([table.range_key_attr] if table.range_key_attr else []),
                    ]
                    key = {name: op["Item"][name] for name in key_names}
                else:
                    key = op["Key"]
                target = (str(table_name), str(dict(sorted(key.items()))))
                if target in targets:
                    raise MultipleTransactionsException()
                targets.add(target)

                condition = op.get("ConditionExpression")
                names = op.get("ExpressionAttributeNames")
                values = op.get("ExpressionAttributeValues")
                current = self.get_item(table_name, key)
                if not get_filter_expression(condition, names, values).expr(current):  # no condition: true
                    if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                        old_item = current.to_json()["Attributes"]
                    raise ConditionalCheckFailed(item=old_item)

                if op_type != "ConditionCheck":
                    undo.remember(self, table_name, key)
                    write(self, op_type, op, key)
                errors.append((None, None, None))
            except MockValidationException:  # MultipleTransactionsException among them
                raise
            except ConditionalCheckFailed as error:
                errors.append(("ConditionalCheckFailed", str(error.message), old_item))
            except Exception as error:
                errors.append((type(error).__name__, str(error), old_item))
        if any(code is not None for code, _, _ in errors):
            raise TransactionCanceledException(errors)
    except BaseException:
        undo.rollback()
        raise


def write(backend: DynamoDBBackend, op_type: str, op: dict[str, Any], key: dict[str, Any]) -> None:
    """Apply one Put, Delete or Update through moto's own methods (which check the condition again)."""
    table_name = op["TableName"]
    expression: dict[str, Any] = {
        "condition_expression": op.get("ConditionExpression"),
        "expression_attribute_names": op.get("ExpressionAttributeNames"),
        "expression_attribute_values": op.get("ExpressionAttributeValues"),
    }
    if op_type == "Put":
        backend.put_item(table_name, op["Item"], **expression)
    elif op_type == "Delete":
        backend.delete_item(table_name, key, **expression)
    else:
        backend.update_item(table_name, key, update_expression=op["UpdateExpression"], **expression)


def install() -> None:
    """Use :func:`transact_write_items` in this process's moto."""
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
