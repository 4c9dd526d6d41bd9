"""Ready-made storage for pings: add ``"django_pingback.storage"`` to ``INSTALLED_APPS``.

Every verified ping becomes a ``Pingback`` row, unapproved until a moderator
approves it in the admin.
"""
