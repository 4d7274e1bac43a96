from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def reply_templates_for(user):
    """The reply templates (常用回复) of the user's unit; none for anyone else."""
    return list(selectors.reply_templates_for(user))
