"""The weekly digest (filled in below)."""
