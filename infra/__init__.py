"""The AWS CDK app for everything Zappa does not create (see docs/deploy.md)."""
