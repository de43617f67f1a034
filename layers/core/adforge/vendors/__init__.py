"""Vendor adapters: per vendor a pure transform, an HTTP-only client and a gateway joining them."""
