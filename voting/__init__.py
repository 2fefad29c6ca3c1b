"""Deliberation and voting for organisations that try consensus first."""
