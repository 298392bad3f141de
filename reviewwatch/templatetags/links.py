"""`{% absolute_url 'case' case.pk %}` in email templates: the same links as reviewwatch.links."""

from django import template

from reviewwatch import links

register = template.Library()


@register.simple_tag
def absolute_url(viewname: str, *args: object, **kwargs: object) -> str:
    return links.absolute_url(viewname, *args, **kwargs)
