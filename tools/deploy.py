"""``make deploy STAGE=production``: the whole deployment in order, idempotent, rehearsed offline.

    python -m tools.deploy --stage production [--zip dist/blog-production.zip]

1. Preflight: credentials (STS), region, cdk.json's settings for the stage, bucket names free (or
   ours already), the Django secret key in SSM (created once).
2. The data stack (``cdk deploy <prefix> --exclusively``), its outputs into zappa_settings.json.
3. ``zappa deploy`` (no function yet) or ``zappa update`` (the package changed), then the API's
   execute-api host into ``DJANGO_ALLOWED_HOSTS`` (and ``zappa update`` once more if that changed),
   and the upload mapping's maximum concurrency (Zappa cannot set it).
4. The wiring stack (``cdk deploy <prefix>-wiring --exclusively``): the stream mapping.
5. The first admin (a Cognito user in ``admins`` and ``authors``, its password in SSM), then a
   smoke test of the public URL.

A second run changes nothing and says so: every step reports ``created``, ``updated`` or
``unchanged``.

With ``AWS_ENDPOINT_URL`` set (the emulator; ``tests/deploy/test_rehearsal.py``), the same steps
run with three substitutions, each because the emulator cannot do the real thing: the CDK CLI's
deploy (it needs the bootstrap stack and asset publishing) becomes a CloudFormation ``CreateStack``
of the synthesized template, minus the resource types moto's CloudFormation does not implement
(reported, and made by ``cloud.local.bootstrap`` where the app needs them); the smoke test calls the
packaged handler locally with the function's configuration as deployed (moto runs no Lambda code);
and Zappa does not ``touch`` the URL (it would leave the machine).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cloud import aws
from cloud.resources import GROUP_ADMINS, GROUP_AUTHORS, RAW_UPLOAD_PREFIX
from infra.config import (
    REGION,
    ROOT,
    ZAPPA_SETTINGS,
    StageConfig,
    cdk_context,
    deployed_names,
    stage_config,
    unique_bucket_name,
    zappa_stage,
)
from infra.zappa_env import deploy_bucket, settings_with_outputs
from tools.package_build import DIST, PACKAGE_VENV, build_environment

CDK = ROOT / "infra" / "node_modules" / ".bin" / "cdk"
FIRST_ADMIN = "admin"
UPLOAD_MAX_CONCURRENCY = 5  # of the account's 1,000 concurrent executions: images never starve pages
STACK_POLL_SECONDS = 1.0
ZAPPA_WITHOUT_FUNCTION_URLS = (
    "import sys; from zappa.core import Zappa; from zappa.cli import handle; "
    "Zappa.delete_lambda_function_url = lambda self, name: None; "
    "sys.argv = ['zappa', *sys.argv[1:]]; handle()"
)


class DeployError(RuntimeError):
    """A step failed; the message says which and what to do."""


@dataclass
class Step:
    name: str
    outcome: str  # created | updated | unchanged | checked | skipped
    detail: str = ""

    def line(self) -> str:
        return f"{self.name:<24} {self.outcome:<10} {self.detail}".rstrip()


@dataclass
class Emulation:
    """What the emulator could not do itself, for the report (empty when deploying to AWS)."""

    resources: dict[str, tuple[int, int]] = field(default_factory=dict)  # stack -> (created, total)
    not_emulated: dict[str, list[str]] = field(default_factory=dict)  # stack -> resource types left out
    made_by_bootstrap: list[str] = field(default_factory=list)


def emulated() -> bool:
    return bool(aws.endpoint_url())


# --- CloudFormation in the emulator ----------------------------------------------------------


def _references(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        if isinstance(value.get("Ref"), str):
            found.add(value["Ref"])
        if "Fn::GetAtt" in value:
            found.add(value["Fn::GetAtt"][0])
        for item in value.values():
            found |= _references(item)
    elif isinstance(value, list):
        for item in value:
            found |= _references(item)
    return found


def _substitute(value: Any, removed: set[str]) -> Any:
    """Replace references to ``removed`` resources by placeholders (their dependants stay)."""
    if isinstance(value, dict):
        if value.keys() == {"Ref"} and value["Ref"] in removed:
            return f"emulated-{value['Ref']}"
        if value.keys() == {"Fn::GetAtt"} and value["Fn::GetAtt"][0] in removed:
            logical_id, attribute = value["Fn::GetAtt"]
            return f"arn:aws:emulated:{REGION}:{aws_account()}:{logical_id}/{attribute}"
        return {key: _substitute(item, removed) for key, item in value.items()}
    if isinstance(value, list):
        return [_substitute(item, removed) for item in value]
    return value


def emulable_template(template: dict[str, Any], supported: set[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the template without the resources of unsupported types, and those (id -> type).

    Custom resources are left out too: moto would wait forever for their Lambda to answer. The
    bootstrap parameter and rule go (no ``cdk bootstrap`` in the emulator); outputs naming a
    left-out resource go.
    """
    resources = template["Resources"]
    removed = {
        logical_id: resource["Type"]
        for logical_id, resource in resources.items()
        if resource["Type"] not in supported or resource["Type"].startswith("Custom::")
    }
    result = {key: value for key, value in template.items() if key not in ("Rules", "Resources", "Outputs")}
    result["Parameters"] = {
        k: v for k, v in template.get("Parameters", {}).items() if k != "BootstrapVersion"
    }
    kept: dict[str, Any] = {}
    for logical_id, resource in resources.items():
        if logical_id in removed:
            continue
        resource = _substitute(resource, set(removed))
        depends = resource.pop("DependsOn", [])
        depends = [d for d in ([depends] if isinstance(depends, str) else depends) if d not in removed]
        if depends:
            resource["DependsOn"] = depends
        kept[logical_id] = resource
    result["Resources"] = kept
    result["Outputs"] = {
        name: output
        for name, output in template.get("Outputs", {}).items()
        if not _references(output) & set(removed)
    }
    return result, removed


def moto_supported_types() -> set[str]:
    from moto.cloudformation.parsing import NULL_MODELS, get_model_map

    return set(get_model_map()) | set(NULL_MODELS)


def aws_account() -> str:
    return str(aws.client("sts").get_caller_identity()["Account"])


_SYNTHESIZED: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}

# --- The steps ---------------------------------------------------------------------------------


class Deployment:
    def __init__(self, stage: str, *, zip_path: Path, settings_file: Path = ZAPPA_SETTINGS) -> None:
        self.stage = stage
        self.zip_path = zip_path
        self.settings_file = settings_file
        self.config: StageConfig = stage_config(stage, cdk_context())
        self.steps: list[Step] = []
        self.emulation = Emulation()
        self.account = ""
        self.outputs: dict[str, dict[str, str]] = {}

    def step(self, name: str, outcome: str, detail: str = "") -> None:
        item = Step(name, outcome, detail)
        self.steps.append(item)
        print(item.line(), flush=True)

    # 1. Preflight
    def preflight(self) -> None:
        try:
            self.account = aws_account()
        except Exception as error:
            raise DeployError(
                f"no usable AWS credentials ({error}): set AWS_PROFILE or the AWS_* variables"
            ) from error
        zappa_region = zappa_stage(self.stage).get("aws_region")
        if aws.region() != REGION or zappa_region != REGION:
            raise DeployError(
                f"deploy to {REGION} (the region infra/ and the cost model assume): "
                f"AWS_REGION is {aws.region()}, "
                f"zappa_settings.json says {zappa_region}"
            )
        if self.config.domain and not self.config.hosted_zone_id:
            print(
                f"note: {self.config.domain} has no hosted_zone_id in cdk.json: "
                "add the CNAME ACM asks for by hand"
            )
        if not self.zip_path.is_file():
            raise DeployError(f"{self.zip_path} does not exist: run make package")
        names = deployed_names(self.config.names, account=self.account, region=REGION)
        buckets = [
            names.media_bucket,
            names.lake_bucket,
            names.athena_results_bucket,
            unique_bucket_name(f"{self.config.prefix}-access-logs", account=self.account, region=REGION),
            deploy_bucket(self.config, self.account),
        ]
        s3 = aws.client("s3")
        ours = 0
        for bucket in buckets:
            try:
                s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=self.account)
                ours += 1
            except s3.exceptions.ClientError as error:
                code = error.response["Error"]["Code"]
                if code in ("403", "AccessDenied"):
                    raise DeployError(
                        f"bucket {bucket} belongs to another account: pick another RESOURCE_PREFIX"
                    ) from error
                if code not in ("404", "NoSuchBucket"):
                    raise
        self.step(
            "preflight",
            "checked",
            f"account {self.account}, {REGION}, {len(buckets) - ours} bucket names free, {ours} ours",
        )
        ssm = aws.client("ssm")
        try:
            ssm.get_parameter(Name=self.config.secret_parameter)
            self.step("secret key", "unchanged", self.config.secret_parameter)
        except ssm.exceptions.ParameterNotFound:
            ssm.put_parameter(
                Name=self.config.secret_parameter, Type="SecureString", Value=secrets.token_urlsafe(64)
            )
            self.step("secret key", "created", self.config.secret_parameter)

    # 2, 4. The stacks
    def synthesize(self) -> dict[str, dict[str, Any]]:
        key = (self.stage, self.account)
        if key not in _SYNTHESIZED:  # jsii and node make a synthesis take a minute: once per process
            from infra.app import new_app
            from infra.stacks import build_app

            app = new_app(stage=self.stage)
            stacks = build_app(app, self.config, account=self.account, nag=False)
            assembly = app.synth()
            _SYNTHESIZED[key] = {
                s.stack_name: assembly.get_stack_by_name(s.stack_name).template for s in stacks
            }
        return json.loads(json.dumps(_SYNTHESIZED[key]))

    def deploy_stack(self, stack: str, template: dict[str, Any]) -> None:
        if emulated():
            self._deploy_stack_to_emulator(stack, template)
        else:
            self._deploy_stack_with_cdk(stack)

    def _deploy_stack_with_cdk(self, stack: str) -> None:
        outputs_file = ROOT / "infra" / "outputs.json"
        before = outputs_file.read_text() if outputs_file.exists() else ""
        command = [
            str(CDK),
            "deploy",
            stack,
            "--exclusively",
            "--require-approval",
            "never",
            "-c",
            f"stage={self.stage}",
            "--outputs-file",
            str(outputs_file),
        ]
        result = subprocess.run(command, cwd=ROOT / "infra", capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            raise DeployError(f"cdk deploy {stack} failed:\n{result.stderr[-3000:]}")
        self.outputs[stack] = json.loads(outputs_file.read_text()).get(stack, {})
        unchanged = "(no changes)" in result.stderr
        self.step(f"stack {stack}", "unchanged" if unchanged else ("updated" if before else "created"))

    def _deploy_stack_to_emulator(self, stack: str, template: dict[str, Any]) -> None:
        cfn = aws.client("cloudformation")
        body, removed = emulable_template(template, moto_supported_types())
        total = len(template["Resources"])
        self.emulation.not_emulated[stack] = sorted(set(removed.values()))
        try:
            existing = cfn.describe_stacks(StackName=stack)["Stacks"][0]
        except cfn.exceptions.ClientError:
            existing = None
        if existing is None:
            cfn.create_stack(
                StackName=stack, TemplateBody=json.dumps(body), Capabilities=["CAPABILITY_NAMED_IAM"]
            )
            outcome = "created"
        elif existing["StackStatus"].endswith("COMPLETE") and self._template_of(stack) == body:
            outcome = "unchanged"
        else:
            cfn.update_stack(
                StackName=stack, TemplateBody=json.dumps(body), Capabilities=["CAPABILITY_NAMED_IAM"]
            )
            outcome = "updated"
        status = self._wait_for(stack)
        if status not in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
            raise DeployError(f"stack {stack} ended {status}")
        created = len(cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"])
        self.emulation.resources[stack] = (created, total)
        description = cfn.describe_stacks(StackName=stack)["Stacks"][0]
        self.outputs[stack] = {o["OutputKey"]: o["OutputValue"] for o in description.get("Outputs", [])}
        self.step(
            f"stack {stack}", outcome, f"{created} of {total} resources by the emulator's CloudFormation"
        )

    def _template_of(self, stack: str) -> Any:
        body = aws.client("cloudformation").get_template(StackName=stack)["TemplateBody"]
        return json.loads(body) if isinstance(body, str) else body

    def _wait_for(self, stack: str) -> str:
        cfn = aws.client("cloudformation")
        for _ in range(300):
            status = str(cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"])
            if not status.endswith("IN_PROGRESS"):
                return status
            time.sleep(STACK_POLL_SECONDS)
        raise DeployError(f"stack {stack} still in progress after 5 minutes")

    def fill_what_the_emulator_cannot_create(self) -> None:
        """Make, as the local bootstrap does, what the app needs and moto's CloudFormation skips."""
        from cloud.local.bootstrap import ensure_firehose, ensure_glue, ensure_user_pool

        names = deployed_names(self.config.names, account=self.account, region=REGION)
        outputs = self.outputs[self.config.data_stack]
        pool_id, client_id = ensure_user_pool(names)
        ensure_glue(names)
        ensure_firehose(names)
        # CDK's custom resource writes this notification at deploy time; moto cannot run it.
        aws.client("s3").put_bucket_notification_configuration(
            Bucket=outputs["MediaBucketName"],
            NotificationConfiguration={
                "QueueConfigurations": [
                    {
                        "QueueArn": outputs["UploadQueueArn"],
                        "Events": ["s3:ObjectCreated:*"],
                        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": RAW_UPLOAD_PREFIX}]}},
                    }
                ]
            },
        )
        outputs.setdefault("CognitoUserPoolId", pool_id)
        outputs.setdefault("CognitoClientId", client_id)
        outputs.setdefault("MediaDomain", "emulated.cloudfront.net")
        if self.config.domain:
            outputs.setdefault("CertificateArn", f"arn:aws:acm:{REGION}:{self.account}:certificate/emulated")
        self.emulation.made_by_bootstrap = [
            "Cognito user pool, client, groups",
            "Glue database and table",
            "Firehose delivery stream",
            "S3 -> SQS notification (CDK's custom resource)",
        ]

    # 3. Zappa
    def write_settings(self, api_host: str | None) -> bool:
        """Write the stage's deployed values into the settings file; return whether it changed."""
        settings = json.loads(self.settings_file.read_text())
        updated = settings_with_outputs(
            settings,
            stage=self.stage,
            account=self.account,
            outputs=self.outputs[self.config.data_stack],
            api_host=api_host,
            config=self.config,
        )
        if emulated():
            updated[self.stage]["touch"] = False  # Zappa's GET of the URL would leave the machine
        if updated == settings:
            return False
        self.settings_file.write_text(json.dumps(updated, indent=4) + "\n")
        return True

    def zappa(self, command: str) -> None:
        venv = PACKAGE_VENV if (PACKAGE_VENV / "bin" / "zappa").exists() else Path(sys.prefix)
        env = {**os.environ, **build_environment(venv)}
        for variable in (
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
            "AWS_ENDPOINT_URL",
        ):
            if variable in os.environ:
                env[variable] = os.environ[variable]
            else:
                env.pop(variable, None)
        arguments = [command, self.stage, "-z", str(self.zip_path), "-s", str(self.settings_file)]
        program = [str(venv / "bin" / "zappa"), *arguments]
        if emulated():
            # moto does not implement ListFunctionUrlConfigs, which `zappa update` calls to delete a
            # function URL we never made: the one call skipped in the rehearsal.
            program = [str(venv / "bin" / "python"), "-c", ZAPPA_WITHOUT_FUNCTION_URLS, *arguments]
        try:
            result = subprocess.run(  # noqa: S603
                program, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
            )
        finally:
            # Zappa writes its API template into the working directory and may leave it there.
            for leftover in ROOT.glob(f"{self.config.function_name}-template-*.json"):
                leftover.unlink()
        if result.returncode != 0:
            frames = [line for line in result.stderr.splitlines() if "zappa/" in line or "Error" in line]
            raise DeployError(f"zappa {command} failed:\n{result.stdout[-2000:]}\n" + "\n".join(frames[-30:]))

    def function_code_sha(self) -> str | None:
        lambda_ = aws.client("lambda")
        try:
            configuration = lambda_.get_function_configuration(FunctionName=self.config.function_name)
        except lambda_.exceptions.ResourceNotFoundException:
            return None
        return str(configuration["CodeSha256"])

    def api_host(self) -> str | None:
        for api in aws.client("apigateway").get_rest_apis(limit=500)["items"]:
            if api["name"] == self.config.function_name:
                return f"{api['id']}.execute-api.{REGION}.amazonaws.com"
        return None

    def deploy_function(self) -> None:
        package_sha = base64.b64encode(hashlib.sha256(self.zip_path.read_bytes()).digest()).decode()
        deployed_sha = self.function_code_sha()
        api_host = self.api_host()
        settings_changed = self.write_settings(api_host)
        if deployed_sha is None:
            self.zappa("deploy")
            self.step("zappa deploy", "created", self.config.function_name)
        elif deployed_sha != package_sha or settings_changed:
            self.zappa("update")
            self.step(
                "zappa update", "updated", "new package" if deployed_sha != package_sha else "new settings"
            )
        else:
            self.step("zappa", "unchanged", f"{self.config.function_name} runs this package")
        host = self.api_host()
        if host is None:
            raise DeployError(f"Zappa made no REST API named {self.config.function_name}")
        if self.write_settings(host):
            self.zappa("update")
            self.step("allowed hosts", "updated", host)
        else:
            self.step("allowed hosts", "unchanged", host)
        self.limit_upload_concurrency()

    def limit_upload_concurrency(self) -> None:
        lambda_ = aws.client("lambda")
        queue_arn = self.outputs[self.config.data_stack]["UploadQueueArn"]
        function_arn = f"arn:aws:lambda:{REGION}:{self.account}:function:{self.config.function_name}"
        mappings = lambda_.list_event_source_mappings(EventSourceArn=queue_arn)["EventSourceMappings"]
        mapping = next((m for m in mappings if m["FunctionArn"].startswith(function_arn)), None)
        if mapping is None:
            raise DeployError(f"Zappa made no mapping from {queue_arn}")
        if mapping.get("ScalingConfig", {}).get("MaximumConcurrency") == UPLOAD_MAX_CONCURRENCY:
            self.step("upload concurrency", "unchanged", f"at most {UPLOAD_MAX_CONCURRENCY}")
            return
        lambda_.update_event_source_mapping(
            UUID=mapping["UUID"], ScalingConfig={"MaximumConcurrency": UPLOAD_MAX_CONCURRENCY}
        )
        self.step("upload concurrency", "updated", f"at most {UPLOAD_MAX_CONCURRENCY}")

    # 5. The first admin and the smoke test
    def ensure_first_admin(self) -> None:
        idp = aws.client("cognito-idp")
        pool = self.outputs[self.config.data_stack]["CognitoUserPoolId"]
        parameter = f"{self.config.secret_parameter_prefix}/first-admin-password"
        try:
            idp.admin_get_user(UserPoolId=pool, Username=FIRST_ADMIN)
            self.step("first admin", "unchanged", FIRST_ADMIN)
            return
        except idp.exceptions.UserNotFoundException:
            pass
        password = secrets.token_urlsafe(18) + "a1"  # the pool's policy: a lowercase letter and a digit
        idp.admin_create_user(
            UserPoolId=pool,
            Username=FIRST_ADMIN,
            UserAttributes=[
                {"Name": "email", "Value": f"{FIRST_ADMIN}@invalid.example"},
                {"Name": "email_verified", "Value": "true"},
            ],
            MessageAction="SUPPRESS",
        )
        idp.admin_set_user_password(UserPoolId=pool, Username=FIRST_ADMIN, Password=password, Permanent=True)
        for group in (GROUP_ADMINS, GROUP_AUTHORS):
            idp.admin_add_user_to_group(UserPoolId=pool, Username=FIRST_ADMIN, GroupName=group)
        aws.client("ssm").put_parameter(Name=parameter, Type="SecureString", Value=password, Overwrite=True)
        self.step("first admin", "created", f"{FIRST_ADMIN}; password in SSM {parameter} (change its e-mail)")

    def smoke_test(self) -> dict[str, int]:
        host = self.config.domain or self.api_host()
        prefix = "" if self.config.domain else f"/{self.stage}"
        if emulated():
            statuses = self._smoke_test_packaged(host or "")
        else:
            statuses = {}
            for path in ("/healthz", "/"):
                with urllib.request.urlopen(f"https://{host}{prefix}{path}", timeout=30) as response:
                    statuses[path] = response.status
        passed = all(status == 200 for status in statuses.values())
        self.step(
            "smoke test",
            "checked" if passed else "FAILED",
            ", ".join(f"{p} {s}" for p, s in statuses.items()),
        )
        if not passed:
            raise DeployError(f"the smoke test of https://{host}{prefix} failed: {statuses}")
        return statuses

    def _smoke_test_packaged(self, host: str) -> dict[str, int]:
        """Call the packaged handler with the function's configuration as deployed (moto runs no code)."""
        from cloud.local.lambda_runtime import api_gateway_event
        from tools.package_build import unpack
        from tools.package_run import run_events

        configuration = aws.client("lambda").get_function_configuration(
            FunctionName=self.config.function_name
        )
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "AWS_ENDPOINT_URL": os.environ["AWS_ENDPOINT_URL"],
            "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
            "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"),
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_LAMBDA_FUNCTION_NAME": self.config.function_name,
            **configuration.get("Environment", {}).get("Variables", {}),
        }
        paths = ("/healthz", "/")
        with tempfile.TemporaryDirectory(prefix="deploy-smoke-") as folder:
            unpacked = unpack(self.zip_path, Path(folder) / "task")
            run = run_events(
                unpacked, [api_gateway_event("GET", p, headers={"Host": host}) for p in paths], env=env
            )
        return {
            path: int(answer.get("result", {}).get("statusCode", 0)) if "result" in answer else 0
            for path, answer in zip(paths, run["answers"], strict=True)
        }

    # The whole order
    def run(self) -> list[Step]:
        self.preflight()
        templates = self.synthesize()
        self.deploy_stack(self.config.data_stack, templates[self.config.data_stack])
        if emulated():
            self.fill_what_the_emulator_cannot_create()
        self.deploy_function()
        self.deploy_stack(self.config.wiring_stack, templates[self.config.wiring_stack])
        self.ensure_first_admin()
        self.smoke_test()
        changed = [s for s in self.steps if s.outcome in ("created", "updated")]
        print("nothing changed" if not changed else f"{len(changed)} step(s) changed something")
        return self.steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stage", default="production")
    parser.add_argument(
        "--zip", type=Path, help="the package (default dist/blog-<stage>.zip, from make package)"
    )
    args = parser.parse_args(argv)
    deployment = Deployment(args.stage, zip_path=args.zip or DIST / f"blog-{args.stage}.zip")
    try:
        deployment.run()
    except DeployError as error:
        print(f"deploy failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
