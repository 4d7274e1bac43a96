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
