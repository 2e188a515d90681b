import django_filters
from django.utils.translation import gettext_lazy as _

from regions.models import Region
from roadmap_site.widgets import DateInput
from steps.models import Step

from .models import Session, SessionKind, SessionStatus


class SessionFilter(django_filters.FilterSet):
    step = django_filters.ModelChoiceFilter(
        label=_("Step"),
        field_name="steps",
        queryset=Step.objects.order_by("order"),
        empty_label=_("all"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=SessionKind.choices, empty_label=_("all")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=SessionStatus.choices, empty_label=_("all")
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="date", lookup_expr="gte", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        label=_("Until"), field_name="date", lookup_expr="lte", widget=DateInput
    )

    class Meta:
        model = Session
        fields = ["step", "kind", "status", "date_from", "date_to"]


class AllSessionFilter(SessionFilter):
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.none(), empty_label=_("all")
    )

    class Meta(SessionFilter.Meta):
        fields = ["region", *SessionFilter.Meta.fields]

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["region"].queryset = regions
