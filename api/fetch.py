"""Download an image_url without letting callers reach internal addresses (SSRF).

The host is resolved here, every address is checked, and the connection goes to the checked address
(the original host name travels in the Host header and TLS SNI), so DNS cannot answer differently
between the check and the connection. Redirects are followed by hand, at most MAX_REDIRECTS, and each
hop is checked the same way.
"""

import ipaddress
import re
import socket
import time
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings

from engine.contract import MAX_DOWNLOAD_BYTES, STATE_DOWNLOAD_FAILED, STATE_URL_TOO_LARGE

MAX_URL_LENGTH = 512
MAX_REDIRECTS = 5
REDIRECT_CODES = (301, 302, 303, 307, 308)
# Cloud instance metadata services: never reachable, whatever IDPHOTO_URL_ALLOW_PRIVATE says.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254", "fd00:ec2::23")
)


# Host names are checked before any lookup: letters, digits and hyphens per label (IDN names go through
# IDNA first). A host whose last label is a number must be a plain dotted-decimal IPv4 address: browsers
# and some resolvers read 0177.0.0.1, 2130706433 or 0x7f.1 as 127.0.0.1.
HOST_LABEL_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
NUMERIC_LABEL_RE = re.compile(r"[0-9]+|0x[0-9a-f]*")
# Parsers disagree about these (WHATWG reads a backslash as "/"), so such URLs are refused, not guessed at.
UNSAFE_URL_CHARS = re.compile(r"[\\\s\x00-\x1f\x7f]")

# Certificate verification for https downloads: True uses the system CAs (tests pass an SSLContext).
TLS_VERIFY = True


class DownloadError(Exception):
    """The image could not be fetched (task state -3)."""

    state = STATE_DOWNLOAD_FAILED


class RefusedAddress(DownloadError):
    """The URL points at an address this service must not connect to."""


class TooLarge(DownloadError):
    state = STATE_URL_TOO_LARGE


def address_refusal(ip, allow_private=None):
    """Why this address may not be fetched, or None when it may."""
    if allow_private is None:
        allow_private = settings.IDPHOTO_URL_ALLOW_PRIVATE
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES:
        return f"{ip} is a cloud metadata address"
    if ip.is_unspecified:
        return f"{ip} is an unspecified address"
    if ip.is_multicast:
        return f"{ip} is a multicast address"
    if ip.is_link_local:
        return f"{ip} is a link-local address"
    if ip.is_loopback:  # before is_reserved, which also covers ::1
        return None if allow_private else f"{ip} is a loopback address"
    if ip.is_reserved:
        return f"{ip} is a reserved address"
    if allow_private:
        return None
    if ip.is_private or not ip.is_global:
        return f"{ip} is a private (non-public) address"
    return None


def url_refusal(url):
    """What is wrong with an image_url before any network access, or None (HTTP 400 at creation)."""
    if len(url) > MAX_URL_LENGTH:
        return f"image_url: must be at most {MAX_URL_LENGTH} characters (got {len(url)})"
    if UNSAFE_URL_CHARS.search(url):
        return "image_url: must not contain spaces, backslashes or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "image_url: must be a valid http or https URL"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "image_url: must be an http:// or https:// URL with a host name"
    if "@" in parts.netloc:
        return "image_url: must not contain a user name or password (user@host)"
    reason = _host_refusal(parts.hostname)
    if reason is None:
        try:
            httpx.URL(url)  # the client that downloads must read the URL as it was checked
        except httpx.InvalidURL:
            reason = "image_url: must be a valid http or https URL"
    return reason


def _host_refusal(host):
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return _host_name_refusal(host)
    reason = address_refusal(ip)
    return f"image_url: refused, {reason}" if reason else None


def _host_name_refusal(host):
    name = host.rstrip(".")
    labels = name.split(".")
    if NUMERIC_LABEL_RE.fullmatch(labels[-1]):
        try:
            ip = ipaddress.IPv4Address(name)
        except ValueError:
            return (
                f"image_url: refused, {host} is not a plain IPv4 address "
                "(write it as four decimal numbers without leading zeros)"
            )
        reason = address_refusal(ip)
        return f"image_url: refused, {reason}" if reason else None
    try:
        ascii_labels = name.encode("idna").decode("ascii").split(".")
    except UnicodeError:
        return f"image_url: {host!r} is not a valid host name"
    if not all(HOST_LABEL_RE.fullmatch(label) for label in ascii_labels):
        return f"image_url: {host!r} is not a valid host name (letters, digits, hyphens and dots only)"
    if (name == "localhost" or name.endswith(".localhost")) and not settings.IDPHOTO_URL_ALLOW_PRIVATE:
        return "image_url: refused, localhost is not a public address"
    return None


def resolve(host, port):
    """Every address the host name resolves to (tests replace this to simulate DNS)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


def _checked_address(host, port):
    try:
        ip = ipaddress.ip_address(host)
        addresses = [ip]
    except ValueError:
        try:
            addresses = [ipaddress.ip_address(a.split("%")[0]) for a in resolve(host, port)]
        except (OSError, UnicodeError) as exc:
            raise DownloadError(f"Downloading image_url failed: could not resolve the host {host!r} ({exc})") from None
        if not addresses:
            raise DownloadError(f"Downloading image_url failed: could not resolve the host {host!r}")
    for ip in addresses:  # one bad record refuses the host: a mixed answer is a rebinding attempt
        reason = address_refusal(ip)
        if reason:
            raise RefusedAddress(f"image_url refused: {host} resolves to {reason}, which this service does not fetch")
    return addresses[0]


def _pinned_request(client, url, timeout):
    """Open a streamed GET of `url`, connecting to the checked address of its host."""
    refusal = url_refusal(url)
    if refusal:
        raise RefusedAddress(refusal.replace("image_url: refused, ", "image_url refused: "))
    parts = httpx.URL(url)
    ip = _checked_address(parts.host, parts.port or (443 if parts.scheme == "https" else 80))
    headers = {"Host": parts.netloc.decode("ascii"), "Accept": "image/*,*/*;q=0.5"}
    extensions = {"timeout": httpx.Timeout(timeout).as_dict()}
    if parts.scheme == "https":
        extensions["sni_hostname"] = parts.host
    request = client.build_request("GET", parts.copy_with(host=str(ip)), headers=headers, extensions=extensions)
    return client.send(request, stream=True)


def download(url, timeout=None, max_bytes=MAX_DOWNLOAD_BYTES, on_chunk=None):
    """The bytes at `url`, or DownloadError / RefusedAddress (state -3) / TooLarge (state -5).

    on_chunk() is called after each chunk read (the task renews its lease there)."""
    timeout = settings.IDPHOTO_URL_TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    with httpx.Client(follow_redirects=False, trust_env=False, verify=TLS_VERIFY) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                response = _pinned_request(client, url, max(0.1, deadline - time.monotonic()))
                try:
                    if response.status_code in REDIRECT_CODES and response.headers.get("location"):
                        url = urljoin(url, response.headers["location"])
                        continue
                    return _read_body(response, deadline, timeout, max_bytes, on_chunk)
                finally:
                    response.close()
            except httpx.TimeoutException:
                raise DownloadError(f"Downloading image_url timed out after {timeout:g} s") from None
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise DownloadError(f"Downloading image_url failed: {exc.__class__.__name__}: {exc}") from None
    raise DownloadError(f"Downloading image_url failed: more than {MAX_REDIRECTS} redirects")


def _read_body(response, deadline, timeout, max_bytes, on_chunk):
    if response.status_code != 200:
        raise DownloadError(f"Downloading image_url failed: the server answered HTTP {response.status_code}")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(_too_large(max_bytes))
    chunks, total = [], 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > max_bytes:
            raise TooLarge(_too_large(max_bytes))
        if time.monotonic() > deadline:
            raise DownloadError(f"Downloading image_url timed out after {timeout:g} s")
        chunks.append(chunk)
        if on_chunk is not None:
            on_chunk()
    return b"".join(chunks)


def _too_large(max_bytes):
    return f"The image_url file is larger than {max_bytes // (1024 * 1024)} MB."
