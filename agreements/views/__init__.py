"""The agreements views, one module per page: the agreement itself, a region's list of
agreements, documents (PDF requests and downloads) and the stakeholder portal."""

from .agreement import (
    agreement_approve,
    agreement_detail,
    agreement_diff,
    agreement_move,
    agreement_status,
    agreement_submit,
    agreement_terms,
    clause_remove,
    clause_save,
    party_remove,
    party_set,
    review_flag,
    review_resolve,
)
from .documents import (
    agreement_pdf,
    board_report,
    document_detail,
    document_download,
    document_retry,
    step_report_pdf,
    work_plan_pdf,
)
from .lists import (
    agreement_create,
    agreement_list,
)
from .portal import (
    briefing,
    briefing_pdf,
    portal,
    portal_region,
)

__all__ = [
    "agreement_approve",
    "agreement_detail",
    "agreement_diff",
    "agreement_move",
    "agreement_status",
    "agreement_submit",
    "agreement_terms",
    "clause_remove",
    "clause_save",
    "party_remove",
    "party_set",
    "review_flag",
    "review_resolve",
    "agreement_pdf",
    "board_report",
    "document_detail",
    "document_download",
    "document_retry",
    "step_report_pdf",
    "work_plan_pdf",
    "agreement_create",
    "agreement_list",
    "briefing",
    "briefing_pdf",
    "portal",
    "portal_region",
]
