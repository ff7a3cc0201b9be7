from django.http import HttpRequest, HttpResponse
from django.urls import path


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<!doctype html><title>hello</title><p>hello</p>")


urlpatterns = [path("", hello)]
