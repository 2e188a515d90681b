from django.contrib import admin

from . import bin
from .models import BinEntry


@admin.register(BinEntry)
class BinEntryAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "region", "deleted_by", "deleted_at"]
    list_filter = ["kind"]
    readonly_fields = ["rows", "links"]


class DeletesToBin:
    """For the admin of sessions, field notes and agreement drafts: a delete in the admin
    goes to the region's bin, as the delete buttons of the screens do, so the region's
    project leaders can restore it for 30 days."""

    bin_kind: str
    bin_region_path: str = "region"  # attribute path from the object to its region

    def bin_region(self, obj):
        for name in self.bin_region_path.split("__"):
            obj = getattr(obj, name)
        return obj

    def delete_model(self, request, obj):
        bin.move_to_bin(obj, kind=self.bin_kind, region=self.bin_region(obj), by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
