from axes.backends import AxesStandaloneBackend


class ThrottledLoginBackend(AxesStandaloneBackend):
    """django-axes' lock-out check for logins made over HTTP.

    authenticate() without a request (a management shell, the test client's login()) has no client
    address to throttle and is passed on to the next backend, instead of failing as axes would.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
