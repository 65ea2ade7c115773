#!/usr/bin/env python3
"""table.py - bench/run's results (KEY=VALUE lines) as bench/RESULTS.md.

usage: table.py RESULTS.env COMMAND COUNT
"""
import sys

env = {}
for line in open(sys.argv[1]):
    k, _, v = line.rstrip("\n").partition("=")
    env[k] = v
cmd, count = sys.argv[2], sys.argv[3]


def f(k):
    try:
        return float(env[k])
    except (KeyError, ValueError):
        return float("nan")


def target(ok, text):
    return ("met" if ok else "**MISSED**") + ": " + text


out = []
w = out.append
w("# matchguard benchmark results")
w("")
w("Made by `%s` (bench/run) on %s." % (cmd, env.get("date", "?")))
w("")
w("Machine: %s cores, %s; Linux %s; %s. Load average at start %s, at end "
  "%s (a shared machine: other work ran alongside, so figures vary by "
  "several tens of per cent between runs)."
  % (env.get("cores"), env.get("model"), env.get("kernel"),
     env.get("version"), env.get("load_start"), env.get("load_end")))
w("")
w("## Throughput ladder (8 concurrent sessions, one message per session)")
w("")
w("bench/mgload sends the same %s distinct generated letters to every rung "
  "(bench/genmsgs: 100 programs, bodies drawn from a sentence pool); "
  "smtp-source (one fixed message, the public reference) is shown for the "
  "rungs where one message can stand for all.  The four rungs of a size "
  "run back to back, within a minute or two, so that their ratios are fair "
  "on a machine whose other load changes." % count)
w("")
w("| rung | 2 KB msgs/s | ratio | 20 KB msgs/s | ratio | smtp-source 2 KB | smtp-source 20 KB |")
w("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
rungs = [("smtp-sink direct (the limit)", "direct"),
         ("through proxsmtp, no filter", "prox"),
         ("through matchguard, non-program addresses", "other"),
         ("through matchguard, program addresses, full policy", "prog")]
for name, k in rungs:
    cells = []
    for size in ("2k", "20k"):
        r, lim = f("%s_%s" % (k, size)), f("direct_%s" % size)
        cells += ["%.0f" % r, "%.3f" % (r / lim)]
    src = []
    for size in ("2k", "20k"):
        v = f("src_%s_%s" % (k, size))
        src.append("%.0f" % v if v == v else "—")
    w("| %s | %s | %s |" % (name, " | ".join(cells), " | ".join(src)))
w("")
w("Program mail: %s of %s 2 KB letters and %s of %s 20 KB letters were held "
  "(repeat-status and generic-template findings), the rest relayed; %s/%s "
  "failed." % (env.get("prog_held_2k"), count, env.get("prog_held_20k"),
               count, env.get("prog_failed_2k"), env.get("prog_failed_20k")))
w("")
w("## Latency, end of data to the reply (2 KB letters to programs)")
w("")
w("| sessions | direct p50 | direct p99 | matchguard p50 | matchguard p99 | added p50 | added p99 |")
w("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for s in ("1", "8"):
    d50, d99 = f("lat_direct_%s_p50" % s), f("lat_direct_%s_p99" % s)
    g50, g99 = f("lat_guard_%s_p50" % s), f("lat_guard_%s_p99" % s)
    w("| %s | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms |"
      % (s, d50 / 1e3, d99 / 1e3, g50 / 1e3, g99 / 1e3, (g50 - d50) / 1e3,
         (g99 - d99) / 1e3))
w("")
w("## CPU per message in `serve` (user+sys from /proc/PID/stat)")
w("")
w("| | 2 KB | 20 KB |")
w("| --- | ---: | ---: |")
w("| non-program mail, all of serve | %.0f µs | %.0f µs |"
  % (f("cpu_other_2k"), f("cpu_other_20k")))
w("| program mail, all of serve | %.0f µs | %.0f µs |"
  % (f("cpu_prog_2k"), f("cpu_prog_20k")))
for k, what in (("parse", "parse (GMime), measured"),
                ("policy", "policy, all rules with their ledger reads, measured"),
                ("ledger", "ledger write (signature + record_sent), measured")):
    w("| — %s | %.0f µs | %.0f µs |" % (what, f(k + "_2k"), f(k + "_20k")))
for size in ("2k", "20k"):
    env["relay_" + size] = str(f("cpu_prog_" + size) - f("parse_" + size)
                               - f("policy_" + size) - f("ledger_" + size))
w("| — relay and SMTP I/O, threads (the remainder) | %.0f µs | %.0f µs |"
  % (f("relay_2k"), f("relay_20k")))
w("")
w("The stage split is measured in-process by bench/stages (the guard's "
  "steps on the same letters, CLOCK_THREAD_CPUTIME_ID, one thread); the "
  "relay line is serve's total minus the three, so it also absorbs lock "
  "contention and the difference between one thread and eight.")
w("")
w("## History scaling: `matchguard check` of one letter (hyperfine, 30 runs)")
w("")
sizes = env.get("history_sizes", "").split()
w("| past letters | mean | ± | ratio to %s |" % (sizes[0] if sizes else "?"))
w("| ---: | ---: | ---: | ---: |")
base = f("check_" + sizes[0]) if sizes else float("nan")
for n in sizes:
    gen = env.get("gen_" + n)
    w("| %s%s | %.1f ms | %.1f ms | %.2f |"
      % ("{:,}".format(int(n)),
         " (generated in %s s)" % gen if gen else "", f("check_" + n),
         f("check_sd_" + n), f("check_" + n) / base))
w("")
w("## Memory: peak RSS of `serve` (VmHWM)")
w("")
w("| idle | after %s letters to programs |" % env.get("rss_count"))
w("| ---: | ---: |")
w("| %.1f MB | %.1f MB |" % (f("rss_idle") / 1024, f("rss_after") / 1024))
w("")
w("## Targets")
w("")
p2, d2, x2 = f("prog_2k"), f("direct_2k"), f("prox_2k")
p20, d20, x20 = f("prog_20k"), f("direct_20k"), f("prox_20k")
big = sizes[-1] if sizes else "?"
ratio = f("check_" + big) / base if sizes else float("nan")
add99 = (f("lat_guard_1_p99") - f("lat_direct_1_p99")) / 1e3
o2, o20 = f("other_2k"), f("other_20k")
c2 = f("cpu_prog_2k") / 1e3
w("- " + target(c2 <= 0.5, "serve CPU per 2 KB program letter ≤ 0.5 ms: "
                "%.2f ms (%.1f× over)" % (c2, c2 / 0.5)))
w("- " + target(add99 < 2, "p99 added latency < 2 ms at 1 session: %.2f ms"
                % add99))
w("- " + target(p2 >= 10 * x2 and p20 >= 10 * x20,
                "program mail ≥ 10× proxsmtp: 2 KB %.2f×, 20 KB %.2f×"
                % (p2 / x2, p20 / x20)))
w("- " + target(p2 >= d2 / 4 and p20 >= d20 / 4,
                "program mail ≥ 0.25× the direct limit on %s cores: 2 KB "
                "%.3f, 20 KB %.3f" % (env.get("cores", "?"), p2 / d2,
                                     p20 / d20)))
w("- " + target(o2 >= 0.6 * d2 and o20 >= 0.6 * d20,
                "non-program mail ≥ 0.6× direct: 2 KB %.3f, 20 KB %.3f"
                % (o2 / d2, o20 / d20)))
w("- " + target(ratio < 2, "history ratio at %s < 2: %.2f"
                % ("{:,}".format(int(big)) if sizes else "?", ratio)))
w("- " + target(f("rss_after") / 1024 < 30,
                "RSS < 30 MB after %s letters: %.1f MB"
                % (env.get("rss_count"), f("rss_after") / 1024)))
cpu = {k: f(k + "_2k") for k in ("parse", "policy", "ledger", "relay")}
top = max(cpu, key=lambda k: cpu[k])
w("")
w("Where a program letter's time goes (2 KB): parse %.0f µs, policy %.0f "
  "µs, ledger %.0f µs, relay and the rest %.0f µs; the largest is %s. A "
  "guard that parses and checks every letter does far more work per "
  "message than smtp-sink (which only counts it) or proxsmtp (which only "
  "copies it), and shares the machine's cores with the generator and the "
  "sink; see bench/README.md for the analysis."
  % (cpu["parse"], cpu["policy"], cpu["ledger"], cpu["relay"], top))
print("\n".join(out))
