"""`WebhookSigner` with the Standard Webhooks reference library (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`)."""

from __future__ import annotations

from datetime import UTC, datetime

from standardwebhooks import Webhook


class StandardWebhooksSigner:
    def sign(self, secret: str, message_id: str, timestamp: int, body: str) -> str:
        return str(Webhook(secret).sign(message_id, datetime.fromtimestamp(timestamp, UTC), body))
