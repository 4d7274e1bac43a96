"""Text messages to the caller (SPEC §15): templates, a pluggable backend, a kept status."""
