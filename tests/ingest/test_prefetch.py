"""Read-ahead thread: same items in order, errors raised in the consumer, producer stopped when abandoned."""

from __future__ import annotations

import pytest

from natije.ingest.prefetch import prefetch


def test_items_arrive_in_order() -> None:
    assert list(prefetch(iter(range(1000)), depth=3)) == list(range(1000))


def test_an_error_in_the_producer_is_raised_in_the_consumer() -> None:
    def boom():  # type: ignore[no-untyped-def]
        yield 1
        raise ValueError("bad file")

    it = prefetch(boom())
    assert next(it) == 1
    with pytest.raises(ValueError, match="bad file"):
        next(it)


def test_abandoning_the_consumer_closes_the_producer() -> None:
    closed = []

    def source():  # type: ignore[no-untyped-def]
        try:
            yield from range(10_000)
        finally:
            closed.append(True)

    it = prefetch(source(), depth=2)
    assert next(it) == 0
    it.close()
    assert closed == [True]
