"""The self-hosted server: the same app and pipeline on CPython, sqlite3, a folder and real SMTP.

Nothing here is imported on the Workers path; uvicorn and aiosmtpd are local-only packages.
"""
