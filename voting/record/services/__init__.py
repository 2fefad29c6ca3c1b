"""The record's writes: minutes and the policy register."""
