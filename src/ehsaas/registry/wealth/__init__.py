"""Wealth filters: lists of people who are not poor, from other agencies, matched by CNIC against the
registry's members; each match excludes the member's household from targeting (a WealthFlag).

Everything here is set-based. A list file is read with polars in batches (memory stays flat for
millions of lines) into a staging table (COPY on PostgreSQL), then written and matched with a few SQL
statements, never one query per row. The services in `registry/services/wealth_filters.py` call these in their
transactions; the selectors are what pages and downstream apps read.

- `files`: reading and staging a list file, refused whole when it is not usable;
- `matching`: the list's entries, the flags they raise and lift, and their history;
- `importing`: a list's import, and the matching of households changed later;
- `selectors`: what a user may see, which households are excluded, and why.
"""
