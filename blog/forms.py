"""The editor's form. The rules themselves live in blog.domain and are applied again by the services."""

from __future__ import annotations

from django import forms

from blog.domain import BODY_MAX_CHARS, EXPIRY_MAX_DAYS, EXPIRY_MIN_DAYS, TITLE_MAX_CHARS


class ArticleForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX_CHARS)
    body = forms.CharField(
        max_length=BODY_MAX_CHARS,
        strip=False,  # leading spaces are Markdown (an indented code block); the service trims newlines
        widget=forms.Textarea,
        help_text="Markdown. Pictures: ![description](image:IMAGE_ID) with an id from “My images”.",
    )
    expires_in_days = forms.IntegerField(
        required=False,
        min_value=EXPIRY_MIN_DAYS,
        max_value=EXPIRY_MAX_DAYS,
        label="Expires in (days)",
    )
    cover_image_id = forms.CharField(required=False, max_length=64, label="Cover image id")

    def __init__(self, *args: object, editing: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        expiry = self.fields["expires_in_days"]
        expiry.help_text = (
            "Leave empty to keep the current expiry; a number restarts the clock from now."
            if editing
            else "Leave empty for the default."
        )
