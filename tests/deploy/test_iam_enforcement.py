"""The app under the production role's credentials, with IAM enforced: every call it makes is allowed
by the policy infra/ writes, and calls it does not need are refused.

How, and where the emulator stops:
- A moto server of its own judges IAM (moto's ``INITIAL_NO_AUTH_ACTION_COUNT``, turned on with
  ``/moto-api/reset-auth`` once the resources exist) with the resources and actions AWS would check
  (cloud/local/moto_iam.py: DynamoDB tables/indexes/streams, Firehose, SSM, Athena, Cognito and SQS
  ARNs; transactions item by item; presigned POSTs by their signer), and logs every decision.
- The role and its customer-managed policy are created from the synthesized data stack (their
  ``AssumeRolePolicyDocument`` and ``PolicyDocument``, intrinsics resolved against the resources),
  not restated. The resources themselves are made by the local bootstrap under the deployed names,
  because moto's CloudFormation cannot make all of them (test_rehearsal.py reports which).
- The credentials are an **assumed-role session** (sts:AssumeRole of ``blog-production-lambda``), as
  Lambda gives the function: moto enforces those sessions with the role's attached policies. The
  AssumeRole itself happens before enforcement is on, playing the Lambda service (moto cannot judge
  a service principal in a trust policy).
- "The function" is the Lambda package (``zappa package``, unpacked) in an interpreter that sees
  only it, with the function's environment and only those credentials: one warm container. The test plays
  API Gateway, the browser (the presigned POST) and the two event-source mappings, which in AWS poll
  the queue and read the stream with the function's role: those calls use the role's credentials too.
- Not shown here, because moto makes no such calls or checks no such thing: condition keys (the
  ``kms:ViaService`` statement: moto's SSM decrypts without KMS), resource-based policies, Athena
  reading Glue and S3 with the caller's permissions (moto's Athena returns canned rows), CloudWatch
  Logs writes (Lambda's runtime makes them), API Gateway invoking the function (Zappa's integration).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from cloud import aws
from cloud.local import emulator
from cloud.local.bootstrap import DEMO_ADMIN_PASSWORD, DEMO_AUTHOR_PASSWORD, LOCAL_ACCOUNT, bootstrap
from cloud.local.lambda_runtime import api_gateway_event, response_body
from cloud.local.sqs_runner import lambda_event
from cloud.local.stack import TEST_CREDENTIALS
from cloud.local.stream_runner import lambda_record
from infra.config import REGION, ZAPPA_SETTINGS, cdk_context, deployed_names, stage_config
from infra.zappa_env import settings_with_outputs
from tools.package_run import lambda_handler_path

from .conftest import BuiltPackage

STAGE = "production"
HOST = "blog.example.com"
PAGE_TOKEN = re.compile(r'name="page_token" value="([^"]+)"')
CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")
MESSAGES_COOKIE = re.compile(r"messages=([^;]+)")


# --- The role, from the synthesized template ----------------------------------------------------


def physical_arn(resource: dict[str, Any], *, user_pool_id: str) -> str:
    """Return the ARN CloudFormation would give ``resource`` (``Fn::GetAtt [id, Arn]``).

    The user pool's id is drawn when it is created: the emulated pool's id stands in.
    """
    kind, properties = resource["Type"], resource["Properties"]
    arns = {
        "AWS::Cognito::UserPool": lambda: (
            f"arn:aws:cognito-idp:{REGION}:{LOCAL_ACCOUNT}:userpool/{user_pool_id}"
        ),
        "AWS::DynamoDB::Table": lambda: (
            f"arn:aws:dynamodb:{REGION}:{LOCAL_ACCOUNT}:table/{properties['TableName']}"
        ),
        "AWS::S3::Bucket": lambda: f"arn:aws:s3:::{properties['BucketName']}",
        "AWS::SQS::Queue": lambda: f"arn:aws:sqs:{REGION}:{LOCAL_ACCOUNT}:{properties['QueueName']}",
        "AWS::KinesisFirehose::DeliveryStream": lambda: (
            f"arn:aws:firehose:{REGION}:{LOCAL_ACCOUNT}:deliverystream/{properties['DeliveryStreamName']}"
        ),
    }
    return arns[kind]()


def resolve(value: Any, template: dict[str, Any], *, user_pool_id: str) -> Any:
    """Resolve the intrinsics a policy document uses (Ref of pseudo parameters, GetAtt Arn, Join)."""
    pseudo = {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": LOCAL_ACCOUNT}
    if isinstance(value, list):
        return [resolve(item, template, user_pool_id=user_pool_id) for item in value]
    if not isinstance(value, dict):
        return value
    if value.keys() == {"Ref"} and value["Ref"] in pseudo:
        return pseudo[value["Ref"]]
    if value.keys() == {"Fn::GetAtt"}:
        logical_id, attribute = value["Fn::GetAtt"]
        assert attribute == "Arn", value
        return physical_arn(template["Resources"][logical_id], user_pool_id=user_pool_id)
    if value.keys() == {"Fn::Join"}:
        separator, parts = value["Fn::Join"]
        return separator.join(resolve(part, template, user_pool_id=user_pool_id) for part in parts)
    if len(value) == 1 and next(iter(value)).startswith(("Fn::", "Ref")):
        raise AssertionError(f"an intrinsic this test does not resolve: {value}")
    return {key: resolve(item, template, user_pool_id=user_pool_id) for key, item in value.items()}


def create_role_from_template(template: dict[str, Any], *, user_pool_id: str) -> tuple[str, dict[str, Any]]:
    """Create the function's role and its managed policy as synthesized; return the role ARN and policy."""
    resources = template["Resources"]
    (policy,) = [
        r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::IAM::ManagedPolicy" and r["Properties"]["ManagedPolicyName"].endswith("-app")
    ]
    (role,) = [
        r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::IAM::Role"
        and r["Properties"].get("RoleName") == stage_config(STAGE).lambda_role_name
    ]
    document = resolve(policy["PolicyDocument"], template, user_pool_id=user_pool_id)
    iam = aws.client("iam")
    created = iam.create_policy(PolicyName=policy["ManagedPolicyName"], PolicyDocument=json.dumps(document))
    arn = iam.create_role(
        RoleName=role["RoleName"],
        AssumeRolePolicyDocument=json.dumps(
            resolve(role["AssumeRolePolicyDocument"], template, user_pool_id=user_pool_id)
        ),
    )["Role"]["Arn"]
    assert role["ManagedPolicyArns"] == [
        {"Ref": next(k for k, r in resources.items() if r["Properties"] is policy)}
    ]
    iam.attach_role_policy(RoleName=role["RoleName"], PolicyArn=created["Policy"]["Arn"])
    return str(arn), document


# --- The rehearsal's stack ------------------------------------------------------------------------


# One warm Lambda container: the unpacked package's handler in an interpreter that sees only it
# (as tools/package_run.py runs it), answering the events on stdin one JSON line each.
_CONTAINER = r"""
import importlib, json, sys, types, uuid
task, handler_path = sys.argv[1:3]
sys.path.insert(0, task)
answers, sys.stdout = sys.stdout, sys.stderr  # the app's logs must not mix with the answers
module_name, _, function_name = handler_path.rpartition(".")
handler = getattr(importlib.import_module(module_name), function_name)
for line in sys.stdin:
    context = types.SimpleNamespace(
        aws_request_id=str(uuid.uuid4()), function_name="blog-production", memory_limit_in_mb=1024,
        get_remaining_time_in_millis=lambda: 29000,
        invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:blog-production",
    )
    try:
        answer = {"result": handler(json.loads(line), context)}
    except Exception as error:  # Lambda reports an invocation error; so does this
        answer = {"error": type(error).__name__, "message": str(error)[:2000]}
    answers.write(json.dumps(answer, default=str) + "\n")
    answers.flush()
"""


class Function:
    """The function's process: send an event, get its answer (a warm container between calls)."""

    def __init__(self, unpacked: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-S", "-B", "-c", _CONTAINER, str(unpacked), lambda_handler_path()],
            cwd=unpacked,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __call__(self, event: dict[str, Any]) -> Any:
        assert self.process.stdin
        assert self.process.stdout
        self.process.stdin.write(json.dumps(event) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline() or '{"error": "the function exited"}')
        assert "error" not in answer, answer
        return answer["result"]

    def page(self, method: str, path: str, **options: Any) -> tuple[int, dict[str, str], bytes]:
        headers = {"Host": HOST, **options.pop("headers", {})}
        result = self(api_gateway_event(method, path, headers=headers, **options))
        flat = {k: ", ".join(v) for k, v in (result.get("multiValueHeaders") or {}).items()}
        return int(result["statusCode"]), {**flat, **(result.get("headers") or {})}, response_body(result)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)


class Rehearsal:
    def __init__(self, url: str, audit: Path, role_session: dict[str, str], policy: dict[str, Any]) -> None:
        self.url = url
        self.audit = audit
        self.session = boto3.session.Session(
            aws_access_key_id=role_session["AccessKeyId"],
            aws_secret_access_key=role_session["SecretAccessKey"],
            aws_session_token=role_session["SessionToken"],
            region_name=REGION,
        )
        self.policy = policy

    def client(self, service: str) -> Any:
        """A client with the function's role credentials (the event-source mappings' callers)."""
        return self.session.client(service, endpoint_url=self.url)  # type: ignore[call-overload]

    def decisions(self) -> list[dict[str, Any]]:
        lines = self.audit.read_text().splitlines() if self.audit.exists() else []
        return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def rehearsal(
    built_package: BuiltPackage, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Rehearsal, Function, dict[str, str]]]:
    from tools.synth import templates

    folder = tmp_path_factory.mktemp("iam")
    audit = folder / "iam-audit.jsonl"
    port = emulator.free_port()
    saved = dict(os.environ)
    os.environ.update({**TEST_CREDENTIALS, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"})
    for variable in [
        v for v in os.environ if v.endswith("_NAME") or v in ("RESOURCE_PREFIX", "AWS_SESSION_TOKEN")
    ]:
        os.environ.pop(variable)
    aws.reset()
    process = emulator.start(port, log=folder / "moto.log", iam_audit=audit)
    function: Function | None = None
    try:
        config = stage_config(STAGE, cdk_context())
        template = templates(STAGE, account=LOCAL_ACCOUNT)[config.data_stack]
        names = deployed_names(config.names, account=LOCAL_ACCOUNT, region=REGION)
        stack = bootstrap(names)  # demo users: an author and an admin
        (workgroup,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::Athena::WorkGroup"]
        aws.client("athena").create_work_group(
            Name=workgroup["Properties"]["Name"],
            Configuration={
                "ResultConfiguration": {"OutputLocation": f"s3://{names.athena_results_bucket}/results/"}
            },
        )
        aws.client("dynamodb").create_table(  # somebody else's table, in the same account
            TableName="another-app-table",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        for variable in ("DJANGO_SECRET_KEY_PARAMETER", "VISITOR_HASH_KEY_PARAMETER"):
            parameter = _baked_environment().get(variable)
            if parameter:
                aws.client("ssm").put_parameter(
                    Name=parameter, Value=secrets.token_urlsafe(50), Type="SecureString", Overwrite=True
                )
        role_arn, policy = create_role_from_template(template, user_pool_id=stack.user_pool_id)
        role_session = aws.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="blog-production")[
            "Credentials"
        ]
        outputs = {
            "CognitoUserPoolId": stack.user_pool_id,
            "CognitoClientId": stack.user_pool_client_id,
            "MediaDomain": "d111111abcdef8.cloudfront.net",
            "UploadQueueArn": f"arn:aws:sqs:{REGION}:{LOCAL_ACCOUNT}:{names.upload_queue}",
            "MediaBucketName": names.media_bucket,
            "LakeBucketName": names.lake_bucket,
            "AthenaResultsBucketName": names.athena_results_bucket,
            "CertificateArn": f"arn:aws:acm:{REGION}:{LOCAL_ACCOUNT}:certificate/emulated",
        }
        domain_config = stage_config(STAGE, {"stages": {STAGE: {"domain": HOST}}})
        settings = settings_with_outputs(
            json.loads(ZAPPA_SETTINGS.read_text()),
            stage=STAGE,
            account=LOCAL_ACCOUNT,
            outputs=outputs,
            api_host=None,
            config=domain_config,
        )
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "AWS_ENDPOINT_URL": os.environ["AWS_ENDPOINT_URL"],
            "AWS_ACCESS_KEY_ID": role_session["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": role_session["SecretAccessKey"],
            "AWS_SESSION_TOKEN": role_session["SessionToken"],
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_LAMBDA_FUNCTION_NAME": config.function_name,
            **settings[STAGE]["aws_environment_variables"],
        }
        emulator.enforce_iam(os.environ["AWS_ENDPOINT_URL"], after=0)  # from here on, IAM decides
        function = Function(built_package.unpacked, env)
        yield (
            Rehearsal(os.environ["AWS_ENDPOINT_URL"], audit, role_session, policy),
            function,
            {
                "pool_client": stack.user_pool_client_id,
                "table": names.table,
                "media_bucket": names.media_bucket,
                "lake_bucket": names.lake_bucket,
                "upload_queue": names.upload_queue,
            },
        )
    finally:
        if function is not None:
            function.close()
        process.terminate()
        process.wait(timeout=10)
        os.environ.clear()
        os.environ.update(saved)
        aws.reset()


def _jpeg() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (800, 600), (40, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _baked_environment() -> dict[str, str]:
    from infra.config import zappa_stage

    return dict(zappa_stage(STAGE).get("environment_variables", {}))


def _token(rehearsal: Rehearsal, client_id: str, username: str, password: str) -> str:
    """Sign in as the browser would: Cognito's InitiateAuth is a public (unsigned-for-IAM) operation."""
    answer = rehearsal.client("cognito-idp").initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return str(answer["AuthenticationResult"]["AccessToken"])


def _deliver_stream(rehearsal: Rehearsal, function: Function, table: str) -> int:
    """Play the stream's event-source mapping with the function's role: read the shard, invoke."""
    dynamodb, streams = rehearsal.client("dynamodb"), rehearsal.client("dynamodbstreams")
    stream_arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    assert any(s["StreamArn"] == stream_arn for s in streams.list_streams(TableName=table)["Streams"])
    delivered = 0
    for shard in streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records = streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]
        for start in range(0, len(records), 100):  # the mapping's batch size (infra/wiring.py)
            batch = [lambda_record(r, stream_arn=stream_arn) for r in records[start : start + 100]]
            assert function({"Records": batch}) == {"batchItemFailures": []}
            delivered += len(batch)
    return delivered


def _deliver_uploads(rehearsal: Rehearsal, function: Function, queue: str) -> int:
    """Play Zappa's SQS mapping with the function's role: receive, invoke, delete what succeeded."""
    sqs = rehearsal.client("sqs")
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    handled = 0
    while True:  # until the queue is empty (S3's test event comes first)
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=1).get(
            "Messages", []
        )
        if not messages:
            break
        function(lambda_event(messages, queue_arn=arn))  # raises if the upload failed
        sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
        handled += 1
    return handled


def test_the_app_runs_under_the_role_infra_writes_and_nothing_else_is_allowed(rehearsal) -> None:
    checks, function, names = rehearsal

    # An author publishes (API), readers open the home page and the article, and like it.
    author = {
        "Authorization": f"Bearer {_token(checks, names['pool_client'], 'author', DEMO_AUTHOR_PASSWORD)}"
    }
    title = f"Under the role {uuid.uuid4().hex[:8]}"
    status, _, body = function.page(
        "POST", "/api/articles", headers=author, body={"title": title, "body": "IAM **enforced**."}
    )
    assert status == 201, body
    article = json.loads(body)
    status, _, body = function.page("GET", "/")
    assert status == 200
    assert title.encode() in body
    status, headers, body = function.page("GET", f"/articles/{article['slug']}/")
    assert status == 200, body
    csrf = CSRF_COOKIE.search(headers.get("Set-Cookie", ""))
    page_token = PAGE_TOKEN.search(body.decode())
    assert csrf, headers
    assert page_token, body
    status, _, body = function.page(
        "POST",
        f"/api/articles/{article['id']}/like",
        headers={
            "X-CSRFToken": csrf.group(1),
            "X-Page-Token": page_token.group(1),
            "Cookie": f"csrftoken={csrf.group(1)}",
            "Referer": f"https://{HOST}/articles/{article['slug']}/",
        },
    )
    assert status == 200, body
    assert json.loads(body)["like_count"] == 1, body

    # An upload: the presigned POST (signed with the role's session), then the upload handler.
    image = _jpeg()
    status, _, body = function.page(
        "POST",
        "/api/images",
        headers=author,
        body={"filename": "a.jpg", "content_type": "image/jpeg", "size": len(image)},
    )
    assert status == 201, body
    ticket = json.loads(body)
    posted = requests.post(
        ticket["upload"]["url"],
        data=ticket["upload"]["fields"],
        files={"file": ("a.jpg", image, "image/jpeg")},
        timeout=30,
    )
    assert posted.status_code in (200, 201, 204), posted.text
    assert _deliver_uploads(checks, function, names["upload_queue"]) >= 1
    status, _, body = function.page("GET", f"/api/images/{ticket['image']['id']}", headers=author)
    assert status == 200, body
    assert json.loads(body)["status"] == "ready", body  # renditions made and recorded

    # The table's stream -> the stream handler -> Firehose -> the lake.
    assert _deliver_stream(checks, function, names["table"]) > 0
    lake = checks.client("s3").list_objects_v2(Bucket=names["lake_bucket"]).get("Contents", [])
    assert lake, "the stream handler sent nothing to Firehose"

    # An admin's report (Athena engine; moto's Athena answers canned rows).
    admin = {"Authorization": f"Bearer {_token(checks, names['pool_client'], 'admin', DEMO_ADMIN_PASSWORD)}"}
    status, _, body = function.page("GET", "/api/analytics/reports", headers=admin)
    assert status == 200, body
    report = json.loads(body)["reports"][0]["id"]
    status, _, body = function.page("POST", f"/api/analytics/reports/{report}/runs", headers=admin)
    assert status == 201, body
    run = json.loads(body)
    status, _, body = function.page("GET", f"/api/analytics/runs/{run['id']}", headers=admin)
    assert status == 200, body

    # An admin manages users: the list (ListUsers, ListUsersInGroup), a group granted and revoked,
    # an account disabled (and signed out everywhere) and enabled again.
    status, _, body = function.page("GET", "/accounts/users/", headers=admin)
    assert status == 200, body
    assert b"author" in body
    for action in ("grant-admins", "revoke-admins", "disable", "enable"):
        status, headers, _ = function.page(
            "POST",
            "/accounts/users/author/",
            headers={**admin, "Content-Type": "application/x-www-form-urlencoded"},
            body=f"action={action}",
        )
        assert status == 302, (action, status)
        message = MESSAGES_COOKIE.search(headers.get("Set-Cookie", ""))
        assert message, headers
        status, _, body = function.page(  # the redirect shows how it went
            "GET", "/accounts/users/", headers={**admin, "Cookie": f"messages={message.group(1)}"}
        )
        assert f"author: done ({action.replace('-', ' ')})".encode() in body, (action, body[-3000:])

    # The admins' analytics page (its pipeline health panel: queue depths, Firehose metrics).
    status, _, body = function.page("GET", "/analytics/", headers=admin)
    assert status == 200, body

    # The author (signed out everywhere by the disable: a new sign-in) deletes the image (its objects
    # and record) and the article.
    token = _token(checks, names["pool_client"], "author", DEMO_AUTHOR_PASSWORD)
    author = {"Authorization": f"Bearer {token}"}
    status, _, body = function.page("DELETE", f"/api/images/{ticket['image']['id']}", headers=author)
    assert status == 204, body
    status, _, body = function.page("DELETE", f"/api/articles/{article['id']}", headers=author)
    assert status == 204, body
    status, _, _ = function.page("GET", f"/articles/{article['slug']}/")
    assert status == 404

    # The lake's backfill (a management command, through Zappa's handler as `zappa manage` runs it).
    assert function({"manage": "backfill_lake"}) == {}

    decisions = [d for d in checks.decisions() if ":assumed-role/blog-production-lambda/" in d["principal"]]
    refused = [d for d in decisions if not d["allowed"]]
    assert refused == [], refused
    authorized = Counter(d["action"] for d in decisions)
    print(f"IAM enforced: {len(decisions)} calls authorized under the role, {len(authorized)} actions:")
    for action, count in sorted(authorized.items()):
        print(f"  {action:<40} {count}")
    granted = {
        a
        for s in checks.policy["Statement"]
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    print("granted, not exercised here:", sorted(granted - set(authorized)))

    # Calls the app does not need are refused.
    dynamodb, s3 = checks.client("dynamodb"), checks.client("s3")
    attempts = {
        "dynamodb:DeleteTable": lambda: dynamodb.delete_table(TableName=names["table"]),
        "dynamodb:GetItem": lambda: dynamodb.get_item(TableName="another-app-table", Key={"pk": {"S": "x"}}),
        "s3:DeleteBucket": lambda: s3.delete_bucket(Bucket=names["media_bucket"]),
        "s3:PutObject": lambda: s3.put_object(Bucket=names["lake_bucket"], Key="events/x", Body=b"x"),
    }
    for action, attempt in attempts.items():
        with pytest.raises(ClientError) as refusal:
            attempt()
        # moto answers the JSON protocols with IAM's XML error, which botocore reads as code "403".
        assert refusal.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403, action
        assert refusal.value.response["Error"]["Code"] in ("AccessDenied", "403"), action
    after = [d for d in checks.decisions() if ":assumed-role/blog-production-lambda/" in d["principal"]]
    refusals = [d for d in after if not d["allowed"]]
    for refusal_decision in refusals:
        print(f"refused: {refusal_decision['action']} on {refusal_decision['resource']}")
    assert [d["action"] for d in refusals] == list(attempts)
    assert refusals[1]["resource"].endswith(":table/another-app-table")
    assert refusals[3]["resource"].endswith(f"{names['lake_bucket']}/events/x")
