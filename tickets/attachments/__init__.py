"""Photos and documents of a ticket (SPEC §14): sniffed, cleaned, thumbnailed, stored."""
