"""A tiny Django blog whose posts take pings: the README's "Django in five minutes", running.

settings.py and urls.py are wired as the README says; demo.py is what
``pingcore demo`` calls to start the site, publish posts and read back the pings.
"""
