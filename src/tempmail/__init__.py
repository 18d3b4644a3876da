"""tempmail-worker: a disposable-mail service for Cloudflare Python Workers and CPython."""

__version__ = "0.1.0"
