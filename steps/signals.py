from django.apps import apps
from django.db.models.signals import post_save
from django.dispatch import receiver

from regions.models import Region

from .models import RegionStep, Step
from .roadmap import ensure_definitions


@receiver(post_save, sender=Region)
def give_new_region_its_steps(sender, instance, created, raw=False, **kwargs):
    """Every region walks the same roadmap: it gets one row per step as it is created."""
    if not created or raw:
        return
    if not Step.objects.exists():
        ensure_definitions(apps)
    RegionStep.objects.bulk_create(
        [RegionStep(region=instance, step=step) for step in Step.objects.all()],
        ignore_conflicts=True,
    )
