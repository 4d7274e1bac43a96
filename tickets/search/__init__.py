"""Finding tickets again (SPEC §12): query parsing, the search selector, its filters.

`query.parse` reads what a person typed (number, phone, last four digits, words);
`selectors.search_tickets` turns it into a queryset inside the user's scope;
`filters.TicketSearchFilter` adds the filters, sort and `q` that the API and pages share;
`recent_index` keeps the partial GIN indexes of recent tickets (a week, a month, four months)
that newest-first searches read.
"""
