"""The one error type of the API's services."""


class ApiError(Exception):
    """A request refused with an HTTP status and a message (never a task state).

    Message first, status by keyword, as the web app's client error reads: ApiError("...", status=413).
    """

    def __init__(self, message, status=400, *, headers=None):
        super().__init__(message)
        self.message, self.status, self.headers = message, status, headers or {}
