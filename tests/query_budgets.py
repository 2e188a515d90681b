"""Query budgets of pages that several parts of the product contribute to. The count must
not grow with data (each test measures at two sizes); the budget caps the fixed cost."""

# The region page: roadmap, sessions and stability, step work, agreements and documents,
# network panels, overdue action items. Measured: 26–28 depending on role and state
# (31 at most with every panel of a region at a decision point), plus one for the proof that
# a step is done (steps/step_state.py: an agreed agreement shows step 4 done).
REGION_PAGE = 32

# The privacy page: the record, the periods, and the dry run's one count per set of rows
# (about thirty history tables among them). Fixed: it does not grow with data.
PRIVACY_PAGE = 45

# The session page with its read parts in the cache (issue 23): the login's session, user
# and profile; the session with what the page asks of the viewer (may edit, minutes, a
# draft, a blind round: sessions.selectors.session_for_cached_page); the data version; the
# login session's save (three).
SESSION_PAGE_WARM = 8
