"""Downloading a dataset's files from its https mirrors: bounded, verified, written atomically."""

from __future__ import annotations

import ipaddress
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from comparison.atomic import write_atomically
from comparison.data.bounded import gunzip_limited
from comparison.data.idx import check_content
from comparison.data.locate import find_file, how_to_get
from comparison.data.specs import DataError, DatasetSpec

CHUNK = 1 << 20  # read a response a MiB at a time, counting as it comes
# gzip stores incompressible data in blocks with a few bytes of framing each (well under 1%),
# so no honest .gz of a file is larger than its decompressed size plus 1% plus a header.
GZIP_SLACK = 4096
WRONG_MIRROR = "this mirror serves another file: use another mirror"


def download(spec: DatasetSpec, dest: Path, timeout: float = 30.0) -> Path:
    """Fetch every missing file of ``spec`` into ``dest``, verified, written atomically."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in spec.sha256:
        if find_file(dest, name) is None:
            _fetch(spec, name, dest, timeout)
    return dest


def _fetch(spec: DatasetSpec, name: str, dest: Path, timeout: float) -> None:
    """Try each mirror in turn; keep the first copy that passes every check."""
    size = spec.sizes[name]
    failures = []
    for mirror in spec.mirrors:
        url = f"{mirror}{name}.gz"
        try:
            packed = _get(url, limit=size + size // 100 + GZIP_SLACK, timeout=timeout)
            raw = gunzip_limited(packed, size, url, fix=WRONG_MIRROR)
            check_content(raw, url, spec.sha256[name], size, fix=WRONG_MIRROR)
        except DataError as error:  # its message starts with the URL
            failures.append(f"  {error}")
            continue
        except OSError as error:  # no connection, HTTP errors, time-outs
            failures.append(f"  {url}: {error}")
            continue
        write_atomically(dest / f"{name}.gz", packed)
        return
    raise DataError(f"could not download {spec.name} ({name}):\n" + "\n".join(failures)
                    + "\n" + how_to_get(spec))


def _get(url: str, limit: int, timeout: float) -> bytes:
    """The body at ``url``, refused as soon as it passes ``limit`` bytes."""
    _require_https(url)
    print(f"downloading {url}", flush=True)
    with urllib.request.urlopen(url, timeout=timeout) as response:
        _require_https(response.url)  # a redirect may have left https
        chunks, received = [], 0
        while chunk := response.read(CHUNK):
            received += len(chunk)
            if received > limit:
                raise DataError(f"{url}: response larger than {limit:,} bytes, more than the "
                                f"file can be; {WRONG_MIRROR}")
            chunks.append(chunk)
    return b"".join(chunks)


def _require_https(url: str) -> None:
    """Refuse plain http (anyone on the way could swap the file), except on this machine."""
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(parts.hostname)):
        return
    raise DataError(f"{url}: refusing {parts.scheme}:// (mirrors must use https; plain http "
                    "only on this machine); change the mirror to an https URL")


def _is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:  # a host name, not an address
        return False
