#!/bin/sh
# init.sh - `matchguard init` from answers on standard input and on a
# pseudo-terminal: a working configuration (check reads it at once),
# 0600 in a 0700 folder, wrong answers asked again, an existing file
# replaced only after a yes.

. "$MG_SRCDIR/tests/integration/lib.sh"

d="$XDG_CONFIG_HOME/matchguard"
conf="$d/matchguard.conf"
printf 'From: priya.raman@example.com\nTo: aunt@example.org\nSubject: Sunday\nDate: Mon, 16 Nov 2026 10:00:00 -0500\n\nSee you on Sunday.\n' >"$MG_WORK/m.eml"

# 1. Answers on stdin: a bad address and a bad date are asked again.
printf '%s\n' "Priya Raman" "priya.raman@example" "priya.raman@example.com, p.raman@gmail.com" \
    "" "2026-13-01" "2027-03-03" "" | "$MG_BIN" init >"$MG_WORK/out" 2>"$MG_WORK/err"
st=$?
[ $st -eq 0 ] && pass "init from stdin (exit 0)" || fail "init: exit $st: $(cat "$MG_WORK/err")"
grep -q 'is not an e-mail address' "$MG_WORK/out" && pass "a bad address is asked again" ||
    fail "no complaint about the address: $(cat "$MG_WORK/out")"
grep -q '"2026-13-01" is not a date' "$MG_WORK/out" && pass "a bad date is asked again" ||
    fail "no complaint about the date"
grep -q 'nrmp.org' "$MG_WORK/out" && pass "it says where the dates come from" ||
    fail "no NRMP pointer"
[ "$(stat -c %a "$conf")" = 600 ] && [ "$(stat -c %a "$d")" = 700 ] &&
    [ "$(stat -c %a "$d/programs.conf")" = 600 ] &&
    pass "modes: file 0600, folder 0700" || fail "modes: $(ls -la "$d")"
grep -q 'addresses = \[ "priya.raman@example.com", "p.raman@gmail.com" \];' "$conf" &&
    grep -q 'rol_deadline = "2027-03-03";' "$conf" && pass "the answers are in it" ||
    fail "config: $(cat "$conf")"
expect_status 0 "check works at once with it" "$MG_BIN" check "$MG_WORK/m.eml"

# 2. It exists: "no" (the default) leaves it, "yes" replaces it.
cp "$conf" "$MG_WORK/before"
printf '\n' | "$MG_BIN" init >"$MG_WORK/out" 2>&1
cmp -s "$conf" "$MG_WORK/before" && grep -q "left as it is" "$MG_WORK/out" &&
    pass "an existing configuration is kept without a yes" || fail "replaced: $(cat "$MG_WORK/out")"
: | "$MG_BIN" init >"$MG_WORK/out" 2>&1 && fail "init with no answer at all succeeded"
cmp -s "$conf" "$MG_WORK/before" && pass "no answer: kept" || fail "no answer: changed"
printf '%s\n' yes "Priya R. Raman" "priya.raman@example.com" "" "" "" | "$MG_BIN" init >"$MG_WORK/out" 2>&1
grep -q 'name = "Priya R. Raman";' "$conf" && pass "yes: replaced" || fail "yes: $(cat "$MG_WORK/out")"
printf '%s\n' 'Priya "P" Raman' "priya.raman@example.com" "" "" "" | "$MG_BIN" init --force >"$MG_WORK/out" 2>&1
grep -q 'name = "Priya \\"P\\" Raman";' "$conf" && pass "--force; a quote in the name is escaped" ||
    fail "--force: $(cat "$conf")"
expect_status 0 "check reads it" "$MG_BIN" check "$MG_WORK/m.eml"

# 3. On a pseudo-terminal, as a person runs it.
rm -rf "$d"
/usr/bin/python3 - "$MG_BIN" >"$MG_WORK/pty.out" 2>&1 <<'PY'
import os, pty, subprocess, sys, time
m, s = pty.openpty()
p = subprocess.Popen([sys.argv[1], "init"], stdin=s, stdout=s, stderr=s, close_fds=True)
os.close(s)
answers = [b"Priya Raman\n", b"priya.raman@example.com\n", b"\n", b"\n", b"\n"]
out, deadline = b"", time.time() + 20
while time.time() < deadline:
    try:
        chunk = os.read(m, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if out.rstrip().endswith(b":") and answers:
        os.write(m, answers.pop(0))
        out += b"<answered>"
print(out.decode("utf-8", "replace"))
sys.exit(p.wait(10))
PY
st=$?
[ $st -eq 0 ] && grep -q "Written:" "$MG_WORK/pty.out" && [ -f "$conf" ] &&
    pass "init on a terminal" || fail "pty: exit $st: $(cat "$MG_WORK/pty.out")"
finish
