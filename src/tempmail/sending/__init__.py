"""Sending mail as an address: one send path behind the HTTP APIs and the SMTP sending proxy."""
