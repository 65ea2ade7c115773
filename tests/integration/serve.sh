#!/bin/sh
# serve.sh - matchguard serve in local mode (upstream = Maildir), with real
# clients from Debian's packages (swaks, msmtp): a clean message lands in
# the Maildir byte for byte, a careless one is held and can be listed,
# shown, released and dropped; sendmail -t; on_hold = "reject"; size
# limit; an unreadable message; SIGHUP with a bad configuration; SIGTERM.

. "$MG_SRCDIR/tests/integration/lib.sh"
need swaks
need msmtp
need python3

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
conf="$MG_WORK/matchguard.conf"
maildir="$XDG_STATE_HOME/matchguard/sent"
sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$port\" ];#" \
    -e "s#max_message_size = 26214400;#max_message_size = 200000;#" \
    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
    "$MG_SRCDIR/conf/example.conf" >"$conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"

trap 'stop_serve; rm -rf "$MG_WORK"' EXIT
SERVE_PORT=$port
start_serve "$conf"
pass "serve started on port $port"

# swaks RESULT_FILE MESSAGE_FILE TO [extra swaks options]
swaks_send() {
	out=$1 msg=$2 to=$3; shift 3
	swaks --server 127.0.0.1 --port "$port" --from priya.raman@example.com \
	    --to "$to" --data "@$msg" "$@" >"$out" 2>&1
}
count_new() { ls "$maildir/new" 2>/dev/null | wc -l; }

# A message with CRLF line ends, 8-bit UTF-8 and a line that starts with a
# dot, to a program: it passes and lands byte for byte.
printf '%s\r\n' \
    'From: Priya Raman <priya.raman@example.com>' \
    'To: genetics-residency@harborview.edu' \
    'Subject: Thank you for my interview on November 10' \
    'Date: Wed, 11 Nov 2026 09:00:00 -0500' \
    'Message-ID: <serve-clean-1@example.com>' \
    'MIME-Version: 1.0' \
    'Content-Type: text/plain; charset=utf-8' \
    'Content-Transfer-Encoding: 8bit' \
    '' \
    'Dear Dr. Marchetti,' \
    '' \
    'Thank you for the interview yesterday. Meeting Dr. Núñez-Ortega and' \
    'seeing the hereditary cancer clinic confirmed my interest.' \
    '.A line that starts with a dot must survive.' \
    '..And one with two dots.' \
    '' \
    'Sincerely,' \
    'Priya Raman' >"$MG_WORK/clean.eml"
cat >"$MG_WORK/msmtprc" <<RC
defaults
host 127.0.0.1
port $port
auth off
tls off
from priya.raman@example.com
account default
RC
chmod 600 "$MG_WORK/msmtprc"
if msmtp -C "$MG_WORK/msmtprc" genetics-residency@harborview.edu \
    <"$MG_WORK/clean.eml" 2>"$MG_WORK/msmtp.err"; then
	pass "msmtp: clean message accepted"
else
	fail "msmtp: clean message refused: $(cat "$MG_WORK/msmtp.err")"
fi
got=$(ls "$maildir/new" 2>/dev/null | head -1)
if [ -n "$got" ] && cmp -s "$MG_WORK/clean.eml" "$maildir/new/$got"; then
	pass "the passed message is in the Maildir, byte for byte"
else
	fail "the passed message is not in the Maildir unchanged ($got)"
fi

# A message with a template slot: held, listed, shown, released.
sed -e 's/serve-clean-1/serve-held-1/' -e 's/Dear Dr. Marchetti/Dear Dr. [Last Name]/' \
    "$MG_WORK/clean.eml" >"$MG_WORK/held.eml"
before=$(count_new)
swaks_send "$MG_WORK/swaks.out" "$MG_WORK/held.eml" genetics-residency@harborview.edu
id=$(sed -n 's/.*250 2.0.0 held for review \([0-9a-z-]*\).*/\1/p' "$MG_WORK/swaks.out" | head -1)
[ -n "$id" ] && pass "held: $id" || fail "not held: $(cat "$MG_WORK/swaks.out")"
[ "$(count_new)" = "$before" ] || fail "a held message reached the Maildir"
expect_status 0 "queue" "$MG_BIN" -c "$conf" queue
grep -q "$id" "$MG_WORK/out" || fail "queue does not list $id"
expect_status 0 "queue show" "$MG_BIN" -c "$conf" queue show "$id"
grep -q "placeholder" "$MG_WORK/out" || fail "queue show lacks the finding"
grep -q "Dear Dr. \[Last Name\]" "$MG_WORK/out" || fail "queue show lacks the message"
mode=$(stat -c %a "$XDG_STATE_HOME/matchguard/held/$id.eml")
[ "$mode" = 600 ] || fail "held message mode $mode, wanted 600"
mode=$(stat -c %a "$XDG_STATE_HOME/matchguard/held")
[ "$mode" = 700 ] || fail "held directory mode $mode, wanted 700"
expect_status 1 "queue release --recheck of a still-bad message" \
	"$MG_BIN" -c "$conf" queue release "$id" --recheck
expect_status 0 "queue release" "$MG_BIN" -c "$conf" queue release "$id"
[ "$(count_new)" = "$((before + 1))" ] || fail "release did not deliver"
"$MG_BIN" -c "$conf" queue >"$MG_WORK/out"
grep -q "No message is held" "$MG_WORK/out" || fail "still listed after release"
expect_status 2 "queue show of a released message" "$MG_BIN" -c "$conf" queue show "$id"
one_line_error "no held message" "queue show of a released message"

# Held, then dropped.
sed 's/serve-held-1/serve-held-2/' "$MG_WORK/held.eml" >"$MG_WORK/held2.eml"
swaks_send "$MG_WORK/swaks.out" "$MG_WORK/held2.eml" genetics-residency@harborview.edu
id=$(sed -n 's/.*held for review \([0-9a-z-]*\).*/\1/p' "$MG_WORK/swaks.out" | head -1)
expect_status 0 "queue drop" "$MG_BIN" -c "$conf" queue drop "$id"
[ ! -e "$XDG_STATE_HOME/matchguard/held/$id.eml" ] || fail "drop left the file"
expect_status 2 "queue drop of a bad ID" "$MG_BIN" -c "$conf" queue drop ../../etc
one_line_error "not a held message ID" "queue drop of a bad ID"

# Held, then edited in $EDITOR until it passes, then released with
# --recheck (to a program not written to yet, so no frequency rule).
sed -e 's/serve-held-1/serve-held-3/' \
    -e 's/genetics-residency@harborview.edu/mggresidency@northgate.edu/' \
    -e 's/Dear Dr. \[Last Name\]/Dear [Program Director]/' \
    -e 's/Núñez-Ortega and/the Northgate faculty and/' \
    -e 's/hereditary cancer clinic/Northgate program/' \
    "$MG_WORK/held.eml" >"$MG_WORK/held3.eml"
swaks_send "$MG_WORK/swaks.out" "$MG_WORK/held3.eml" mggresidency@northgate.edu
id=$(sed -n 's/.*held for review \([0-9a-z-]*\).*/\1/p' "$MG_WORK/swaks.out" | head -1)
[ -n "$id" ] || fail "not held for the edit test: $(grep '<' "$MG_WORK/swaks.out" | tail -2)"
cat >"$MG_WORK/editor.sh" <<'ED'
#!/bin/sh
sed -i 's/Dear \[Program Director\]/Dear Dr. Feldman/' "$1"
ED
chmod +x "$MG_WORK/editor.sh"
expect_status 0 "queue edit" env EDITOR="$MG_WORK/editor.sh" VISUAL= \
	"$MG_BIN" -c "$conf" queue edit "$id"
grep -q "passes now" "$MG_WORK/out" || fail "queue edit: $(cat "$MG_WORK/out")"
grep -q "Dear Dr. Feldman" "$XDG_STATE_HOME/matchguard/held/$id.eml" || \
	fail "the edit was not saved in the queue"
"$MG_BIN" -c "$conf" queue show "$id" >"$MG_WORK/out"
grep -q "placeholder" "$MG_WORK/out" && fail "queue show still gives the findings from before the edit"
before=$(count_new)
expect_status 0 "queue release --recheck after the edit" \
	"$MG_BIN" -c "$conf" queue release "$id" --recheck
[ "$(count_new)" = "$((before + 1))" ] || fail "the edited message was not delivered"
grep -q "Dear Dr. Feldman" "$maildir/new/"* || fail "the edited text was not the one delivered"

# Two letters to one program within the same second: the second sees the
# first (frequency), whatever the clock's resolution.
for n in 1 2; do
	sed -e "s/serve-clean-1/serve-burst-$n/" \
	    -e 's/genetics-residency@harborview.edu/genetics.residency@riverbendhealth.org/' \
	    -e "s/Thank you for the interview yesterday./Letter number $n./" \
	    -e 's/Dr. Marchetti/Dr. Greenberg/' -e 's/Núñez-Ortega/Monroe/' \
	    -e 's/hereditary cancer clinic/neurogenetics clinic/' \
	    "$MG_WORK/clean.eml" >"$MG_WORK/burst$n.eml"
done
swaks_send "$MG_WORK/burst1.out" "$MG_WORK/burst1.eml" genetics.residency@riverbendhealth.org
swaks_send "$MG_WORK/burst2.out" "$MG_WORK/burst2.eml" genetics.residency@riverbendhealth.org
grep -q "<.* 250 2.0.0 delivered" "$MG_WORK/burst1.out" || fail "burst: the first letter was not delivered"
grep -q "held for review.*last wrote" "$MG_WORK/burst2.out" || \
	fail "burst: the second letter was not held by frequency: $(grep '<' "$MG_WORK/burst2.out" | tail -2)"

# A pipelined session to someone who is not a program: passes at once.
swaks_send "$MG_WORK/swaks.out" "$MG_WORK/held.eml" aunt@example.org --pipeline
grep -q "PIPELINING" "$MG_WORK/swaks.out" || fail "PIPELINING not offered"
grep -q "<.* 250 2.0.0 delivered" "$MG_WORK/swaks.out" || \
	fail "pipelined mail to a non-program not delivered: $(cat "$MG_WORK/swaks.out")"

# Too big for max_message_size: 552, nothing kept.
python3 -c "
import sys
sys.stdout.write('From: priya.raman@example.com\r\nTo: aunt@example.org\r\nSubject: big\r\n\r\n' + ('x' * 76 + '\r\n') * 4000)" >"$MG_WORK/big.eml"
swaks_send "$MG_WORK/swaks.out" "$MG_WORK/big.eml" aunt@example.org
grep -q "<.* 552 " "$MG_WORK/swaks.out" || fail "oversized message not refused with 552"

# Not a message at all: refused with a 5xx, the client keeps it.
printf 'just some words\r\nwithout any header\r\n' >"$MG_WORK/junk.eml"
swaks_send "$MG_WORK/swaks.out" "$MG_WORK/junk.eml" genetics-residency@harborview.edu
grep -q "<.* 554 5.6.0" "$MG_WORK/swaks.out" || fail "junk not refused with 554"

# sendmail -t: one passes, one is held; exit statuses from sysexits.h.
before=$(count_new)
expect_status 0 "sendmail -t, clean" sh -c "sed -e 's/serve-clean-1/serve-sm-1/' -e 's/^To: .*/To: aunt@example.org\r/' '$MG_WORK/clean.eml' | '$MG_BIN' -c '$conf' sendmail -t -i"
[ "$(count_new)" = "$((before + 1))" ] || fail "sendmail -t did not deliver"
expect_status 0 "sendmail -t, held" sh -c "sed 's/serve-held-1/serve-sm-2/' '$MG_WORK/held.eml' | '$MG_BIN' -c '$conf' sendmail -t"
grep -q "held for review" "$MG_WORK/err" || fail "sendmail did not say it was held"
sed 's/on_hold = "queue";/on_hold = "reject";/' "$conf" >"$MG_WORK/reject.conf"
expect_status 69 "sendmail with on_hold = reject" sh -c "sed 's/serve-held-1/serve-sm-3/' '$MG_WORK/held.eml' | '$MG_BIN' -c '$MG_WORK/reject.conf' sendmail -t"
grep -q "template slot" "$MG_WORK/err" || fail "reject does not explain: $(cat "$MG_WORK/err")"
[ "$(sqlite3 "$XDG_STATE_HOME/matchguard/ledger.sqlite" \
    "SELECT state FROM held WHERE message_id = 'serve-sm-3@example.com'")" = rejected ] || \
	fail "the rejected message is not recorded in the ledger"
# (pass, or warn: thank-you-late depends on today's date.)
case $(sqlite3 "$XDG_STATE_HOME/matchguard/ledger.sqlite" \
    "SELECT verdict FROM sent WHERE message_id = 'serve-clean-1@example.com'") in
pass|warn) ;;
*) fail "the passed message is not recorded in the ledger with its verdict" ;;
esac

# SIGHUP with a broken configuration keeps the old one.
cp "$conf" "$MG_WORK/good.conf"
echo 'policy2 = { };' >>"$conf"
kill -HUP "$SERVE_PID"
sleep 0.5
grep -q "reload failed, keeping the old configuration" "$MG_WORK/serve.log" || \
	fail "bad reload not reported"
cp "$MG_WORK/good.conf" "$conf"
swaks_send "$MG_WORK/swaks.out" "$MG_WORK/clean.eml" aunt@example.org
grep -q "<.* 250 " "$MG_WORK/swaks.out" || fail "not serving after a bad reload"
kill -HUP "$SERVE_PID"
sleep 0.5
grep -q "configuration and filters reloaded" "$MG_WORK/serve.log" || fail "good reload not reported"

# The log: one line per message, with its Message-ID and verdict.
grep -q "serve-held-1@example.com programs=harborview verdict=hold" "$MG_WORK/serve.log" || \
	fail "no log line for the held message"

# SIGTERM: a clean exit.
kill -TERM "$SERVE_PID"
wait "$SERVE_PID"
st=$?
SERVE_PID=
[ "$st" -eq 0 ] && pass "SIGTERM: exit 0" || fail "SIGTERM: exit $st"
finish
