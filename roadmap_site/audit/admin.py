from django.contrib import admin

from .models import BinEntry


@admin.register(BinEntry)
class BinEntryAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "region", "deleted_by", "deleted_at"]
    list_filter = ["kind"]
    readonly_fields = ["rows", "links"]
