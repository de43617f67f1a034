"""SQS worker: one job per changed product image of an accepted Shopify / WooCommerce delivery."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adforge.api.lazy import Handler, built_on_first_call

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord


def build() -> Handler:
    """The batch processor and the product model, built at the first batch (adforge/api/lazy.py)."""
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    from adforge import bootstrap
    from adforge.api.observability import forget_job, observed
    from adforge.domain.shops import ProductEvent

    logger = Logger(service="product-worker")
    processor = BatchProcessor(event_type=EventType.SQS)

    def handle(record: SQSRecord) -> None:
        forget_job()  # the last record's job is not this one's: its ids come with the jobs it creates
        outcomes = bootstrap.shop_webhooks().process(ProductEvent.model_validate_json(record.body))
        logger.info("product processed", extra={"outcomes": [o.model_dump(mode="json") for o in outcomes]})

    @observed("product-worker")
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return dict(process_partial_response(event=event, record_handler=handle, processor=processor, context=context))

    return handler


lambda_handler = built_on_first_call(build)
