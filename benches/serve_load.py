#!/usr/bin/env python3
"""Load on a running `prescreen serve` (127.0.0.1 only): CLIENTS threads
upload FILE as multipart field `file` until REQUESTS uploads are done;
prints uploads/s, p50/p99 latency and the status counts as one JSON line.

    python3 benches/serve_load.py --url http://127.0.0.1:PORT/ --file IMG --clients 16 --requests 1000
"""
import argparse
import http.client
import json
import threading
import time
import urllib.parse


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--file", required=True)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    url = urllib.parse.urlparse(args.url)
    if url.hostname != "127.0.0.1":
        raise SystemExit("load tests target 127.0.0.1 only")

    data = open(args.file, "rb").read()
    boundary = "prescreenloadtest"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"load.jpg\"\r\n"
        f"Content-Type: image/jpeg\r\n\r\n"
    ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(len(body))}

    lock = threading.Lock()
    remaining = [args.requests]
    latencies, statuses = [], {}

    def client():
        conn = None
        while True:
            with lock:
                if remaining[0] == 0:
                    break
                remaining[0] -= 1
            start = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=args.timeout)
                conn.request("POST", "/upload", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except OSError as e:
                status = type(e).__name__
                conn = None
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    print(json.dumps({
        "clients": args.clients,
        "requests": len(latencies),
        "bytes": len(data),
        "seconds": round(wall, 2),
        "uploads_per_s": round(len(latencies) / wall, 1),
        "p50_s": round(pick(0.50), 3),
        "p99_s": round(pick(0.99), 3),
        "statuses": {str(k): v for k, v in statuses.items()},
    }))


if __name__ == "__main__":
    main()
