"""`adforge`: a command-line client of AdForge's public HTTP API (upload, create, follow, download, gallery)."""
