"""TLS for every HTTPS request distilabel or a plugin makes: one ``ssl.SSLContext``.

Python's default context trusts the operating system's CA store, and python.org's macOS
builds have none until "Install Certificates.command" is run: every HTTPS request then
fails with ``CERTIFICATE_VERIFY_FAILED``. ``ssl_context()`` trusts certifi's CA bundle
instead (what requests and httpx use), or the file named by ``SSL_CERT_FILE`` (or the
folder named by ``SSL_CERT_DIR``) when set, for a company's own CA. A plugin passes it
to its HTTP client, e.g. ``aiohttp.TCPConnector(ssl=ssl_context())`` or
``httpx.AsyncClient(verify=ssl_context())``.
"""

from __future__ import annotations

import functools
import os
import ssl
from typing import Optional

__all__ = ["CA_FILE_ENV_VAR", "CA_DIR_ENV_VAR", "ca_bundle", "ssl_context"]

CA_FILE_ENV_VAR = "SSL_CERT_FILE"
CA_DIR_ENV_VAR = "SSL_CERT_DIR"


def ca_bundle() -> str:
    """The CA file HTTPS requests trust: ``$SSL_CERT_FILE`` or certifi's bundle."""
    chosen = os.environ.get(CA_FILE_ENV_VAR, "").strip()
    if chosen:
        return chosen
    import certifi

    return str(certifi.where())


def ssl_context() -> ssl.SSLContext:
    """A client context that verifies servers against ``ca_bundle()`` (plus
    ``$SSL_CERT_DIR`` when set); the same object while those settings stay the same.

    Raises:
        FileNotFoundError: ``SSL_CERT_FILE`` names a file that does not exist.
    """
    return _context(ca_bundle(), os.environ.get(CA_DIR_ENV_VAR, "").strip() or None)


@functools.lru_cache(maxsize=4)
def _context(cafile: str, capath: Optional[str]) -> ssl.SSLContext:
    if not os.path.isfile(cafile):
        raise FileNotFoundError(
            f"The CA bundle '{cafile}' does not exist; fix or unset {CA_FILE_ENV_VAR}."
        )
    return ssl.create_default_context(cafile=cafile, capath=capath)
