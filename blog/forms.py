"""The editor's form. The rules themselves live in blog.domain and are applied again by the services."""

from __future__ import annotations

from django import forms

from blog.domain import BODY_MAX_CHARS, EXPIRY_MAX_DAYS, EXPIRY_MIN_DAYS, TAGS_MAX, TITLE_MAX_CHARS

# The editor's three ways to save (the button pressed): the status each one asks for.
ACTIONS = {"draft": "draft", "schedule": "scheduled", "publish": "published"}


class ArticleForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX_CHARS)
    body = forms.CharField(
        max_length=BODY_MAX_CHARS,
        strip=False,  # leading spaces are Markdown (an indented code block); the service trims newlines
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Markdown. Pictures: pick one below (it asks for a description of the image).",
    )
    tags = forms.CharField(
        required=False,
        max_length=TAGS_MAX * 40,
        help_text=f"Up to {TAGS_MAX}, separated by commas: lower-case letters, digits and hyphens.",
    )
    publish_at = forms.DateTimeField(
        required=False,
        label="Publish at (UTC)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        help_text="Only for “Schedule”: the article goes public by itself at this time.",
    )
    expires_in_days = forms.IntegerField(
        required=False,
        min_value=EXPIRY_MIN_DAYS,
        max_value=EXPIRY_MAX_DAYS,
        label="Expires (days after publication)",
    )
    cover_image_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: object, editing: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        expiry = self.fields["expires_in_days"]
        expiry.help_text = (
            "Leave empty to keep the current expiry; on a published article a number counts from now."
            if editing
            else "Leave empty for the default."
        )

    def clean_tags(self) -> list[str]:
        """Return the tags as a list (the service normalises and checks them)."""
        raw = str(self.cleaned_data.get("tags") or "")
        return [part.strip() for part in raw.split(",") if part.strip()]
