"""Use cases. Each takes its ports in the constructor and knows nothing of boto3 or httpx."""
