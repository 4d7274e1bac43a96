"""How API requests say who they are (its own module: DRF's settings import it early)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class TokenWithUnitAuthentication(TokenAuthentication):
    """DRF's token authentication, reading the user's unit with the token.

    Every step and scope looks at `request.user.unit`: read here, it costs no query of its
    own on each API request.
    """

    def authenticate_credentials(self, key):
        token = self.get_model().objects.select_related("user__unit").filter(key=key).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))  # DRF's own wording
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
