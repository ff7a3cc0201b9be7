"""The Cognito user pool, the web app client and the groups the app checks."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from cdk_nag import NagSuppressions
from constructs import Construct

from accounts import policy
from cloud.resources import GROUP_ADMINS, GROUP_AUTHORS
from infra.config import REGION, StageConfig


class IdentityResources(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        names = config.names
        self.user_pool = cognito.UserPool(
            self,
            "Users",
            user_pool_name=names.user_pool,
            self_sign_up_enabled=True,  # readers become authors by signing up (an admin adds the group)
            sign_in_aliases=cognito.SignInAliases(username=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True),
                fullname=cognito.StandardAttribute(required=False, mutable=True),
            ),
            # The one policy (accounts.policy), also used by the sign-up form and the local bootstrap.
            password_policy=cognito.PasswordPolicy(
                min_length=policy.PASSWORD_MIN_LENGTH,
                require_lowercase=policy.PASSWORD_REQUIRES_LOWERCASE,
                require_digits=policy.PASSWORD_REQUIRES_DIGITS,
                require_uppercase=policy.PASSWORD_REQUIRES_UPPERCASE,
                require_symbols=policy.PASSWORD_REQUIRES_SYMBOLS,
                temp_password_validity=Duration.days(3),
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            # Cognito's own sender allows only a few e-mails a day (sign-up codes, password resets):
            # with ``ses_from_email`` (cdk.json, a verified SES identity) the pool sends through SES.
            email=cognito.UserPoolEmail.with_ses(from_email=config.ses_from_email, ses_region=REGION)
            if config.ses_from_email
            else cognito.UserPoolEmail.with_cognito(),
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        NagSuppressions.add_resource_suppressions(
            self.user_pool,
            [
                {
                    "id": "AwsSolutions-COG1",
                    "reason": "Length 8 with lowercase and digits, as the sign-up form says; symbols and "
                    "uppercase add friction, not entropy (NIST SP 800-63B).",
                },
                {
                    "id": "AwsSolutions-COG8",
                    "reason": "The Plus plan (threat protection) costs per MAU; "
                    "the app rate-limits sign-ins.",
                },
            ],
        )
        self.client = self.user_pool.add_client(
            "Web",
            user_pool_client_name=names.user_pool_client,
            generate_secret=False,
            # The app signs in with InitiateAuth itself: no secret to keep or rotate, and no OAuth
            # flows, hosted UI or callback URLs (CDK's defaults would allow https://example.com).
            disable_o_auth=True,
            auth_flows=cognito.AuthFlow(user_password=True),  # refresh-token auth is always on
            prevent_user_existence_errors=True,
            access_token_validity=Duration.hours(1),
            id_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
            enable_token_revocation=True,
        )
        self.groups = {
            name: cognito.CfnUserPoolGroup(
                self, f"Group{name.title()}", user_pool_id=self.user_pool.user_pool_id, group_name=name
            )
            for name in (GROUP_AUTHORS, GROUP_ADMINS)
        }
