#!/bin/sh
# sendmail-compat.sh - matchguard where a sendmail is expected, with the
# real clients: git send-email with sendemail.smtpServer =
# /path/to/matchguard (it runs `matchguard -i RCPT...`, the msmtp
# convention), mutt and neomutt with sendmail = a matchguard-sendmail link
# (they run `LINK -oem -oi -- RCPT...`).  A clean letter lands in the
# local-mode Maildir; a held one leaves the client a success (the letter
# is not lost) and one plain line on standard error, no log line and no
# "matchguard: matchguard:".

. "$MG_SRCDIR/tests/integration/lib.sh"
need git
git send-email --help >/dev/null 2>&1 || { echo "SKIP: git-email not installed"; exit 77; }

me=priya.raman@example.com
mkdir -p "$XDG_CONFIG_HOME/matchguard" "$MG_WORK/bin"
conf="$XDG_CONFIG_HOME/matchguard/matchguard.conf"
sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
    "$MG_SRCDIR/conf/example.conf" >"$conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$XDG_CONFIG_HOME/matchguard/"
ln -s "$MG_BIN" "$MG_WORK/bin/matchguard-sendmail"
ln -s "$MG_BIN" "$MG_WORK/bin/sendmail"
maildir="$XDG_STATE_HOME/matchguard/sent"
count_new() { ls "$maildir/new" 2>/dev/null | wc -l; }

# plain_held FILE WHAT: FILE holds exactly one line, the plain one.
plain_held() {
	n=$(grep -c . "$1")
	if [ "$n" -ne 1 ]; then
		fail "$2: $n lines on stderr: $(cat "$1")"
	elif ! grep -q '^matchguard: not sent, held for review: .*matchguard queue edit' "$1"; then
		fail "$2: not the plain line: $(cat "$1")"
	elif grep -Eq 'verdict=|class=|programs=|matchguard: matchguard:' "$1"; then
		fail "$2: log jargon: $(cat "$1")"
	else
		pass "$2: $(cat "$1")"
	fi
}

# 1. The command lines sendmail's callers use, with no command word.
printf 'From: %s\nTo: aunt@example.org\nSubject: Sunday\nMessage-ID: <sm-1@example.com>\n\nSee you on Sunday.\n' "$me" >"$MG_WORK/clean.eml"
printf 'From: %s\nTo: genetics-residency@harborview.edu\nSubject: Interest in [Program Name]\nMessage-ID: <sm-2@example.com>\n\nDear Dr. [Last Name], I am interested.\n' "$me" >"$MG_WORK/held.eml"
before=$(count_new)
expect_status 0 "matchguard -oi -f ME -- RCPT (clean)" sh -c \
    "'$MG_BIN' -oi -f $me -- aunt@example.org <'$MG_WORK/clean.eml'"
[ "$(count_new)" -eq $((before + 1)) ] && pass "delivered" || fail "not delivered"
expect_status 0 "sendmail link -t (held)" sh -c "'$MG_WORK/bin/sendmail' -t <'$MG_WORK/held.eml'"
plain_held "$MG_WORK/err" "sendmail -t, held"
expect_status 64 "sendmail -bs is refused" sh -c "'$MG_WORK/bin/sendmail' -bs </dev/null"
one_line_error 'sendmail -bs is not supported' "sendmail -bs"
sed 's/on_hold = "queue";/on_hold = "reject";/' "$conf" >"$MG_WORK/reject.conf"
cp "$XDG_CONFIG_HOME/matchguard/programs.example.conf" "$MG_WORK/"
sed 's/sm-2@/sm-3@/' "$MG_WORK/held.eml" >"$MG_WORK/rejected.eml"
expect_status 69 "matchguard-sendmail -C CONF -t, on_hold = reject" sh -c \
    "'$MG_WORK/bin/matchguard-sendmail' -C '$MG_WORK/reject.conf' -t <'$MG_WORK/rejected.eml'"
one_line_error '^matchguard: not sent: .*template slot' "rejected"
grep -q 'matchguard: matchguard:' "$MG_WORK/err" && fail "doubled prefix: $(cat "$MG_WORK/err")"
[ -s "$XDG_STATE_HOME/matchguard/sendmail.log" ] &&
    [ "$(stat -c %a "$XDG_STATE_HOME/matchguard/sendmail.log")" = 600 ] &&
    pass "the log lines are in sendmail.log (0600)" ||
    fail "sendmail.log missing or not 0600"

# 2. git send-email, sendemail.smtpServer = the program's path.
need_repo() {
	git init -q "$MG_WORK/repo" && cd "$MG_WORK/repo" || exit 99
	git config user.name "Priya Raman"
	git config user.email "$me"
	git config sendemail.smtpServer "$MG_BIN"
	git config sendemail.confirm never
	echo one >a.txt && git add a.txt && git commit -qm "first" &&
	echo two >>a.txt && git commit -qam "Add the second line" &&
	echo three >>a.txt && git commit -qam "Interest in [Program Name]" || exit 99
	cd - >/dev/null || exit 99
}
need_repo
before=$(count_new)
(cd "$MG_WORK/repo" && git send-email --quiet --to=aunt@example.org \
    --suppress-cc=all HEAD~2..HEAD~1) >"$MG_WORK/git.out" 2>"$MG_WORK/git.err"
st=$?
[ $st -eq 0 ] && [ "$(count_new)" -eq $((before + 1)) ] &&
    pass "git send-email with smtpServer: the patch is delivered" ||
    fail "git send-email (clean): exit $st, $(cat "$MG_WORK/git.err")"
grep -q "Subject: \[PATCH\] Add the second line" "$maildir"/new/* &&
    pass "the delivered letter is git's patch" || fail "no patch in the Maildir"
(cd "$MG_WORK/repo" && git send-email --quiet --to=genetics-residency@harborview.edu \
    --suppress-cc=all HEAD~1..HEAD) >"$MG_WORK/git.out" 2>"$MG_WORK/git.err"
st=$?
[ $st -eq 0 ] && pass "git send-email, held letter: git goes on (exit 0)" ||
    fail "git send-email (held): exit $st, $(cat "$MG_WORK/git.err")"
plain_held "$MG_WORK/git.err" "git send-email, held"

# 3. mutt and neomutt in batch mode, sendmail = the link with mutt's
# default options; they add -- and the recipients (and -f with
# use_envelope_from).
for client in mutt neomutt; do
	command -v $client >/dev/null 2>&1 || { echo "skip: $client not installed"; continue; }
	cat >"$MG_WORK/$client.rc" <<RC
set from = "$me"
set realname = "Priya Raman"
set use_from = yes
set use_envelope_from = yes
set sendmail = "$MG_WORK/bin/matchguard-sendmail -oem -oi"
set record = ""
set copy = no
set folder = "$MG_WORK/mail"
set spoolfile = "$MG_WORK/mail/inbox"
RC
	mkdir -p "$MG_WORK/mail"
	before=$(count_new)
	echo "See you on Sunday, from $client." >"$MG_WORK/body"
	$client -n -F "$MG_WORK/$client.rc" -s "Sunday ($client)" aunt@example.org \
	    <"$MG_WORK/body" >"$MG_WORK/m.out" 2>"$MG_WORK/m.err"
	st=$?
	[ $st -eq 0 ] && [ "$(count_new)" -eq $((before + 1)) ] &&
	    pass "$client: a clean letter is delivered" ||
	    fail "$client (clean): exit $st, $(cat "$MG_WORK/m.out" "$MG_WORK/m.err")"
	echo "Dear Dr. [Last Name], I am interested in your program." >"$MG_WORK/body"
	before=$(ls "$XDG_STATE_HOME/matchguard/held" | wc -l)
	$client -n -F "$MG_WORK/$client.rc" -s "Interest ($client)" \
	    genetics-residency@harborview.edu <"$MG_WORK/body" >"$MG_WORK/m.out" 2>"$MG_WORK/m.err"
	st=$?
	[ $st -eq 0 ] && [ "$(ls "$XDG_STATE_HOME/matchguard/held" | wc -l)" -gt "$before" ] &&
	    pass "$client: a letter with a template slot is held" ||
	    fail "$client (held): exit $st, $(cat "$MG_WORK/m.out" "$MG_WORK/m.err")"
done

[ "$MG_FAILS" -eq 0 ] || exit 1
