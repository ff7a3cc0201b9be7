"""One definition of an image id and of an image reference, used by pages, forms and the in-use guard."""

from __future__ import annotations

import uuid

import pytest

from blog.domain import validate_image_id
from blog.markdown import image_ids
from uploads import references

MINTED = uuid.uuid4().hex  # what image_create_upload mints


@pytest.mark.parametrize(
    "candidate",
    [MINTED, MINTED.upper(), MINTED[:-1], "cat-1", "dog_2", "x" * 64, "", f"{MINTED} ", f"../{MINTED}"],
)
def test_every_reader_of_an_id_agrees(candidate: str) -> None:
    """The cover field, the Markdown renderer and the id check accept exactly the same ids."""
    valid = references.image_id_valid(candidate)
    assert valid == (candidate == MINTED)
    assert (validate_image_id(candidate)[1] is None) == (valid or candidate == "")
    assert (image_ids(f"![a](image:{candidate})") == [candidate]) == valid
    assert (image_ids(f"![a][r]\n\n[r]: image:{candidate}") == [candidate]) == valid


def test_the_api_offers_a_reference_the_renderer_reads() -> None:
    assert image_ids(f"![a]({references.image_reference(MINTED)})") == [MINTED]
    assert references.image_id_from_destination(references.image_reference(MINTED)) == MINTED
    assert references.image_id_from_destination("https://x/y.png") is None
