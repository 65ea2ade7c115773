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
finish
