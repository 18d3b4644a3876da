"""Adapters from the core's ports to real platforms: local (sqlite3, a folder) and Workers (D1, R2)."""
