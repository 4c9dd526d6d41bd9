"""Pingback and Webmention for Flask applications, on pingcore.

The extension, blueprint and signals arrive with their own issue.
"""
