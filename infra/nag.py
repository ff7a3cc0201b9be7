"""Helpers for precise cdk-nag suppressions (``applies_to`` names resources as the template does)."""

from __future__ import annotations

from aws_cdk import CfnResource, Stack
from constructs import IConstruct


def logical_id(construct: IConstruct) -> str:
    """Return the CloudFormation logical id of ``construct`` (or of its default child)."""
    resource = construct.node.default_child or construct
    stack = Stack.of(construct)
    return str(stack.resolve(stack.get_logical_id(resource)))  # type: ignore[arg-type]


def arn_reference(construct: IConstruct) -> str:
    """Return how cdk-nag writes ``construct``'s ARN in a finding: ``<LogicalId.Arn>``."""
    assert isinstance(construct.node.default_child or construct, CfnResource)
    return f"<{logical_id(construct)}.Arn>"


LOG_GROUP_KEY = (
    "CloudWatch Logs encrypts every log group at rest with its own keys; a customer-managed KMS key "
    "costs $1 a month plus requests and a key policy, and these logs hold no secrets."
)


def checkov_skip(construct: IConstruct, reasons: dict[str, str]) -> None:
    """Have checkov skip ``reasons``' checks on ``construct``'s resource, each with its reason.

    checkov reads ``Metadata.checkov.skip`` (``[{"id": ..., "comment": ...}]``) in the template.
    """
    resource = construct.node.default_child or construct
    assert isinstance(resource, CfnResource), construct.node.path
    existing = resource.get_metadata("checkov") or {"skip": []}
    skips = [*existing["skip"], *({"id": check, "comment": reason} for check, reason in reasons.items())]
    resource.add_metadata("checkov", {"skip": skips})
