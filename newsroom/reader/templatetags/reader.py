from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced, for paging links."""
    params = context["request"].GET.copy()
    for name, value in changes.items():
        params[name] = value
    return "?" + params.urlencode()
