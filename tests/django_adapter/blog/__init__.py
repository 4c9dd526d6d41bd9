"""A small blog for the tests: posts, and comments that may be pingbacks."""
