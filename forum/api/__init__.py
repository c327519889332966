"""The JSON API (v1): the same queries, forms and actions as the pages, answered as JSON."""
