"""``{% datacache "name" part ... %}…{% enddatacache %}``: a read-only fragment rendered once
per data version, day, language and the parts given (see ``dashboard_cache.cached``).

The parts must name everything that decides what the fragment shows: the object and what
about the viewer changes it (role, whether they may edit). The fragment must hold no form
that writes (no CSRF token, no one-time key): such a token would be served to another
viewer. Every model the fragment shows must be in ``dashboard_cache.WATCHED``.
"""

from django import template
from django.utils.safestring import mark_safe

from roadmap_site.concurrency import BASE_FIELD, KEY_FIELD

from ..dashboard_cache import cached, current_version

# What a form that writes carries and no other viewer (or request) may be served.
PER_REQUEST = ("csrfmiddlewaretoken", f'name="{KEY_FIELD}"', f'name="{BASE_FIELD}"')

register = template.Library()


class DataCacheNode(template.Node):
    def __init__(self, nodelist, name, parts):
        self.nodelist, self.name, self.parts = nodelist, name, parts

    def render(self, context):
        parts = [part.resolve(context) for part in self.parts]

        def render():
            html = self.nodelist.render(context)
            if any(token in html for token in PER_REQUEST):
                raise template.TemplateSyntaxError(
                    f"{{% datacache {self.name} %}} must not hold a form's CSRF token "
                    "or one-time key."
                )
            return html

        # One read of the version per page, however many fragments it caches.
        if context.get("data_version") is None:
            context.dicts[0]["data_version"] = current_version()
        html = cached(self.name, parts, render, version=context["data_version"])
        return mark_safe(html)  # noqa: S308 - a rendered template


@register.tag
def datacache(parser, token):
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% datacache %} needs a name.")
    nodelist = parser.parse(("enddatacache",))
    parser.delete_first_token()
    name = bits[0].strip("\"'")
    return DataCacheNode(nodelist, name, [parser.compile_filter(bit) for bit in bits[1:]])
