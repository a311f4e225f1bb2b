"""Every exit code the command line can return."""

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0  # the batch was scored (some files may have been skipped)
    TRIAGE_FAILED = 1  # --fail-on was given and an article's triage is at or below it
    ERROR = 2  # usage, config or input error, or nothing could be scored
