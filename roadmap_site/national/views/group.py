"""The project group page: who took part when, seats and replacements, corrections.

Read by those who may read the region's internals (project leaders, researchers, the
steering board); changed only by those who may change the region. Stakeholders see the
current group on the region page, never their colleagues' attendance."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from agreements.briefing import newcomers
from regions import services
from regions.access import can_edit_region, get_region_for_user, role_of
from regions.models import RegionOrganisation, RegionStakeholder, Role, Stakeholder
from regions.selectors import ever_members
from regions.submissions import earlier_answer, submit_once
from steps.stakeholder_map import stakeholder_map

from ..group_forms import (
    AsOfForm,
    LeaveForm,
    MemberForm,
    MembershipForm,
    OrganisationJoinForm,
    OrganisationLeaveForm,
    RejoinForm,
    ReplaceForm,
    StakeholderDetailsForm,
    person_fields,
)
from ..project_group import project_group


def _readable_region(request, pk, *, write=False):
    region = get_region_for_user(request.user, pk, write=write)
    if role_of(request.user) == Role.STAKEHOLDER:
        raise PermissionDenied("Stakeholders see the project group on the region page.")
    return region


def _page(request, region, *, status=200, **forms):
    as_of = AsOfForm(request.GET or None)
    on = timezone.localdate()
    if as_of.is_valid() and as_of.cleaned_data["on"]:
        on = as_of.cleaned_data["on"]
    can_edit = can_edit_region(request.user, region)
    context = {
        "region": region,
        "group": project_group(region, on),
        "map": stakeholder_map(region, on),
        "newcomers": newcomers(region, on),
        "as_of_form": as_of,
        "can_edit": can_edit,
    }
    if can_edit:
        context["member_form"] = forms.get("member_form") or MemberForm(prefix="member")
        context["organisation_form"] = forms.get("organisation_form") or OrganisationJoinForm(
            prefix="org"
        )
    return TemplateResponse(request, "regions/project_group.html", context, status=status)


@login_required
def group_page(request, pk):
    return _page(request, _readable_region(request, pk))


def _apply(form, call):
    """Run a service; its refusals land on the form's fields. True when it went through."""
    try:
        with transaction.atomic():
            call()
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


def _refused(form, error) -> None:
    form.add_error(None, error)


@login_required
@require_POST
def member_add(request, pk):
    region = _readable_region(request, pk, write=True)
    form = MemberForm(request.POST, prefix="member")
    earlier = earlier_answer(user=request.user, key=form.submission_key_posted())
    if earlier:
        # Sent twice: a new organisation typed on the form exists since the first post.
        return redirect(earlier)
    if form.is_valid():
        data = form.cleaned_data
        try:
            # The same post twice adds the person once (regions/submissions.py).
            done = submit_once(
                user=request.user,
                key=form.submission_key,
                create=lambda: (
                    services.member_add(
                        region=region,
                        joined_on=data["joined_on"],
                        core_group=data["core_group"],
                        **person_fields(data),
                    ),
                    reverse("regions:group", args=[region.pk]),
                ),
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            if done.first:
                messages.success(
                    request, _("%(name)s joined the project group.") % {"name": data["name"]}
                )
            return redirect(done.answer)
    return _page(request, region, status=422, member_form=form)


@login_required
@require_POST
def organisation_add(request, pk):
    region = _readable_region(request, pk, write=True)
    form = OrganisationJoinForm(request.POST, prefix="org")
    earlier = earlier_answer(user=request.user, key=form.submission_key_posted())
    if earlier:
        # Sent twice: the form would now refuse the new organisation's name as taken.
        return redirect(earlier)
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = submit_once(
                user=request.user,
                key=form.submission_key,
                create=lambda: (
                    services.organisation_join(
                        region=region,
                        organisation=data["organisation"],
                        name=data["new_organisation"],
                        sector=data["new_organisation_sector"],
                        joined_on=data["joined_on"],
                    ),
                    reverse("regions:group", args=[region.pk]),
                ),
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            if done.first:
                messages.success(request, _("The organisation takes part in the region."))
            return redirect(done.answer)
    return _page(request, region, status=422, organisation_form=form)


def _action_page(request, region, form, *, title, intro="", status=200, subject=None):
    return TemplateResponse(
        request,
        "regions/project_group_action.html",
        {"region": region, "form": form, "title": title, "intro": intro, "subject": subject},
        status=status,
    )


def _membership_action(request, pk, membership_id, *, form_class, title, run, done, prefix=None):
    """A page with one form about one membership period: GET shows it, POST runs it."""
    region = _readable_region(request, pk, write=True)
    membership = get_object_or_404(
        RegionStakeholder.objects.select_related("stakeholder__organisation"),
        pk=membership_id,
        region=region,
    )
    kwargs = {"instance": membership} if issubclass(form_class, MembershipForm) else {}
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
        if form.is_valid() and _apply(form, lambda: run(membership, form.cleaned_data)):
            messages.success(request, done(membership, form.cleaned_data))
            return redirect("regions:group", region.pk)
        status = 422
    else:
        form, status = form_class(**kwargs), 200
    return _action_page(
        request,
        region,
        form,
        title=title % {"name": membership.stakeholder.name},
        subject=membership,
        status=status,
    )


@login_required
def member_leave(request, pk, membership_id):
    return _membership_action(
        request,
        pk,
        membership_id,
        form_class=LeaveForm,
        title=gettext_lazy("%(name)s leaves the project group"),
        run=lambda m, data: services.member_leave(
            membership=m, left_on=data["left_on"], reason=data["reason"]
        ),
        done=lambda m, data: (
            _("%(name)s left the project group on %(date)s.")
            % {"name": m.stakeholder.name, "date": data["left_on"].isoformat()}
        ),
    )


@login_required
def member_replace(request, pk, membership_id):
    def run(membership, data):
        services.member_replace(
            membership=membership, on=data["on"], reason=data["reason"], **person_fields(data)
        )

    return _membership_action(
        request,
        pk,
        membership_id,
        form_class=ReplaceForm,
        title=gettext_lazy("Replace %(name)s"),
        run=run,
        done=lambda m, data: (
            _("%(new)s took over the seat of %(old)s on %(date)s.")
            % {"new": data["name"], "old": m.stakeholder.name, "date": data["on"].isoformat()}
        ),
    )


@login_required
def member_rejoin(request, pk, membership_id):
    return _membership_action(
        request,
        pk,
        membership_id,
        form_class=RejoinForm,
        title=gettext_lazy("%(name)s comes back to the project group"),
        run=lambda m, data: services.member_rejoin(membership=m, joined_on=data["joined_on"]),
        done=lambda m, data: (
            _("%(name)s is back in the project group.") % {"name": m.stakeholder.name}
        ),
    )


@login_required
def membership_correct(request, pk, membership_id):
    def run(membership, data):
        # The form's instance was changed by validation; the service writes from the data.
        membership.refresh_from_db()
        services.membership_correct(membership=membership, **data)

    return _membership_action(
        request,
        pk,
        membership_id,
        form_class=MembershipForm,
        title=gettext_lazy("Correct the dates of %(name)s"),
        run=run,
        done=lambda m, data: _("Dates corrected; the earlier ones stay in the history."),
    )


@login_required
def stakeholder_edit(request, pk, stakeholder_id):
    region = _readable_region(request, pk, write=True)
    stakeholder = get_object_or_404(ever_members(region), pk=stakeholder_id)
    if request.method == "POST":
        with transaction.atomic():
            # Checked and saved under the row's lock: see roadmap_site/concurrency.py.
            locked = Stakeholder.objects.select_for_update().get(pk=stakeholder.pk)
            form = StakeholderDetailsForm(request.POST, instance=locked)
            saved = form.is_valid()
            if saved:
                form.save()
        if saved:
            messages.success(
                request, _("Details of %(name)s corrected.") % {"name": stakeholder.name}
            )
            return redirect("regions:group", region.pk)
        status = form.answer_status
    else:
        form, status = StakeholderDetailsForm(instance=stakeholder), 200
    return _action_page(
        request,
        region,
        form,
        title=_("Correct the details of %(name)s") % {"name": stakeholder.name},
        intro=_(
            "One person, in every region they take part in: the correction shows there too. "
            "The earlier details stay in the history."
        ),
        status=status,
    )


@login_required
def organisation_leave(request, pk, participation_id):
    region = _readable_region(request, pk, write=True)
    participation = get_object_or_404(
        RegionOrganisation.objects.select_related("organisation"),
        pk=participation_id,
        region=region,
    )
    if request.method == "POST":
        saved = False
        with transaction.atomic():
            # Checked under the period's lock, against the period the page showed.
            locked = (
                RegionOrganisation.objects.select_for_update()
                .select_related("organisation")
                .get(pk=participation.pk)
            )
            form = OrganisationLeaveForm(request.POST, participation=locked)
            if form.is_valid() and _apply(
                form,
                lambda: services.organisation_leave(
                    participation=locked, left_on=form.cleaned_data["left_on"]
                ),
            ):
                saved = True
        if saved:
            messages.success(
                request,
                _("%(name)s no longer takes part.") % {"name": participation.organisation.name},
            )
            return redirect(reverse("regions:group", args=[region.pk]))
        status = form.answer_status
    else:
        form = OrganisationLeaveForm(participation=participation)
        status = 200
    return _action_page(
        request,
        region,
        form,
        title=_("%(name)s stops taking part") % {"name": participation.organisation.name},
        status=status,
    )
