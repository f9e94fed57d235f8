"""Numbers of the seed contract that the engine, the API and the web app share, each written once.

Pure Python (no Django): the engine uses the states in its typed errors, the API stores them on tasks,
and the web app checks uploads against the same limit as the API.
"""

# Task states (data.state): 1 done, 0 queued, 2-6 processing, below 0 failed.
STATE_QUEUED = 0
STATE_DONE = 1
STATE_PREPARING = 2
STATE_WAITING = 3
STATE_PROCESSING = 4
STATE_PUBLISHING = 5
STATE_LOOP = 6
STATE_FAILED = -1
STATE_DOWNLOAD_FAILED = -3
STATE_URL_TOO_LARGE = -5
STATE_INVALID_IMAGE = -7
STATE_TIMEOUT = -8
STATE_CONTENT = -14
UNFINISHED_STATES = (STATE_QUEUED, STATE_PREPARING, STATE_WAITING, STATE_PROCESSING, STATE_PUBLISHING, STATE_LOOP)

# image_file: "< 15 MB". Read as 15 MiB and applied the same way everywhere: a file of exactly
# MAX_UPLOAD_BYTES is accepted, one byte more is refused (see upload_too_large).
MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_UPLOAD_MB = MAX_UPLOAD_BYTES // (1024 * 1024)
# image_url: up to 30 MB (state -5 above). Also the largest input the engine decodes at all.
MAX_DOWNLOAD_BYTES = 30 * 1024 * 1024
MAX_DOWNLOAD_MB = MAX_DOWNLOAD_BYTES // (1024 * 1024)


def upload_too_large(size):
    """The one comparison for image_file sizes (the API, the web app's upload check)."""
    return size > MAX_UPLOAD_BYTES
