"""Reloads the rules once a second until stopped: each time every ruleset gets a new description (so all are
recompiled and their cases run, as after a real edit), then POST /rulesets/reload. One process for the whole run,
so the load generator's own work stays small. Usage: reload-rules.py URL RULES_DIR KEY COUNT_FILE"""
import glob, json, sys, time, urllib.request

url, rules, key, count_file = sys.argv[1:]
n = 0
while True:
    started = time.monotonic()
    n += 1
    for path in glob.glob(f"{rules}/*.json"):
        if path.endswith(".cases.json"):
            continue
        with open(path, encoding="utf-8") as f:
            ruleset = json.load(f)
        ruleset["Description"] = ruleset["Description"].split(" [reload")[0] + f" [reload {n}]"
        with open(path, "w", encoding="utf-8") as f:
            json.dump(ruleset, f, ensure_ascii=False, indent=2)
    request = urllib.request.Request(f"{url}/rulesets/reload", method="POST", headers={"X-Api-Key": key})
    with urllib.request.urlopen(request, timeout=60) as response:
        if response.status == 200:
            with open(count_file, "a") as f:
                f.write(f"{time.monotonic() - started:.3f}\n")
    time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
