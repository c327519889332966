"""Durable background work: the job table's queue, its handlers and the workers that run them."""
