"""The load test of the Pingback endpoints under gunicorn: ``python -m bench.load`` (`make load`).

Not part of `make test`; see ``__main__`` for what it runs and why.
"""
