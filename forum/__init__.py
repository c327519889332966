"""Hearth: a self-hostable peer-support forum."""

__version__ = "0.1.0"
