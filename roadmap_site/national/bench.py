"""A bounded load on loopback for ``bench_dashboard --server``: a few users, each with a
kept-alive connection, requesting one page for a fixed time. Not a test."""

import http.client
import statistics
import threading
import time


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def load(port: int, path: str, *, cookie: str, users: int, seconds: float) -> dict:
    latencies, errors, lock = [], [], threading.Lock()
    deadline = time.monotonic() + seconds

    def user():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = [], 0
        while time.monotonic() < deadline:
            begin = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            response = connection.getresponse()
            response.read()
            mine.append((time.perf_counter() - begin) * 1000)
            if response.status != 200:
                failed += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            errors.append(failed)

    threads = [threading.Thread(target=user) for _ in range(users)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 0.95),
        "errors": sum(errors),
        "requests": len(latencies),
    }
