"""IAM enforcement in the emulator, closer to AWS than moto's own, and an audit of every decision.

Only for the IAM rehearsal (tests/deploy/test_iam_enforcement.py); the default emulator never loads
it. moto enforces IAM once ``INITIAL_NO_AUTH_ACTION_COUNT`` requests have been served (turned on at
run time with ``POST /moto-api/reset-auth``), for IAM users and assumed-role sessions, but it judges
most services' actions against the resource ``*``, so a policy naming its table, stream, parameter
or workgroup would refuse every call. This module gives moto what AWS checks:

- the resource of each request: DynamoDB tables, indexes and streams, Firehose delivery streams, SSM
  parameters, Athena workgroups, Cognito user pools, SQS queues by name (moto knows them by URL),
  and the object key of an S3 form (presigned POST) upload;
- the actions AWS authorizes for a request where they differ from its name: a DynamoDB transaction
  is allowed item by item (``TransactWriteItems`` needs ``PutItem``/``UpdateItem``/``DeleteItem``/
  ``ConditionCheckItem`` on each table; there is no ``dynamodb:TransactWriteItems`` action), a batch
  on each table it names, an SQS batch as its single action (``DeleteMessageBatch``: ``DeleteMessage``);
- a presigned POST is judged with its signer's permissions (moto would fail on its missing
  ``Authorization`` header); its policy and signature are still not checked (see ARCHITECTURE.md);
- IAM's prefix where it is not the signing name (CloudWatch signs as ``monitoring``);
- Cognito's unauthenticated operations as AWS lists them (moto leaves out ``ConfirmForgotPassword``,
  ``RespondToAuthChallenge`` ...).

What stays as moto does it: condition keys (moto evaluates none outside trust policies: a statement
with a ``Condition`` refuses its actions), resource-based policies (bucket and queue policies are not
read), and the checks AWS makes on the caller's behalf inside a service (Athena reading Glue and S3,
SSM decrypting with KMS) since moto's services make no such calls.

Each decision is appended to ``audit`` as one JSON line: principal, action, resource, allowed.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

PUBLIC_COGNITO_OPERATIONS = tuple(
    f"AWSCognitoIdentityProviderService.{operation}"
    for operation in (
        "SignUp",
        "ConfirmSignUp",
        "ResendConfirmationCode",
        "InitiateAuth",
        "RespondToAuthChallenge",
        "ForgotPassword",
        "ConfirmForgotPassword",
        "GetUser",
        "GlobalSignOut",
        "RevokeToken",
        "ChangePassword",
    )
)
_TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}

# moto names an action after the service's signing name; IAM's prefix differs for some services.
IAM_PREFIXES = {"monitoring": "cloudwatch"}
_SQS_BATCHES = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}

Permission = tuple[str, str]  # (action without the service prefix, resource ARN)


def _json_body(response: Any) -> dict[str, Any]:
    body = response.body
    if isinstance(body, dict):  # some of moto's services parse it first
        return body
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    try:
        parsed = json.loads(body or "{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _arn(response: Any, service: str, resource: str) -> str:
    return f"arn:aws:{service}:{response.region}:{response.current_account}:{resource}"


def _dynamodb(response: Any, action: str) -> list[Permission]:
    body = _json_body(response)

    def table(name: str) -> str:
        return _arn(response, "dynamodb", f"table/{name}")

    if action in ("TransactWriteItems", "TransactGetItems"):
        found: list[Permission] = []
        for item in body.get("TransactItems", []):
            for kind, request in item.items():
                found.append((_TRANSACT_ACTIONS[kind], table(request["TableName"])))
        return found
    if action in ("BatchGetItem", "BatchWriteItem"):
        return [(action, table(name)) for name in body.get("RequestItems", {})]
    if "StreamArn" in body:
        return [(action, str(body["StreamArn"]))]
    if "ShardIterator" in body:  # moto's iterators are "<stream ARN>|1|<id>"
        return [(action, str(body["ShardIterator"]).split("|", 1)[0])]
    if "TableName" in body:
        resource = table(body["TableName"])
        if body.get("IndexName"):
            resource += f"/index/{body['IndexName']}"
        return [(action, resource)]
    return [(action, "*")]


def _athena(response: Any, action: str) -> list[Permission]:
    body = _json_body(response)
    workgroup = body.get("WorkGroup")
    if workgroup is None and "QueryExecutionId" in body:
        from moto.athena.models import athena_backends

        execution = athena_backends[response.current_account][response.region].executions.get(
            body["QueryExecutionId"]
        )
        found = getattr(execution, "workgroup", None)
        workgroup = getattr(found, "name", None) or "primary"
    return [(action, _arn(response, "athena", f"workgroup/{workgroup or 'primary'}"))]


def _ssm(response: Any, action: str) -> list[Permission]:
    names = _json_body(response).get("Names") or [_json_body(response).get("Name", "")]
    return [
        (action, _arn(response, "ssm", f"parameter{n}" if n.startswith("/") else f"parameter/{n}"))
        for n in names
    ]


def _single(service: str, field: str, resource: str) -> Callable[[Any, str], list[Permission]]:
    def permissions(response: Any, action: str) -> list[Permission]:
        value = _json_body(response).get(field)
        return [(action, _arn(response, service, resource.format(value)) if value else "*")]

    return permissions


_RESOURCES: dict[str, Callable[[Any, str], list[Permission]]] = {
    "dynamodb": _dynamodb,
    "athena": _athena,
    "ssm": _ssm,
    "firehose": _single("firehose", "DeliveryStreamName", "deliverystream/{}"),
    "cognito-idp": _single("cognito-idp", "UserPoolId", "userpool/{}"),
}


def requested_permissions(response: Any, service: str, action: str, resource: str) -> list[Permission]:
    """Return what AWS authorizes for this request: (action, resource) pairs, all of which must pass."""
    if service in _RESOURCES:
        return _RESOURCES[service](response, action)
    if service == "sqs" and action in _SQS_BATCHES:  # authorized as the single action, on the queue
        return [(_SQS_BATCHES[action], resource)]
    if service == "sqs" and action == "GetQueueUrl":
        name = _json_body(response).get("QueueName") or response.querystring.get("QueueName", [""])[0]
        return [(action, _arn(response, "sqs", name))]
    return [(action, resource)]


class Audit:
    """Append each decision to a JSON-lines file (requests are served on many threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()

    def record(self, principal: str, action: str, resource: str, allowed: bool) -> None:
        line = json.dumps(
            {"principal": principal, "action": action, "resource": resource, "allowed": allowed}
        )
        with self.lock, self.path.open("a") as file:
            file.write(line + "\n")


def install(audit_path: Path) -> None:
    """Replace moto's authorization step with the one described above, auditing into ``audit_path``."""
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.iam.access_control import IAMPolicy, PermissionResult, create_access_key
    from moto.s3.exceptions import S3AccessDeniedError
    from moto.utilities.utils import get_partition

    audit = Audit(audit_path)

    def authorize_form_upload(self: Any, resource: str) -> None:
        """Judge an S3 form upload (presigned POST) with the permissions of the key that signed it."""
        form = self.querystring
        # SigV4 forms name the key in x-amz-credential ("<key id>/<date>/..."), SigV2 ones in AWSAccessKeyId.
        key_id = (form.get("x-amz-credential") or form.get("AWSAccessKeyId") or [""])[0].split("/")[0]
        key = form.get("key", [""])[0]
        resource = f"{resource}/{key}" if key else resource
        token = form.get("x-amz-security-token", [None])[0]
        headers = {"X-Amz-Security-Token": token} if token else {}
        try:
            signer = create_access_key(self.current_account, get_partition(self.region), key_id, headers)
        except Exception:
            audit.record(key_id or "anonymous", "s3:PutObject", resource, False)
            raise S3AccessDeniedError() from None
        results = [
            IAMPolicy(policy).is_action_permitted("s3:PutObject", resource)
            for policy in signer.collect_policies()
        ]
        allowed = PermissionResult.PERMITTED in results and PermissionResult.DENIED not in results
        audit.record(signer.arn, "s3:PutObject", resource, allowed)
        if not allowed:
            raise S3AccessDeniedError()

    def authorize(self: Any, iam_request_cls: type, resource: str = "*") -> None:
        if ActionAuthenticatorMixin.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT:
            ActionAuthenticatorMixin.request_count += 1
            return
        if self.headers.get("X-Amz-Target") in PUBLIC_COGNITO_OPERATIONS:
            return
        if "Authorization" not in self.headers and self.method == "POST" and "policy" in self.querystring:
            authorize_form_upload(self, resource)
            return
        query = urllib.parse.urlparse(self.uri).query
        path = self.raw_path + (f"?{query}" if query else "")
        action = self._get_action()
        action = action[0] if isinstance(action, list) else action

        def request(name: str) -> Any:
            return iam_request_cls(
                account_id=self.current_account,
                method=self.method,
                path=path,
                data=self.data,
                body=self.raw_body,
                headers=self.headers,
                action=name,
            )

        first = request(action)
        first.check_signature()
        principal = first._access_key.arn
        service = first._service
        prefix = IAM_PREFIXES.get(service, service)
        for name, target in requested_permissions(self, service, action, resource):
            judged = request(name)
            judged._action = f"{prefix}:{name}"
            try:
                judged.check_action_permitted(target)
            except Exception:
                audit.record(principal, judged._action, target, False)
                raise
            audit.record(principal, judged._action, target, True)

    ActionAuthenticatorMixin._authenticate_and_authorize_action = authorize  # type: ignore[method-assign]
