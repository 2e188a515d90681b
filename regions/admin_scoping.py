"""Admin classes that show a non-superuser only the regions the scoping helper allows."""

from django.contrib import admin

from .access import editable_regions, visible_regions


class RegionScopedAdmin(admin.ModelAdmin):
    """Limits rows to the user's regions. ``region_path`` is the lookup from the model to
    its region (``"pk"`` for Region itself)."""

    region_path = "region"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        regions = visible_regions(request.user)
        return queryset.filter(**{f"{self.region_path}__in": regions}).distinct()

    def _may_change(self, request, obj):
        if request.user.is_superuser or obj is None:
            return True
        region_ids = editable_regions(request.user).values_list("pk", flat=True)
        return (
            type(obj).objects.filter(pk=obj.pk, **{f"{self.region_path}__in": region_ids}).exists()
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region" and not request.user.is_superuser:
            kwargs["queryset"] = editable_regions(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
