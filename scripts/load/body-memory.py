#!/usr/bin/env python3
"""Helpers for scripts/load/body-memory.sh (standard library only).

  body-memory.py body CASE SIZE REPO OUT [SNAPSHOT]   write the maximum-size body of a case (SIZE bytes at most)
  body-memory.py rss PID                              the process's resident memory now, in MiB
  body-memory.py peak PID SECONDS                     sample resident memory every 50 ms for SECONDS; print the peak in MiB
  body-memory.py seed URL KEY REPO COUNT              decide COUNT applications, so backtests have a log to read
"""
import glob
import json
import os
import sys
import time
import urllib.request


def loans(repo):
    with open(os.path.join(repo, "samples", "loan-book.ndjson")) as book:
        return [json.loads(line) for line in book if line.strip()]


def padded(text, size):
    """The JSON text followed by spaces up to size bytes (whitespace is valid JSON and read like content)."""
    data = text.encode()
    if len(data) > size:
        raise SystemExit(f"the body is {len(data)} bytes before padding, more than {size}")
    return data + b" " * (size - len(data))


def body(case, size, repo, snapshot):
    sample = json.load(open(os.path.join(repo, "samples", "healthy-manufacturer.json")))
    if case == "decide":
        return padded(json.dumps(sample), size)
    if case == "decide-long-text":
        # One text field as long as the limit allows: what binding holds before validation refuses it.
        sample["applicant"]["name"] = ""
        sample["applicant"]["name"] = "N" * (size - len(json.dumps(sample).encode()))
        return json.dumps(sample).encode()
    if case == "monitor-array-zeros":
        count = (size - 1) // 2
        return ("[" + ",".join(["0"] * count) + "]").encode()[:size]
    if case == "monitor-array-loans":
        book = loans(repo)
        items = []
        for i in range(1000):
            loan = dict(book[i % len(book)])
            loan["loanId"] = f"LN-LOAD-{i:04d}"
            items.append(loan)
        return padded(json.dumps(items), size)
    if case == "monitor-ndjson":
        # 128 lines, each a loan padded to the longest line accepted.
        book = loans(repo)
        lines = []
        for i in range(128):
            loan = dict(book[i % len(book)])
            loan["loanId"] = f"LN-LOAD-{i:04d}"
            lines.append(padded(json.dumps(loan), size - 1) + b"\n")
        return b"".join(lines)
    if case == "portfolio":
        document = json.load(open(os.path.join(repo, "portfolio", "portfolio.json")))
        groups, i = {}, 0
        while True:
            groups[f"GROUP-LOAD-{i:08d}"] = 1
            i += 1
            if i % 1000 == 0:
                document["byGroup"] = groups
                if len(json.dumps(document)) > size - 60_000:
                    break
        document["byGroup"] = groups
        return padded(json.dumps(document), size)
    if case == "backtest":
        files = {}
        for path in sorted(glob.glob(os.path.join(repo, "rules", "*.json"))):
            files[os.path.basename(path)] = json.load(open(path))
        return padded(json.dumps({"files": files, "from": None, "to": None, "page": 1, "pageSize": 20}), size)
    if case == "promote":
        text = json.dumps({"snapshotId": snapshot or ""})
        return json.dumps({"snapshotId": (snapshot or "") + "0" * (size - len(text.encode()))}).encode()
    raise SystemExit(f"unknown case {case}")


def rss(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise SystemExit(f"no VmRSS for {pid}")


def main():
    command = sys.argv[1]
    if command == "body":
        case, size, repo, out = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
        data = body(case, size, repo, sys.argv[6] if len(sys.argv) > 6 else None)
        with open(out, "wb") as file:
            file.write(data)
        print(len(data))
    elif command == "rss":
        print(f"{rss(sys.argv[2]):.0f}")
    elif command == "peak":
        pid, seconds = sys.argv[2], float(sys.argv[3])
        peak, end = 0.0, time.monotonic() + seconds
        while time.monotonic() < end:
            peak = max(peak, rss(pid))
            time.sleep(0.05)
        print(f"{peak:.0f}")
    elif command == "seed":
        url, key, repo, count = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
        apps = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(repo, "samples", "*.json")))]
        for i in range(count):
            app = json.loads(json.dumps(apps[i % len(apps)]))
            app["applicationId"] = f"SEED-{i:05d}"
            request = urllib.request.Request(url + "/decide", json.dumps(app).encode(), method="POST",
                                             headers={"Content-Type": "application/json", "X-Api-Key": key})
            urllib.request.urlopen(request).read()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
