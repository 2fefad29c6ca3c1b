"""The rules core: how a body decides, as pure functions over plain data.

No Flask, no database, no I/O: every function takes frozen dataclasses and returns
frozen dataclasses that can explain themselves. Modules:

- `types`: shared vocabulary (member statuses, unit kinds, choices, channels).
- `messages`: every sentence the core says, as templates with named placeholders.
- `entitlement`: who holds how many votes in a poll, and why (or why not).
- `thresholds`: majorities, two-thirds and any fraction of any base; quorum; ties fail.
- `consensus`: consensus / no consensus / still open, and the fallback vote.
- `tally`: weighted, split, named or secret ballots, merged postal and floor votes.
- `stv`: Meek STV for multi-seat elections with minimum constraints; instant runoff.
- `elections`: choosing the method, yes/no ratification, approval voting.
- `speaking`: the order of the speakers' queue, with a reason for each place.
- `privacy`: warnings before a secret poll whose tally could reveal a vote.
- `requisitions`: whether a demand for a meeting has the signatures it needs.

See docs/rules.md for the decisions taken and their references.
"""
