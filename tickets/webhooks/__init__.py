"""Webhooks (SPEC §15): other systems hear of tickets by signed HTTP calls, not polling."""
