"""What the ticket pages share: the length of a list, the ticket as the user may read it,
and where to go after a form."""

from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from .. import selectors

LIST_LIMIT = 100


def safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return fallback


def ticket_for(user, number):
    qs = selectors.visible_tickets(user).select_related("category__duty_unit", "master")
    return selectors.with_units(get_object_or_404(qs, number=number))
