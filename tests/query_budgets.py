"""Query budgets of pages that several parts of the product contribute to. The count must
not grow with data (each test measures at two sizes); the budget caps the fixed cost."""

# The region page: roadmap, sessions and stability, step work, agreements and documents,
# network panels. Measured: 25–27 depending on role and state.
REGION_PAGE = 30
