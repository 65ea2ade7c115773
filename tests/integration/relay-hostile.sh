#!/bin/sh
# relay-hostile.sh - `matchguard serve` relaying to an SMTP upstream that
# lies (tests/integration/hostile_smtp.py), with swaks as the mail client.
# For each mode (an endless reply line, endless continuation lines, a
# reply trickled one byte a second, silence after the message, a reply
# cut off by the end of the connection, an endless greeting, a line that
# is no SMTP reply, a server that reads the message too slowly), the
# client gets 451 within the bound that applies (upstream.timeout,
# upstream.data_timeout; a byte cap well before either), serve logs one
# line naming the upstream and what it did, serve's memory stays bounded
# (VmRSS and VmHWM of /proc/PID/status), serve stays up, and the next
# letter is relayed, byte for byte, when the server behaves again.  The
# same for a TLS trickle (the bytes of one TLS record one a second) with
# implicit TLS.  Bad values of the new settings are refused with a line
# naming them.

. "$MG_SRCDIR/tests/integration/lib.sh"
need swaks
need openssl
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

T=3		# upstream.timeout and upstream.data_timeout here
SLACK=2		# what a reply may take beyond its deadline, under load
QUICK=2		# a byte cap must end a flood well before the deadline
FROM=priya.raman@example.com

SRV_PID=
trap 'stop_serve; stop_srv; rm -rf "$MG_WORK"' EXIT
stop_srv() {
	if [ -n "$SRV_PID" ]; then
		kill "$SRV_PID" 2>/dev/null
		wait "$SRV_PID" 2>/dev/null
		SRV_PID=
	fi
}
MODE_FILE="$MG_WORK/mode"
# start_srv OUTDIR [ARGS]: hostile_smtp.py on $SRV_PORT, its mode read
# from $MODE_FILE at each connection.
start_srv() {
	stop_srv
	UP=$1
	shift
	SRV_LOG="$UP.log"
	: >"$SRV_LOG"
	echo good >"$MODE_FILE"
	"$PY" "$MG_SRCDIR/tests/integration/hostile_smtp.py" \
	    --mode-file "$MODE_FILE" --outdir "$UP" "$@" >>"$SRV_LOG" 2>&1 &
	SRV_PID=$!
	for _ in $(seq 50); do
		SRV_PORT=$(sed -n 's/^ready //p' "$SRV_LOG")
		[ -n "$SRV_PORT" ] && return 0
		sleep 0.1
	done
	echo "hostile_smtp.py did not start: $(cat "$SRV_LOG")" >&2
	exit 99
}

SERVE_PORT=$(free_port)
conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
# write_conf UPSTREAM-SETTINGS
write_conf() {
	sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
	    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
	    -e '/^upstream = {/,/^};/d' \
	    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
	    "$MG_SRCDIR/conf/example.conf" >"$conf"
	printf 'upstream = { type = "smtp"; %s };\n' "$1" >>"$conf"
}

# stopped WHAT: stops serve; a sanitizer's report in its log (a build
# with --enable-sanitizers) is a failure.
stopped() {
	stop_serve
	if grep -Eq 'Sanitizer|runtime error:' "$MG_WORK/serve.log"; then
		fail "$1: serve's log has a sanitizer report: $(grep -E -m3 'Sanitizer|runtime error:' "$MG_WORK/serve.log")"
	else
		pass "$1: serve stopped; no sanitizer report in its log"
	fi
}

# status FIELD: serve's VmRSS or VmHWM, in kB.
status() {
	awk -v f="$1:" '$1 == f { print $2 }' "/proc/$SERVE_PID/status"
}

# letter N [BODY-FILE]: a letter to a friend (no program: it passes).
letter() {
	printf '%s\r\n' "From: Priya Raman <$FROM>" \
	    'To: Sam <sam@friends.example>' "Subject: Saturday ($1)" \
	    'Date: Wed, 11 Nov 2026 09:00:00 -0500' \
	    "Message-ID: <hostile-$1-$$@example.com>" '' \
	    'See you on Saturday.' '.a line with a leading dot'
	[ -n "${2:-}" ] && cat "$2"
	return 0
}

# send N [BODY-FILE]: the letter through serve with swaks; sets REPLY
# (serve's answer to the final dot) and TOOK (seconds).
N=0
send() {
	letter "$@" >"$MG_WORK/letter$1.eml"
	t0=$(date +%s.%N)
	swaks --server "127.0.0.1:$SERVE_PORT" --from "$FROM" \
	    --to sam@friends.example --data "@$MG_WORK/letter$1.eml" \
	    --timeout 120 >"$MG_WORK/swaks" 2>&1
	TOOK=$(echo "$(date +%s.%N) $t0" | awk '{ printf "%.2f", $1 - $2 }')
	REPLY=$(awk '/^ *-> \.$/ { dot = 1; next }
	    dot && /^ *(<-|<\*\*) +[0-9][0-9][0-9]/ { sub(/^ *(<-|<\*\*) +/, "");
	    print; exit }' "$MG_WORK/swaks")
}

# good_letter WHAT: the server behaves again: the next letter is relayed
# and arrives byte for byte, as swaks sent it (swaks puts a CRLF of its
# own before the final dot).
good_letter() {
	echo good >"$MODE_FILE"
	N=$((N + 1))
	before=$(ls "$UP" | grep -c '\.eml$')
	send "$N"
	after=$(ls "$UP" | grep -c '\.eml$')
	newest=$(ls -t "$UP"/*.eml 2>/dev/null | head -1)
	case $REPLY in
	250*)
		if [ "$after" -eq $((before + 1)) ] &&
		    { cat "$MG_WORK/letter$N.eml"; printf '\r\n'; } |
		    cmp -s - "$newest"; then
			pass "$1: then the next letter is relayed, byte for byte ($REPLY)"
		else
			fail "$1: next letter: 250 but upstream has $after letters (was $before)"
		fi ;;
	*) fail "$1: the next letter got '$REPLY': $(tail -5 "$MG_WORK/swaks")" ;;
	esac
}

# probe MODE MAX-SECS LOG-PATTERN [BODY-FILE]: one letter through serve
# to the server in MODE.
probe() {
	mode=$1 max=$2 pattern=$3
	echo "$mode" >"$MODE_FILE"
	N=$((N + 1))
	log_before=$(wc -l <"$MG_WORK/serve.log")
	send "$N" "${4:-}"
	sleep 0.3	# the server's "done" line
	new_log=$(tail -n +$((log_before + 1)) "$MG_WORK/serve.log")
	logged=$(printf '%s\n' "$new_log" | grep -c 'tempfail 451')
	rss=$(status VmRSS)
	hwm=$(status VmHWM)
	echo "measured: $mode: client got '$REPLY' after $TOOK s; serve VmRSS $rss kB, VmHWM $hwm kB; server: $(grep "^done $mode" "$SRV_LOG" | tail -1)"
	echo "measured: $mode: serve logged: $(printf '%s\n' "$new_log" | grep 'tempfail 451')"
	before=$MG_FAILS
	case $REPLY in
	451*) ;;
	*) fail "$mode: the client got '$REPLY', wanted 451: $(tail -5 "$MG_WORK/swaks")" ;;
	esac
	awk -v s="$TOOK" -v m="$max" 'BEGIN { exit !(s <= m) }' ||
	    fail "$mode: took $TOOK s, more than $max"
	kill -0 "$SERVE_PID" 2>/dev/null || fail "$mode: serve is gone"
	[ "$logged" -eq 1 ] || fail "$mode: serve logged $logged tempfail lines, wanted 1"
	printf '%s\n' "$new_log" | grep 'tempfail 451' | grep -Eq -- "$pattern" ||
	    fail "$mode: serve's log line does not match /$pattern/"
	[ "$MG_FAILS" -eq "$before" ] &&
	    pass "$mode: 451 after $TOOK s (at most $max), one log line, serve up"
	good_letter "$mode"
}

# --- plain TCP (tls = "none", allowed on loopback)
start_srv "$MG_WORK/up"
write_conf "host = \"127.0.0.1\"; port = $SRV_PORT; tls = \"none\"; timeout = $T; data_timeout = $T;"
: >"$MG_WORK/serve.log"
start_serve "$conf"
good_letter "start"
base_rss=$(status VmRSS)
base_hwm=$(status VmHWM)
echo "measured: serve after one letter: VmRSS $base_rss kB, VmHWM $base_hwm kB"

H='127\.0\.0\.1'
probe endless-line $QUICK \
    "$H's reply to MAIL FROM passed [0-9]+ bytes \(upstream.max_reply_size is 65536\); connection dropped"
probe endless-continuation $QUICK \
    "$H's reply to EHLO passed [0-9]+ bytes \(upstream.max_reply_size is 65536\)"
probe huge-greeting $QUICK \
    "$H's reply to our connection passed [0-9]+ bytes \(upstream.max_reply_size is 65536\)"
probe trickle $((T + SLACK)) \
    "$H did not finish its reply to RCPT TO within $T s \(upstream.timeout\)"
probe silent-after-data $((T + SLACK)) \
    "no reply from $H to the message within $T s \(upstream.timeout\)"
probe close-mid-reply $QUICK \
    "$H closed the connection before finishing its reply to the message"
probe garbage $QUICK \
    "$H sent a line that is not an SMTP reply, in answer to EHLO"
reads_hwm=$(status VmHWM)

# The message itself, 8 MB, to a server that reads 32 KiB a second.
"$PY" -c 'import sys
line = "All work and no play makes a dull letter, said the upstream.\r\n"
sys.stdout.write(line * (8 * 1024 * 1024 // len(line)))' >"$MG_WORK/big"
probe slow-reader $((T + SLACK + 4)) \
    "$H did not take the whole message within $T s \(upstream.data_timeout\)" \
    "$MG_WORK/big"

end_rss=$(status VmRSS)
echo "measured: serve VmRSS $base_rss kB after the first letter, $end_rss kB at the end; VmHWM $base_hwm kB after the first letter, $reads_hwm kB after the reply probes, $(status VmHWM) kB after the 8 MB letter"
# The floods would go on for as long as serve reads (on loopback, hundreds
# of MB a second): a reader without a byte cap grows until the deadline.
grow=$((reads_hwm - base_hwm))
[ "$grow" -lt 8192 ] &&
    pass "serve's peak memory (VmHWM) grew by $grow kB during the reply probes (under 8 MB)" ||
    fail "serve's peak memory (VmHWM) grew by $grow kB during the reply probes"
flood=$(grep -E '^done (endless|huge)' "$SRV_LOG" | sed 's/ in .*//' | tr '\n' ';')
echo "measured: what the floods sent before serve hung up: $flood"
stopped "plain TCP"

# --- implicit TLS: the bytes of one TLS record, one a second.
CA="$MG_WORK/ca"
sh "$MG_SRCDIR/tests/integration/mkca.sh" "$CA" >/dev/null 2>&1 ||
    { fail "mkca.sh failed"; finish; }
start_srv "$MG_WORK/up-tls" --tls-cert "$CA/server.pem" --tls-key "$CA/server.key"
write_conf "host = \"localhost\"; port = $SRV_PORT; tls = \"implicit\"; tls_trust_file = \"$CA/ca.pem\"; timeout = $T;"
: >"$MG_WORK/serve.log"
start_serve "$conf"
good_letter "TLS start"
# No byte of the reply is read before its TLS record is whole, and the
# first record takes about 37 s: "no reply" after the deadline.
probe trickle $((T + SLACK)) \
    "no reply from localhost to RCPT TO within $T s \(upstream.timeout\)"
probe endless-line $QUICK "localhost's reply to MAIL FROM passed [0-9]+ bytes"
stopped "implicit TLS"
stop_srv

# --- the settings' bounds
for bad in "max_reply_size = 100;" "max_reply_size = 20000000;" \
    "data_timeout = 0;"; do
	write_conf "host = \"127.0.0.1\"; port = 1; tls = \"none\"; $bad"
	timeout 10 "$MG_BIN" -c "$conf" serve >"$MG_WORK/out" 2>"$MG_WORK/err"
	st=$?
	name=${bad%% *}
	if [ "$st" -ne 0 ] && grep -q "$name" "$MG_WORK/err"; then
		pass "upstream.$bad refused (exit $st): $(cat "$MG_WORK/err")"
	else
		fail "upstream.$bad: exit $st: $(cat "$MG_WORK/err")"
	fi
done

finish
