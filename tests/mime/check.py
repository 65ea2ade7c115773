#!/usr/bin/python3
"""check.py - run `matchguard check --json` on every shape of shapes.py and
assert what each one gets.

  check.py MG_BIN CONF SHAPES_DIR NOW

For every shape: the letter with the slot must be held, and the rule that
holds it must be the expected one (placeholder: matchguard read the part
the slot is in; unreadable: it could not read the letter in full, and
said so); its clean twin, when it has one, must pass.  Prints one table
row per shape (shape, verdict, the rules that hold it, the clean twin's
verdict) and exits 1 on any failure.
"""
import json
import subprocess
import sys


def check(binary, conf, path, now):
    p = subprocess.run([binary, "-c", conf, "check", "--json", "--now", now,
                        path], capture_output=True, text=True, timeout=120)
    lines = p.stdout.splitlines()
    if len(lines) != 1:
        return None, "no result (exit %d): %s" % (p.returncode,
                                                  p.stderr.strip()[:200])
    got = json.loads(lines[0])
    want_status = 1 if got["verdict"] == "hold" else 0
    if p.returncode != want_status:
        return None, "exit %d for %s" % (p.returncode, got["verdict"])
    return got, None


def main():
    binary, conf, shapes, now = sys.argv[1:5]
    failures = 0
    rows = []
    with open(shapes + "/manifest.tsv", encoding="utf-8") as f:
        manifest = [line.rstrip("\n").split("\t") for line in f]
    for name, what, rule, clean in manifest:
        problems = []
        got, err = check(binary, conf, "%s/%s.eml" % (shapes, name), now)
        if err:
            problems.append(err)
            verdict, holds = "error", ""
        else:
            verdict = got["verdict"]
            held_by = sorted({x["rule"] for x in got["findings"]
                              if x["severity"] == "hold"})
            holds = ",".join(held_by)
            if verdict != "hold":
                problems.append("not held")
            if not set(rule.split("|")) & set(held_by):
                problems.append("held by %s, wanted %s" % (holds or "-",
                                                           rule))
            if "unreadable" in held_by:
                # It must say what could not be read and what to do.
                msgs = [x["message"] for x in got["findings"]
                        if x["rule"] == "unreadable"]
                if not all(";" in m and "matchguard" in m for m in msgs):
                    problems.append("unreadable without a plain reason: %r"
                                    % msgs)
        twin = "-"
        if clean != "-":
            tgot, err = check(binary, conf, "%s/%s.clean.eml" % (shapes, name),
                              now)
            if err:
                problems.append("clean twin: " + err)
                twin = "error"
            else:
                twin = tgot["verdict"]
                if twin != clean:
                    problems.append("clean twin %s, wanted %s: %s" % (
                        twin, clean, "; ".join(x["rule"] + ": " + x["message"]
                                               for x in tgot["findings"])))
        rows.append((name, verdict, holds or "-", twin, what))
        if problems:
            failures += 1
            print("FAIL %s: %s" % (name, "; ".join(problems)))
    print("%-28s %-7s %-24s %-6s %s" % ("shape", "verdict", "held by",
                                        "clean", "what"))
    for r in rows:
        print("%-28s %-7s %-24s %-6s %s" % r)
    print("%d shapes, %d held, %d failures" % (
        len(rows), sum(1 for r in rows if r[1] == "hold"), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
