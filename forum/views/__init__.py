"""Thin HTML handlers: load, check, parse, change, render or redirect."""
