"""Ports: what the services need from the outside world, named for the domain, with the errors each promises.

`jobs` (the job record, its events and workflow), `assets` (fetched URLs, stored objects, pixels), `vendors` (a
vendor's API and webhook reader, shared health and admission, the vendor error hierarchy), `shops` (shop webhooks),
`notifications` (outbound job notifications). Adapters (adforge.adapters, adforge.vendors, adforge.platforms)
implement them; the composition root (adforge.bootstrap) plugs them into the services.
"""
