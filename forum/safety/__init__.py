"""Care and safety: watched words (and, later, crisis detection and resources)."""
