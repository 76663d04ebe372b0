"""A bounded HTTP load generator for loopback: ``python -m newsroom.loadgen URL_FILE``.

Runs CLIENTS threads, each with its own keep-alive connection, until REQUESTS requests are done
or SECONDS have passed, then prints one JSON line: requests, errors, seconds, throughput, p50,
p99 (milliseconds). Only 127.0.0.0/8 and ::1 are accepted as targets.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import statistics
import threading
import time
from urllib.parse import urlsplit


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def run(urls: list[str], *, clients: int, requests: int, seconds: float) -> dict:
    first = urlsplit(urls[0])
    if not _loopback(first.hostname or ""):
        raise SystemExit("load tests only target this machine's loopback addresses")
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    issued = 0
    deadline = time.monotonic() + seconds

    def worker(offset: int) -> None:
        nonlocal issued
        conn = http.client.HTTPConnection(first.hostname, first.port, timeout=30)
        n = offset
        while True:
            with lock:
                if issued >= requests or time.monotonic() >= deadline:
                    break
                issued += 1
            url = urls[n % len(urls)]
            n += clients
            parts = urlsplit(url)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Host": first.netloc})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(first.hostname, first.port, timeout=30)
                status, detail = 0, repr(exc)
            else:
                detail = f"HTTP {status} {path}"
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(detail)
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.monotonic() - started
    ordered = sorted(latencies)
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": len(errors),
        "first_errors": errors[:5],
        "seconds": round(took, 2),
        "throughput": round(len(latencies) / took, 1) if took else 0.0,
        "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1)
        if ordered
        else None,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url_file", help="file with one absolute URL per line")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    with open(args.url_file, encoding="utf-8") as lines:
        urls = [line.strip() for line in lines if line.strip()]
    result = run(urls, clients=args.clients, requests=args.requests, seconds=args.seconds)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
