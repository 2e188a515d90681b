"""Where a researcher lands: the sessions whose field notes are still to code."""

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse

from ..access import hide_field_notes, sessions_for_user
from ..to_code import sessions_to_code


@login_required
def notes_to_code(request):
    # Field notes are internal: to anyone else this page does not exist.
    hide_field_notes(request.user)
    rows = sessions_to_code(sessions_for_user(request.user))
    return TemplateResponse(request, "sessions/notes_to_code.html", {"rows": rows})
