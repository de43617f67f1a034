"""Vendor sandboxes: loopback HTTP servers built from the vendor docs, with switchable faults."""
