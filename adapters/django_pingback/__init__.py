"""Pingback and Webmention for Django sites, on pingcore.

The view, signal, template tag and checks arrive with their own issue.
"""
