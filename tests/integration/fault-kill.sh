#!/bin/sh
# fault-kill.sh - kill -9 of `matchguard serve` at random points during 200
# submissions (tests/integration/killserve.py does the submitting, the
# killing and the checking): every message a client got 250 for is
# upstream or in the held queue, byte for byte; no entry of the spool is
# half-written; `matchguard queue` works; the ledger passes
# PRAGMA integrity_check.  It prints "duplicates: N of M", the letters
# that reached upstream twice because a client sent again a letter whose
# first copy upstream had accepted just before the kill.
#
# The bound on duplicates: at a kill, only a letter whose final dot serve
# had sent and whose 250 had not yet reached its client can go twice (the
# upstream takes it, serve is gone before it has the 250, the client sends
# it again; SMTP gives serve no way to know).  That is at most one letter
# per client and kill: 4 x 10 = 40.  On a loaded 2-core machine 17 runs
# gave 0 to 6.  The test fails past 20, half of all the letters in flight
# at the kills: that takes serve holding the client's 250 back for tens of
# milliseconds after upstream's (a 50 ms pause there gave 16 and 26).
# With other MG_KILL_WORKERS or MG_KILL_KILLS the bound is half of theirs.
# MG_KILL_SEED replays a run (the seed is logged); MG_KILL_N, MG_KILL_WORKERS
# and MG_KILL_KILLS change the load (200 letters, 4 clients, 10 kills) and
# MG_KILL_RELAY_ONLY=1 sends every letter to a non-program, for a
# measurement by hand.

. "$MG_SRCDIR/tests/integration/lib.sh"
need_aiosmtpd

trap 'stop_upstream; rm -rf "$MG_WORK"' EXIT
start_upstream
SERVE_PORT=$(free_port)
conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
    -e '/^upstream = {/,/^};/d' \
    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
    "$MG_SRCDIR/conf/example.conf" >"$conf"
workers=${MG_KILL_WORKERS:-4}
kills=${MG_KILL_KILLS:-10}
[ "$workers" -gt 16 ] &&
    sed -i -e "s#max_sessions = 16;#max_sessions = $((workers + 16));#" "$conf"
cat >>"$conf" <<CONF
upstream = { type = "smtp"; host = "127.0.0.1"; port = $PORT; tls = "none";
             timeout = 10; };
CONF

"$PY" "$MG_SRCDIR/tests/integration/killserve.py" --bin "$MG_BIN" \
    --conf "$conf" --port "$SERVE_PORT" --state "$XDG_STATE_HOME/matchguard" \
    --upstream "$UP_OUT" --log "$MG_WORK/serve.log" --n "${MG_KILL_N:-200}" \
    --workers "$workers" --kills "$kills" \
    --max-duplicates $((workers * kills / 2)) \
    ${MG_KILL_RELAY_ONLY:+--relay-only} \
    ${MG_KILL_SEED:+--seed "$MG_KILL_SEED"} || fail "see the lines above"
finish
