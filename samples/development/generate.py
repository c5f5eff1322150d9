#!/usr/bin/env python3
"""Generates samples/development/sample.ndjson: the development sample of the shipped rating scorecard.

400 applicants built on samples/healthy-manufacturer.json, each with a different owner credit score, years in
business, leverage, margin, current ratio, growth, arrears history and legal disputes drawn at random (seed 2027),
and whether it defaulted within twelve months, drawn from a "true" default probability that the generator knows
and the scorecard does not:

    logit(PD) = -3.2 - 0.012 (creditScore - 680) + 3.0 (leverage - 0.5) - 4.0 margin + 0.35 overdueCount + 0.4 legalDisputes

so a scorecard that ranks risk has a Gini well above zero on it, and the worst grades see the most defaults.
Run it again to regenerate the same file (the draws are seeded).
"""
import json
import math
import pathlib
import random

root = pathlib.Path(__file__).resolve().parents[2]
template = json.loads((root / "samples" / "healthy-manufacturer.json").read_text())
rng = random.Random(2027)
lines = []
for i in range(400):
    application = json.loads(json.dumps(template))
    applicant = application["applicant"]
    application["applicationId"] = f"APP-DEV-{i + 1:04d}"
    applicant["creditScore"] = rng.randint(560, 840)
    applicant["yearsInBusiness"] = rng.randint(2, 25)
    leverage = rng.uniform(0.2, 0.8)
    applicant["totalLiabilities"] = round(applicant["totalAssets"] * leverage, -3)
    margin = rng.uniform(-0.03, 0.16)
    applicant["netProfitMargin"] = round(margin, 3)
    applicant["currentRatio"] = round(rng.uniform(0.9, 2.4), 2)
    applicant["revenueGrowth"] = round(rng.uniform(-0.15, 0.25), 3)
    applicant["overdueCountLast24m"] = rng.choice([0, 0, 0, 1, 2, 3])
    applicant["legalDisputes"] = rng.choice([0, 0, 0, 1, 2])
    logit = (-3.2 - 0.012 * (applicant["creditScore"] - 680) + 3.0 * (leverage - 0.5) - 4.0 * margin
             + 0.35 * applicant["overdueCountLast24m"] + 0.4 * applicant["legalDisputes"])
    defaulted = rng.random() < 1 / (1 + math.exp(-logit))
    lines.append(json.dumps({"application": application, "defaultedWithin12Months": defaulted}, separators=(",", ":")))

out = root / "samples" / "development" / "sample.ndjson"
out.write_text("\n".join(lines) + "\n")
print(f"{out}: {len(lines)} applicants, {sum('true}' in line for line in lines)} defaulted")
