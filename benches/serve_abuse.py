#!/usr/bin/env python3
"""Abuse figures for a running `prescreen serve` (127.0.0.1 only): with
IDLE clients holding upload requests open (headers with a Content-Length,
then nothing), the latency of GET /, GET /filter.psf and an upload of FILE;
the bytes of an endless header line read before the 431 and the server's
VmHWM before and after; how long a silent body and a half head are held.
Prints one JSON line.

    python3 benches/serve_abuse.py --url http://127.0.0.1:PORT/ --pid PID --file IMG
"""
import argparse
import json
import socket
import time
import urllib.parse


def vmhwm(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def request(addr, raw):
    """Sends `raw`, returns (status, seconds) of the response."""
    start = time.perf_counter()
    with socket.create_connection(addr, timeout=60) as s:
        s.sendall(raw)
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    status = int(data.split()[1]) if data else 0
    return status, round(time.perf_counter() - start, 3)


def held_for(addr, raw):
    """Sends `raw` and waits; returns (seconds until the server answers or closes, first line)."""
    start = time.perf_counter()
    with socket.create_connection(addr, timeout=300) as s:
        s.sendall(raw)
        data = s.recv(4096)
    return round(time.perf_counter() - start, 2), data.split(b"\r\n")[0].decode()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--file", required=True)
    parser.add_argument("--idle", type=int, default=64)
    args = parser.parse_args()
    url = urllib.parse.urlparse(args.url)
    if url.hostname != "127.0.0.1":
        raise SystemExit("abuse tests target 127.0.0.1 only")
    addr = (url.hostname, url.port)
    data = open(args.file, "rb").read()
    body = (b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n" + data + b"\r\n--B--\r\n")
    head = "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: {}\r\n\r\n"
    upload = head.format(len(body)).encode() + body
    out = {}

    idle = []
    for _ in range(args.idle):
        s = socket.create_connection(addr)
        s.sendall(head.format(1 << 20).encode())
        idle.append(s)
    time.sleep(0.5)
    out["idle_clients"] = args.idle
    out["with_idle"] = {
        "GET /": request(addr, b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"),
        "GET /filter.psf": request(addr, b"GET /filter.psf HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"),
        "POST /upload": request(addr, upload),
    }
    for s in idle:
        s.close()

    before = vmhwm(args.pid)
    sent = 0
    with socket.create_connection(addr, timeout=60) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nX-Endless: ")
        chunk = b"a" * 65536
        try:
            while sent < 256 << 20:
                s.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass
        status = s.recv(4096).split(b"\r\n")[0].decode()
    out["endless_header"] = {"sent_before_close": sent, "reply": status, "vmhwm_before": before, "vmhwm_after": vmhwm(args.pid)}
    out["silent_body_held_s"] = held_for(addr, head.format(1 << 20).encode())
    out["half_head_held_s"] = held_for(addr, b"GET / HTTP/1.1\r\nHost")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
