"""Keep result-URL tokens out of the logs: a signed /api/results/<token> URL is a bearer credential for an
hour, so access and request logs show /api/results/[redacted] instead.

Used by Django's logging (a filter on the console handler: the runserver access lines of `django.server`
and the 4xx/5xx lines of `django.request`) and by gunicorn's access log (gunicorn.conf.py sets the logger).
"""

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

RESULT_TOKEN_RE = re.compile(r"(/api/results/)[^\s/?#\"']+")
REDACTED = r"\1[redacted]"


def redact(value):
    """`value` with every result token replaced; anything that is not text is returned as it is."""
    return RESULT_TOKEN_RE.sub(REDACTED, value) if isinstance(value, str) else value


class RedactResultTokens(logging.Filter):
    def filter(self, record):
        record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: redact(arg) for key, arg in record.args.items()}
        return True


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's logger with the request line, path and referer of each access line redacted."""

    def atoms(self, resp, req, environ, request_time):
        return {key: redact(value) for key, value in super().atoms(resp, req, environ, request_time).items()}
