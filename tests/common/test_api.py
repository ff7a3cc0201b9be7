import json

import pytest
from django.test import RequestFactory

from common.api import PayloadTooLarge, ValidationFailed, api_view, json_body

factory = RequestFactory()


def post(body: bytes, content_type: str = "application/json"):
    return factory.post("/x", data=body, content_type=content_type)


def test_a_valid_object_is_returned() -> None:
    assert json_body(post(b'{"a": 1}'), allowed={"a"}, required={"a"}) == {"a": 1}


@pytest.mark.parametrize(
    ("body", "content_type", "fields"),
    [
        (b"{not json", "application/json", {}),
        (b"[1, 2]", "application/json", {}),
        (b'{"a": 1}', "text/plain", {}),
        (b'{"a": 1, "b": 2}', "application/json", {"b": "Unknown field."}),
        (b"{}", "application/json", {"a": "This field is required."}),
    ],
)
def test_bad_bodies_are_refused(body: bytes, content_type: str, fields: dict) -> None:
    with pytest.raises(ValidationFailed) as error:
        json_body(post(body, content_type), allowed={"a"}, required={"a"})
    assert error.value.fields == fields


def test_oversized_bodies_are_refused_before_reading() -> None:
    request = post(b"{}")
    request.META["CONTENT_LENGTH"] = str(2 * 1024 * 1024)
    with pytest.raises(PayloadTooLarge):
        json_body(request, allowed=set())


def test_api_view_turns_errors_into_json_and_refuses_other_methods() -> None:
    def create(request):
        raise ValidationFailed("Title is too long.", fields={"title": "At most 200 characters."})

    view = api_view({"POST": create})
    response = view(post(b"{}"))
    assert response.status_code == 400
    assert json.loads(response.content) == {
        "error": {
            "code": "invalid",
            "message": "Title is too long.",
            "fields": {"title": "At most 200 characters."},
        }
    }
    refused = view(factory.get("/x"))
    assert refused.status_code == 405
    assert refused["Allow"] == "POST"
    assert json.loads(refused.content)["error"]["code"] == "method_not_allowed"


def test_domain_errors_answer_with_their_own_status_and_code() -> None:
    from blog.domain import InvalidCursor
    from uploads.domain import ImageInvalid

    def listing(request):
        raise InvalidCursor()

    def upload(request):
        raise ImageInvalid({"size": "The file is 30.0 MB; the limit is 20 MB."}, too_large=True)

    cursor = json.loads(api_view({"GET": listing})(factory.get("/x")).content)["error"]
    assert cursor["code"] == "invalid"
    assert cursor["fields"] == {"cursor": InvalidCursor.message}
    too_large = api_view({"POST": upload})(post(b"{}"))
    assert too_large.status_code == 413
    assert json.loads(too_large.content)["error"]["code"] == "payload_too_large"
