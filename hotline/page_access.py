"""Which roles may open a page: one decorator for every room's pages (the steps on them are
still checked by their actions)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def roles(*allowed):
    def wrap(view):
        @wraps(view)
        @login_required
        def inner(request, *args, **kwargs):
            # By role alone: a superuser is an admin of the centre (createsuperuser) and gets
            # the pages that list Role.ADMIN, not every page.
            if request.user.role not in allowed:
                raise PermissionDenied(_("您的角色不能使用此页面"))
            return view(request, *args, **kwargs)

        return inner

    return wrap
