#!/usr/bin/env python3
"""Helpers for scripts/fault-under-load.sh (standard library only).

  fault-check.py port                                   a free TCP port on 127.0.0.1
  fault-check.py wait-healthy URL SECONDS               wait until GET /health answers 200
  fault-check.py rewrite-rules URL RULES_DIR            rewrite rule files 20 times (two invalid) while load runs
  fault-check.py check URL IDS_FILE...                  every acknowledged decision: in the log and replays identical;
                                                        the audit chain intact

The API key is read from FAULT_API_KEY and sent as X-Api-Key on every request.
"""
import http.client
import json
import os
import socket
import sys
import threading
import time
import urllib.parse

API_KEY = os.environ.get("FAULT_API_KEY", "")

# Rule files the decisions read; each rewrite changes one of them.
REWRITTEN = ["rating.json", "approval.json", "limit.json", "pricing.json", "early-warning.json"]
REWRITES = 20
SPACING_SECONDS = 1.4
FIRST_AT_SECONDS = 1.0
TRUNCATED = 7  # rewrite number that writes half a file (invalid JSON)
UNSAFE = 14  # rewrite number that puts a forbidden expression in a rule
IN_PLACE = {3, 7, 10, 18}  # written over the file itself, as an editor might; the rest are temp file + rename
INVALID = {TRUNCATED, UNSAFE}


class Client:
    """One keep-alive HTTP connection to the service."""

    def __init__(self, url, timeout=30):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.connection = None

    def call(self, method, path):
        for attempt in (1, 2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                headers = {"X-Api-Key": API_KEY}
                if method == "POST":
                    headers["Content-Length"] = "0"
                self.connection.request(method, path, headers=headers)
                response = self.connection.getresponse()
                body = response.read()
                return response.status, json.loads(body) if body else None
            except (OSError, http.client.HTTPException):
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])


def wait_healthy(url, seconds):
    client = Client(url, timeout=5)
    deadline = time.monotonic() + float(seconds)
    while time.monotonic() < deadline:
        try:
            if client.call("GET", "/health")[0] == 200:
                return 0
        except (OSError, http.client.HTTPException, ValueError):
            pass
        time.sleep(0.1)
    print(f"the service at {url} did not become healthy within {seconds} s", file=sys.stderr)
    return 1


def write_file(path, text, in_place):
    if in_place:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        temp = os.path.join(os.path.dirname(path), ".rewrite.tmp")
        with open(temp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(temp, path)


def rewrite_rules(url, rules_dir):
    """Rewrites rule files REWRITES times, SPACING_SECONDS apart, and checks how the service took each version:
    a valid one must go live (new active snapshot), an invalid one must be refused with the last good rules serving."""
    client = Client(url)
    originals = {name: open(os.path.join(rules_dir, name), encoding="utf-8").read() for name in REWRITTEN}
    start = time.monotonic()
    live = refused = unexpected = 0
    for n in range(1, REWRITES + 1):
        # An invalid version goes into the file the next (valid) rewrite writes, so that one repairs it.
        name = REWRITTEN[(n if n in INVALID else n - 1) % len(REWRITTEN)]
        ruleset = json.loads(originals[name])
        ruleset["Description"] += f" (Rewrite {n} of the fault-under-load run.)"
        if n == UNSAFE:
            ruleset["Rules"][0]["Expression"] = 'System.IO.File.Exists("/etc/passwd")'
            what = "rule expression System.IO.File.Exists(...)"
        else:
            what = "description changed"
        text = json.dumps(ruleset, indent=2, ensure_ascii=False) + "\n"
        if n == TRUNCATED:
            text = text[: len(text) // 2]
            what = "truncated JSON"

        time.sleep(max(0.0, start + FIRST_AT_SECONDS + (n - 1) * SPACING_SECONDS - time.monotonic()))
        before = client.call("GET", "/rulesets/status")[1]
        written_at = time.monotonic()
        write_file(os.path.join(rules_dir, name), text, in_place=n in IN_PLACE)
        how = "in place" if n in IN_PLACE else "temp + rename"

        outcome = "no reaction within 8 s"
        while time.monotonic() < written_at + 8:
            status = client.call("GET", "/rulesets/status")[1]
            if n in INVALID and not status["valid"] and status["activeSnapshot"] == before["activeSnapshot"]:
                refused += 1
                outcome = f"refused, last good rules serving: {status['errors'][0]['message']}"
                break
            if n not in INVALID and status["valid"] and status["activeSnapshot"] != before["activeSnapshot"]:
                live += 1
                outcome = f"live, snapshot {status['activeSnapshot'][:12]}"
                break
            time.sleep(0.05)
        else:
            unexpected += 1
        print(f"rewrite {n:2}/{REWRITES} at {written_at - start:4.1f} s: {name:<18} {what}, {how} -> {outcome}"
              f" after {time.monotonic() - written_at:.2f} s", flush=True)

    summary = f"rule rewrites: {REWRITES} ({live} live, {len(INVALID)} invalid, {refused} refused)"
    with open(os.environ.get("FAULT_REWRITE_SUMMARY", os.devnull), "w", encoding="utf-8") as f:
        f.write(summary + "\n")
    print(summary)
    return 0 if unexpected == 0 and live == REWRITES - len(INVALID) and refused == len(INVALID) else 1


def check(url, id_files):
    """Every acknowledged decision: POST /decisions/{id}/replay finds it in the log and replays it identical."""
    acknowledged = []
    for path in id_files:
        with open(path, encoding="utf-8") as f:
            acknowledged += [line.strip() for line in f if line.strip()]
    unique = sorted(set(acknowledged))  # decision ids are time-ordered: replays of one rules version come together
    found, identical, problems = [], [], []
    lock = threading.Lock()

    def work(ids):
        # The replayer reads the decision from the log (404 when the log does not hold it), re-evaluates the stored
        # request with the stored ruleset and portfolio versions and compares the result with the stored response.
        client = Client(url)
        for decision_id in ids:
            status, result = client.call("POST", f"/decisions/{decision_id}/replay")
            with lock:
                if status == 404:
                    problems.append(f"not in the log: {decision_id}")
                    continue
                found.append(decision_id)
                if status == 200 and result.get("decisionId") == decision_id and result.get("identical") is True:
                    identical.append(decision_id)
                else:
                    problems.append(f"replay not identical: {decision_id} ({status}) {json.dumps(result)[:300]}")

    started = time.monotonic()
    workers = [threading.Thread(target=work, args=(unique[k::4],)) for k in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.monotonic() - started
    mismatches = len(found) - len(identical)
    audit = Client(url).call("GET", "/audit/verify")[1]

    for problem in problems[:20]:
        print(problem)
    print(f"replayed {len(unique)} decisions in {elapsed:.1f} s")
    if len(unique) != len(acknowledged):
        print(f"duplicate decision ids acknowledged: {len(acknowledged) - len(unique)}")
    print(f"decisions acknowledged: {len(acknowledged)}")
    print(f"decisions found: {len(found)}")
    print(f"replay mismatches: {mismatches}")
    print(f"audit: {audit['status']} ({audit['records']} records)")
    clean = (len(acknowledged) > 0 and len(unique) == len(acknowledged) and len(found) == len(acknowledged)
             and mismatches == 0 and audit["status"] == "intact" and audit["records"] >= len(acknowledged))
    return 0 if clean else 1


def main(args):
    if args[:1] == ["port"]:
        port()
        return 0
    if args[:1] == ["wait-healthy"] and len(args) == 3:
        return wait_healthy(args[1], args[2])
    if args[:1] == ["rewrite-rules"] and len(args) == 3:
        return rewrite_rules(args[1], args[2])
    if args[:1] == ["check"] and len(args) >= 2:
        return check(args[1], args[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
