#!/bin/sh
# fault-kill.sh - kill -9 of `matchguard serve` at random points during 200
# submissions (tests/integration/killserve.py does the submitting, the
# killing and the checking): every message a client got 250 for is
# upstream or in the held queue, byte for byte; no entry of the spool is
# half-written; `matchguard queue` works; the ledger passes
# PRAGMA integrity_check.  MG_KILL_SEED replays a run (the seed is logged).

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
    "$MG_SRCDIR/conf/example.conf" >"$conf"
cat >>"$conf" <<CONF
upstream = { type = "smtp"; host = "127.0.0.1"; port = $PORT; tls = "none";
             timeout = 10; };
CONF

"$PY" "$MG_SRCDIR/tests/integration/killserve.py" --bin "$MG_BIN" \
    --conf "$conf" --port "$SERVE_PORT" --state "$XDG_STATE_HOME/matchguard" \
    --upstream "$UP_OUT" --log "$MG_WORK/serve.log" --n 200 \
    ${MG_KILL_SEED:+--seed "$MG_KILL_SEED"} || fail "see the lines above"
finish
