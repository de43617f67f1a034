"""AdForge core: domain, services, ports and adapters shared by every function."""
