"""Every change, by domain. Verbs return what changed."""
