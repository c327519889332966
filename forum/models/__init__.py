"""Tortoise models by domain."""
