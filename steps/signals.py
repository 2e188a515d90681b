from django.db.models.signals import post_save
from django.dispatch import receiver

from regions.models import Region

from .models import RegionStep, Step


@receiver(post_save, sender=Region)
def give_new_region_its_steps(sender, instance, created, raw=False, **kwargs):
    """Every region walks the same roadmap: it gets one row per step as it is created."""
    if created and not raw:
        RegionStep.objects.bulk_create(
            [RegionStep(region=instance, step=step) for step in Step.objects.all()],
            ignore_conflicts=True,
        )
