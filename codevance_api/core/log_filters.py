"""Logging filters: what a log line's level says about who must act.

Django's security loggers write a client's oversized body or over-long query string
(`django.security.RequestDataTooBig`, `TooManyFieldsSent`, `TooManyFilesSent`) at ERROR with a
traceback, although the request was answered with the right 4xx (413 `request_too_large`, 400
`too_many_fields`: core/exceptions.py) and nothing on our side failed. At ERROR they page whoever
watches the errors (Sentry reads ERROR lines) for a client's mistake. Source: fresh-user review,
2026-11-29.
"""

import logging


class ClientErrorAsWarning(logging.Filter):
    """Pass every record, written at WARNING at most and without its traceback (the message keeps the rule)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        record.exc_info = record.exc_text = None
        return True
