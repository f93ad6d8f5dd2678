"""Use cases the edges call: catalog, ingestion, monitoring, evaluation, demo
(each opens its own transaction)."""
