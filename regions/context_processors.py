from .access import can_read_field_notes, role_of
from .models import Role


def roles(request):
    """The user's role for navigation. Templates use it to choose links, never to guard
    data: views and querysets do that."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = role_of(user)
    return {
        "user_role": role,
        "user_role_label": Role(role).label if role else "",
        "user_is_internal": can_read_field_notes(user),
    }
