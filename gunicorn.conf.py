# gunicorn reads this file from the working directory (Procfile's `web:` process).
# Signed result URLs carry a bearer token: the access log shows them redacted (api/logs.py).
logger_class = "api.logs.RedactingGunicornLogger"
