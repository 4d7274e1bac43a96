"""Renderers chosen by the URL's suffix (.json / .xml), never by the Accept header."""

from rest_framework.renderers import BaseRenderer, JSONRenderer

from . import xml


class Open311JSONRenderer(JSONRenderer):
    format = "json"
    # Chinese stays readable in the output instead of \uXXXX escapes.
    ensure_ascii = False


class Open311XMLRenderer(BaseRenderer):
    media_type = "application/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}
        response = context.get("response")
        if response is not None and response.status_code >= 400:
            root = "errors"
        else:
            root = getattr(context.get("view"), "xml_root", "response")
        return xml.render(root, data)
