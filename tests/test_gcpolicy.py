"""The batch garbage-collector settings are scoped: whatever the caller had is back afterwards."""

import gc

from reliability.gcpolicy import BATCH_THRESHOLDS, fewer_collections, frozen_for_fork


def test_thresholds_are_raised_inside_and_restored_after_even_on_error():
    before = gc.get_threshold()
    try:
        with fewer_collections():
            assert gc.get_threshold() == BATCH_THRESHOLDS
            with fewer_collections():  # nested: unchanged, and leaving it keeps the outer setting
                pass
            assert gc.get_threshold() == BATCH_THRESHOLDS
            raise KeyError("boom")
    except KeyError:
        pass
    assert gc.get_threshold() == before


def test_a_caller_who_disabled_collection_keeps_it_disabled():
    before = gc.get_threshold()
    gc.set_threshold(0)
    try:
        with fewer_collections():
            assert gc.get_threshold()[0] == 0
        assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)


def test_objects_are_frozen_only_inside_the_block():
    assert gc.get_freeze_count() == 0
    with frozen_for_fork():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_a_callers_own_freeze_is_left_as_it_was():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with frozen_for_fork():
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
