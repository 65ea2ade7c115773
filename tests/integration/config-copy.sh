#!/bin/sh
# config-copy.sh - the README's "copy the example to ~/.config" works as
# it is (the phrase lists are found without paths.filters), and a
# mistake a text editor makes is named with its line and what to type.

. "$MG_SRCDIR/tests/integration/lib.sh"

d="$XDG_CONFIG_HOME/matchguard"
mkdir -p "$d"
cp "$MG_SRCDIR/conf/example.conf" "$d/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$d/"
printf 'From: priya.raman@example.com\nTo: genetics-residency@harborview.edu\nSubject: Interest in [Program Name]\n\nDear Dr. Marchetti,\n\nA question.\n' >"$MG_WORK/m.eml"
expect_status 1 "check with the copied example, no -c" "$MG_BIN" check "$MG_WORK/m.eml"
grep -q "HOLD" "$MG_WORK/out" && pass "the copy works: $(head -1 "$MG_WORK/out")" ||
    fail "copied example: $(cat "$MG_WORK/out" "$MG_WORK/err")"

# Curly quotes, as TextEdit or Word put them, on the name line.
n=$(grep -n '^  name = ' "$d/matchguard.conf" | head -1 | cut -d: -f1)
sed -i "${n}s/\"Priya Raman\"/“Priya Raman”/" "$d/matchguard.conf"
expect_status 2 "curly quotes" "$MG_BIN" check "$MG_WORK/m.eml"
one_line_error "matchguard.conf:$n: syntax error: the quotes on line $n are curly .*use straight double quotes" "curly quotes"
sed -i "${n}s/“Priya Raman”/Priya Raman/" "$d/matchguard.conf"
expect_status 2 "no quotes" "$MG_BIN" check "$MG_WORK/m.eml"
one_line_error "matchguard.conf:$n: syntax error: .*goes in double quotes: name = \"Priya Raman\";" "no quotes"

# The launchd agent for a Mac, as make writes it: a property list that
# runs the installed program's serve, its log under HOME once sed puts
# the home folder in.
plist="$(dirname "$MG_BIN")/../conf/org.matchguard.serve.plist"
if [ -f "$plist" ]; then
	sed "s|HOME|/Users/priya|g" "$plist" | /usr/bin/python3 -c '
import plistlib, sys
p = plistlib.loads(sys.stdin.buffer.read())
assert p["Label"] == "org.matchguard.serve", p
assert p["ProgramArguments"][0].endswith("/matchguard") and p["ProgramArguments"][1] == "serve", p
assert "@" not in p["ProgramArguments"][0], p
assert p["StandardErrorPath"] == "/Users/priya/Library/Logs/matchguard.log", p
' && pass "the launchd agent is a valid property list" || fail "launchd agent: $plist"
else
	fail "no launchd agent made at $plist"
fi
finish
