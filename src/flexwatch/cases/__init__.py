"""The case record: one template that every source's cases are coded into."""
