"""The pages behind the links in invitation mails: an invitee accepts, declines or says
"tentative". No login: the token in the address is the key, and it answers for that
invitee only (``sessions.access.get_attendance_by_token``).

Following the link only shows the choice; the answer is a POST, because mail programs and
link scanners open the links in a mail before the person does."""

from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from .. import services
from ..access import get_attendance_by_token
from ..models import AttendanceReply, SessionStatus


@never_cache
def invitation_reply(request, token):
    attendance = get_attendance_by_token(request.user, token)
    session = attendance.session
    status = 200
    saved = False
    error = ""
    if request.method == "POST":
        try:
            saved = services.invitation_reply(
                attendance=attendance, reply=request.POST.get("reply", "")
            )
        except ValidationError as refused:
            error, status = refused.messages[0], 422
        else:
            status = 200 if saved else 409
    suggested = request.GET.get("answer", "")
    return TemplateResponse(
        request,
        "sessions/invitation_reply.html",
        {
            "attendance": attendance,
            "session": session,
            "open": session.status == SessionStatus.PLANNED,
            "saved": saved,
            "error": error,
            "choices": [
                (value, label)
                for value, label in AttendanceReply.choices
                if value != AttendanceReply.NONE
            ],
            "suggested": suggested if suggested in AttendanceReply.values else "",
        },
        status=status,
    )
