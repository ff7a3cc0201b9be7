"""The site's URLs plus a bare editor page holding the image picker (as blog's editor will)."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from accounts.decorators import author_required
from config.urls import urlpatterns as site_urlpatterns

EDITOR = """{% extends "base.html" %}{% block content %}
<form method="post">{% csrf_token %}
<textarea id="id_body" name="body">First paragraph.</textarea>
<input id="id_cover_image_id" name="cover_image_id">
</form>
{% include "uploads/_picker.html" %}
{% endblock %}"""


@author_required
def editor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(engines["django"].from_string(EDITOR).render({}, request))


urlpatterns = [path("test/editor/", editor), *site_urlpatterns]
