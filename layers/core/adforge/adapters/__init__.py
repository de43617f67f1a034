"""Adapters: ports implemented with a concrete technology (boto3, httpx)."""
