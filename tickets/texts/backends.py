"""Where texts go: the log (default, for the demo and development) or an SMS gateway.

Chosen by settings.TEXTS_BACKEND (a dotted path). A backend's `send(message)` returns
the provider's reference (or "") and raises on failure; the caller keeps the outcome.
"""

import logging

import requests
from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("tickets.texts")


class LogBackend:
    """Writes each text to the log instead of sending it (phone masked)."""

    def send(self, message) -> str:
        from ..selectors import mask_phone

        log.info(
            "text to %s (ticket %s): %s", mask_phone(message.phone), message.ticket_id, message.body
        )
        return ""


class HttpGatewayBackend:
    """POSTs {"to", "text", "ref"} as JSON to TEXTS_GATEWAY_URL with a bearer key.

    Most Chinese SMS providers (and any in-house relay) can be fronted by such an
    endpoint; a 2xx answer is success, its JSON `id` (if any) is kept as the receipt.
    """

    def send(self, message) -> str:
        response = requests.post(
            settings.TEXTS_GATEWAY_URL,
            json={"to": message.phone, "text": message.body, "ref": str(message.pk)},
            headers={"Authorization": f"Bearer {settings.TEXTS_GATEWAY_KEY}"},
            timeout=settings.TEXTS_GATEWAY_TIMEOUT,
        )
        if not 200 <= response.status_code < 300:
            raise RuntimeError(f"gateway answered {response.status_code}: {response.text[:200]}")
        try:
            return str(response.json().get("id", ""))[:100]
        except (ValueError, AttributeError):
            return ""


def get_backend():
    return import_string(settings.TEXTS_BACKEND)()
