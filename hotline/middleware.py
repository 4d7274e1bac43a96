"""Chinese first: the page language is Chinese unless the user picked another one.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a call-centre
PC with an English browser would show English. Here only the language a person chose
(the header's switch, stored in the language cookie) changes it.
"""

from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.known = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.known else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


UNICODE = {"ensure_ascii": False}


class InputGuardMiddleware:
    """400 at the door for what no field may hold, before any view or parser sees it.

    Control characters (NUL included) in the path, a query parameter or a text body, and
    JSON nested deeper than JSON_MAX_DEPTH (Python's parser would overflow its stack on
    10,000 levels). The answer names the field, in the shape of the interface asked:
    the API's {field: [message]}, Open311's errors list (JSON or XML), plain text for pages.

    A body over DATA_UPLOAD_MAX_MEMORY_SIZE (files in a multipart body do not count) is a
    413 in the same shapes, the API's as DRF answers a whole request's problem: {"detail"}.
    Django would raise RequestDataTooBig here, which it answers with an HTML 400.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.core.exceptions import RequestDataTooBig
        from django.utils.translation import gettext as _

        try:
            refusal = self._problem(request)
        except RequestDataTooBig:
            limit = {"n": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
            return self._refuse(
                request, None, _("请求内容过大（文件以外最多 %(n)s 字节）") % limit, 413
            )
        if refusal is not None:
            return self._refuse(request, *refusal)
        return self.get_response(request)

    def _problem(self, request):
        from . import validation as v

        if v.has_forbidden_chars(request.path_info):
            return "path", v.FORBIDDEN_MESSAGE
        found = self._in_pairs(request.GET.lists())
        if found is None and request.method in ("POST", "PUT", "PATCH", "DELETE"):
            content_type = request.content_type or ""
            if content_type == "application/json" or content_type.endswith("+json"):
                found = self._in_json(request.body)
            elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                found = self._in_pairs(request.POST.lists())
        return found

    @staticmethod
    def _name(key):
        from . import validation as v

        return v.FORBIDDEN_CHARS.sub("?", str(key))[:100]

    def _in_pairs(self, pairs):
        from . import validation as v

        for key, values in pairs:
            if v.has_forbidden_chars(key) or any(v.has_forbidden_chars(x) for x in values):
                return self._name(key), v.FORBIDDEN_MESSAGE
        return None

    def _in_json(self, body):
        import json

        from . import validation as v

        try:
            data = json.loads(body)
        except RecursionError:
            return "body", v.DEPTH_MESSAGE % {"n": v.JSON_MAX_DEPTH}
        except ValueError:
            return None  # not JSON at all: the parser answers that with its own 400
        stack = [(data, None, 1)]
        while stack:
            value, field, depth = stack.pop()
            if depth > v.JSON_MAX_DEPTH:
                return field or "body", v.DEPTH_MESSAGE % {"n": v.JSON_MAX_DEPTH}
            if isinstance(value, str):
                if v.has_forbidden_chars(value):
                    return field or "body", v.FORBIDDEN_MESSAGE
            elif isinstance(value, dict):
                for key, item in value.items():
                    if v.has_forbidden_chars(key):
                        return self._name(key), v.FORBIDDEN_MESSAGE
                    stack.append((item, field or key, depth + 1))
            elif isinstance(value, list):
                stack.extend((item, field, depth + 1) for item in value)
        return None

    @staticmethod
    def _refuse(request, field, message, status=400):
        """`field` None: a problem of the whole request (the API's {"detail": message})."""
        from xml.sax.saxutils import escape

        from django.http import HttpResponse, JsonResponse

        message = str(message)
        described = message if field is None else f"{field}: {message}"
        path = request.path_info
        if path.startswith("/open311/"):
            if path.endswith(".xml"):
                xml = (
                    '<?xml version="1.0" encoding="utf-8"?>\n'
                    f"<errors><error><code>{status}</code>"
                    f"<description>{escape(described)}</description></error></errors>"
                )
                return HttpResponse(xml, status=status, content_type="application/xml")
            body = [{"code": status, "description": described}]
            return JsonResponse(body, status=status, safe=False, json_dumps_params=UNICODE)
        if path.startswith("/api/"):
            body = {"detail": message} if field is None else {field: [message]}
            return JsonResponse(body, status=status, json_dumps_params=UNICODE)
        return HttpResponse(described, status=status, content_type="text/plain; charset=utf-8")
