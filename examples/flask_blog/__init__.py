"""A tiny Flask blog whose posts take pings: the README's "Flask in five minutes", running.

blog.py is the Flask guide's SQLite example with its posts in the database
too; demo.py is what ``pingcore demo`` calls to start the site, publish posts
and read back the pings.
"""
