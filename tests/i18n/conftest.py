"""The i18n tests reuse the agreements' and step work's fixtures (a held step, an
agreement in consultation, a region with paying and saving organisations)."""

from tests.agreements.conftest import (  # noqa: F401
    agreement,
    held_step,
    in_consultation,
    parties,
    private_media,
)
from tests.stepwork.conftest import orgs  # noqa: F401
