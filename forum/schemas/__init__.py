"""pydantic models for every input and output, shared by HTML forms and the JSON API."""
