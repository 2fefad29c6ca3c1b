"""The organisation's pages: the home and organisation pages, and the admin pages for
the organisation, its bodies and its units."""
