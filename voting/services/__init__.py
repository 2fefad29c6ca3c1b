"""Services: the only code that writes. One function per user action.

Each action checks who may do it, validates, writes in one transaction, adds an audit
entry, commits, and only then publishes what changed.
"""
