#!/usr/bin/env python3
"""compare.py BIN CONF CORPUS - run `check --json` on each message of
CORPUS/expected.tsv at its time and compare with the expectation.

expected.tsv: file<TAB>now<TAB>verdict<TAB>rules, where rules is the sorted,
comma-separated set of rules with a warn or hold finding, or "-".
"""
import json
import subprocess
import sys


def main():
    binary, conf, corpus = sys.argv[1:4]
    failures = 0
    count = 0
    with open(f"{corpus}/expected.tsv", encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    for row in rows[1:]:
        name, now, verdict, rules = row
        count += 1
        path = f"{corpus}/{name}"
        proc = subprocess.run([binary, "-c", conf, "check", "--json",
                               "--now", now, path],
                              capture_output=True, text=True)
        want_status = 1 if verdict == "hold" else 0
        try:
            lines = proc.stdout.splitlines()
            assert len(lines) == 1, f"{len(lines)} lines of output"
            got = json.loads(lines[0])
        except (AssertionError, json.JSONDecodeError) as e:
            print(f"FAIL {name}: bad output ({e}): {proc.stdout!r} "
                  f"{proc.stderr!r}")
            failures += 1
            continue
        got_rules = sorted({x["rule"] for x in got["findings"]
                            if x["severity"] in ("warn", "hold")})
        want_rules = [] if rules == "-" else sorted(rules.split(","))
        problems = []
        if got["verdict"] != verdict:
            problems.append(f"verdict {got['verdict']}, wanted {verdict}")
        if got_rules != want_rules:
            problems.append(f"rules {got_rules}, wanted {want_rules}")
        if proc.returncode != want_status:
            problems.append(f"exit {proc.returncode}, wanted {want_status}")
        for x in got["findings"]:
            if not x["message"]:
                problems.append(f"{x['rule']}: empty message")
        if problems:
            failures += 1
            print(f"FAIL {name} at {now}: " + "; ".join(problems))
            for x in got["findings"]:
                print(f"     {x['severity']} {x['rule']}: {x['message']} "
                      f"[{x['evidence']}]")
        else:
            print(f"ok   {name}: {verdict} {','.join(got_rules) or '-'}")
    print(f"{count - failures}/{count} messages as expected")
    if count < 30:
        print(f"FAIL: only {count} messages in the corpus (want >= 30)")
        failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
