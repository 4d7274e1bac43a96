"""A session ends after SESSION_COOKIE_AGE idle seconds; its expiry moves at most once a minute.

Django's SESSION_SAVE_EVERY_REQUEST moves the expiry by writing the session row on every
request: an UPDATE and a commit for each page a member of staff opens. Here the session is
marked (and so saved, with a fresh cookie) only when its last mark is a minute old or more,
so a session ends between SESSION_COOKIE_AGE − 60 s and SESSION_COOKIE_AGE after its last
request. Logging in marks it. A request without a session (the API's tokens, anonymous
pages) is left alone.
"""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

MARK = "_idle_mark"  # when the session was last moved on (epoch seconds)
REFRESH_SECONDS = 60
clock = time.time  # a test moves it on


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        mark = session.get(MARK, 0)  # reads the session, as the user's pages do anyway
        # After the read a session that expired or never was has no key: nothing to move.
        now = clock()
        if session.session_key and now - mark >= REFRESH_SECONDS:
            session[MARK] = int(now)  # modified: SessionMiddleware saves it
        return self.get_response(request)


@receiver(user_logged_in)
def mark_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[MARK] = int(clock())
