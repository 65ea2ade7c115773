#!/bin/sh
# mutt-tls.sh - mutt and neomutt with their Debian defaults
# (ssl_force_tls = yes, ssl_starttls = yes; the system Muttrc is read)
# send through `serve` over SMTP: serve offers STARTTLS with the
# certificate it made at its first start (0600, in the state folder), and
# the clients trust it once it is in their certificate_file, the README's
# one step.  Without that step they refuse, and nothing is sent.

. "$MG_SRCDIR/tests/integration/lib.sh"
need mutt
need openssl

me=priya.raman@example.com
SERVE_PORT=$(free_port)
conf="$MG_WORK/matchguard.conf"
sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
    "$MG_SRCDIR/conf/example.conf" >"$conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
trap 'stop_serve; rm -rf "$MG_WORK"' EXIT
start_serve "$conf"
state="$XDG_STATE_HOME/matchguard"
maildir="$state/sent"
count_new() { ls "$maildir/new" 2>/dev/null | wc -l; }

for f in smtp-cert.pem smtp-key.pem; do
	[ "$(stat -c %a "$state/$f" 2>/dev/null)" = 600 ] &&
	    pass "serve made $f (0600)" || fail "$f: missing or not 0600"
done
openssl x509 -in "$state/smtp-cert.pem" -noout -ext subjectAltName 2>/dev/null |
    grep -q "IP Address:127.0.0.1" && pass "the certificate names 127.0.0.1" ||
    fail "no 127.0.0.1 in the certificate"
grep -q "must trust the certificate $state/smtp-cert.pem" "$MG_WORK/serve.log" &&
    pass "serve says which certificate to trust" ||
    fail "serve does not name its certificate: $(cat "$MG_WORK/serve.log")"

mkdir -p "$HOME/mail"
# rc CLIENT: a muttrc with only what the README says to set; the
# defaults (ssl_force_tls) stay as Debian ships them.
rc() {
	cat >"$MG_WORK/$1.rc" <<RC
set from = "$me"
set use_from = yes
set smtp_url = "smtp://127.0.0.1:$SERVE_PORT/"
set record = ""
set folder = "$HOME/mail"
set spoolfile = "$HOME/mail/inbox"
RC
}

# send CLIENT SUBJECT RCPT BODY: batch mode, as the README shows.
send() {
	echo "$4" >"$MG_WORK/body"
	timeout 30 "$1" -F "$MG_WORK/$1.rc" -s "$2" "$3" <"$MG_WORK/body" \
	    >"$MG_WORK/m.out" 2>&1
}

for client in mutt neomutt; do
	command -v $client >/dev/null 2>&1 || { echo "skip: $client not installed"; continue; }
	rc $client
	timeout 10 $client -F "$MG_WORK/$client.rc" -Q ssl_force_tls 2>/dev/null |
	    grep -Eq 'is set|= yes' && pass "$client: ssl_force_tls is set (its default)" ||
	    echo "note: $client: ssl_force_tls is not set by default here"
	rm -f "$HOME/.mutt_certificates"
	before=$(count_new)
	send $client "Before ($client)" aunt@example.org "Not trusted yet."
	[ "$(count_new)" -eq "$before" ] &&
	    pass "$client: before the certificate is trusted, nothing is sent" ||
	    fail "$client sent through an untrusted certificate"
	# The README's step.
	cat "$state/smtp-cert.pem" >>"$HOME/.mutt_certificates"
	before=$(count_new)
	send $client "Sunday ($client)" aunt@example.org "See you on Sunday."
	st=$?
	[ $st -eq 0 ] && [ "$(count_new)" -eq $((before + 1)) ] &&
	    pass "$client: sent over STARTTLS, delivered" ||
	    fail "$client (clean): exit $st, $(cat "$MG_WORK/m.out")"
	before=$(ls "$state/held" 2>/dev/null | wc -l)
	send $client "Interest ($client)" genetics-residency@harborview.edu \
	    "Dear Dr. [Last Name], I am interested in your program."
	[ "$(ls "$state/held" 2>/dev/null | wc -l)" -gt "$before" ] &&
	    pass "$client: a letter with a template slot is held" ||
	    fail "$client (held): $(cat "$MG_WORK/m.out")"
done
stop_serve
# A second start loads the same certificate: it is made once.
sum=$(sha256sum <"$state/smtp-cert.pem")
start_serve "$conf"
stop_serve
[ "$(sha256sum <"$state/smtp-cert.pem")" = "$sum" ] &&
    pass "the second start keeps the certificate" || fail "the certificate was made again"
finish
