"""The ASGI application for servers: `uvicorn forum.asgi:app`."""

from forum.app import create_app
from forum.settings import load_settings

app = create_app(load_settings())
