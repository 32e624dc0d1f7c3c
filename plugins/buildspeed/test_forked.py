"""Work in a forked process: its result, its error, its log lines, its death."""

from __future__ import annotations

import logging
import os

from buildspeed.forked import Forked

log = logging.getLogger("buildspeed.test_forked")


def test_result_and_log_lines_come_back(caplog):
    parent = os.getpid()

    def work():
        log.warning("đọc %d tệp", 3)
        return {"pid": os.getpid(), "items": [1, 2]}

    caplog.set_level(logging.INFO)
    code, outcome = Forked(work).wait(log)
    assert code == 0 and outcome[0] is True
    assert outcome[1]["items"] == [1, 2] and outcome[1]["pid"] != parent
    assert [r.getMessage() for r in caplog.records] == ["đọc 3 tệp"]  # logged here, once


def test_an_error_is_sent_as_text_with_a_failing_status():
    def work():
        raise ValueError("thư mục không tồn tại")

    code, outcome = Forked(work).wait(log)
    assert code == 1 and outcome == (False, "thư mục không tồn tại")


def test_a_process_that_dies_sends_nothing():
    code, outcome = Forked(lambda: os._exit(7)).wait(log)
    assert code == 7 and outcome is None
