from django.contrib import admin

from regions.admin_scoping import RegionScopedAdmin

from .models import Attendance, Session


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0


@admin.register(Session)
class SessionAdmin(RegionScopedAdmin):
    list_display = ["title", "region", "date", "kind", "status"]
    list_filter = ["kind", "status", "mode"]
    inlines = [AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(RegionScopedAdmin):
    region_path = "session__region"
    list_display = ["session", "stakeholder", "status"]
