"""One view that does what any DynamoDB-backed home page must: build a boto3 client, Query 20 items.

Plain boto3, as a newcomer would write it, against the blog's table and its latest-articles index.
"""

import boto3
from django.http import HttpRequest, HttpResponse
from django.urls import path

from cloud.resources import GSI_LATEST, GSI_LATEST_PK, LATEST_PARTITION, ResourceNames


def latest(request: HttpRequest) -> HttpResponse:
    answer = boto3.client("dynamodb").query(
        TableName=ResourceNames.from_environment().table,
        IndexName=GSI_LATEST,
        KeyConditionExpression="#partition = :partition",
        ExpressionAttributeNames={"#partition": GSI_LATEST_PK},
        ExpressionAttributeValues={":partition": {"S": LATEST_PARTITION}},
        ScanIndexForward=False,
        Limit=20,
    )
    return HttpResponse(f"<!doctype html><title>latest</title><p>{answer['Count']} articles</p>")


urlpatterns = [path("", latest)]
