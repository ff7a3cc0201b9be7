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
