#!/bin/sh
# milter.sh - matchguard milter inside a throwaway Postfix on loopback,
# relaying to a local sink: a clean letter arrives byte for byte; a held
# one waits in Postfix's hold queue with matchguard's reason, is in the
# applicant's queue, and arrives after postsuper -H; a rejected one
# gives the client the explanation; two applicants' ledgers stay apart;
# mail from a stranger passes, logged once; a stopped milter gives
# tempfail and loses nothing.

. "$MG_SRCDIR/tests/integration/lib.sh"
. "$MG_SRCDIR/tests/integration/milter_lib.sh"
need postfix
need postsuper
need swaks
need_aiosmtpd
[ "$(id -u)" -eq 0 ] || { echo "SKIP: a private Postfix needs root"; exit 77; }
id postfix >/dev/null 2>&1 || { echo "SKIP: no postfix user"; exit 77; }

chmod 755 "$MG_WORK"	# Postfix's daemons run as postfix
PF="$MG_WORK/pf"
SMTP=$(free_port) SMTP2=$(free_port) MP=$(free_port) MP2=$(free_port)
trap 'stop_postfix "$PF"; [ -n "${MILTER_PID:-}" ] && kill $MILTER_PID 2>/dev/null;
      [ -n "${M2:-}" ] && kill $M2 2>/dev/null; stop_upstream; rm -rf "$MG_WORK"' EXIT

start_upstream
SINK=$UP_OUT
mk_office "$MG_WORK/office" "$MP" quarantine priya sam
mk_office "$MG_WORK/office2" "$MP2" reject priya
sed -i 's/^  max_sessions = 32;/  max_sessions = 32; max_message_size = 2048;/' \
    "$MG_WORK/office2/matchguard.conf"
start_milter "$MG_WORK/office2/matchguard.conf" "$MG_WORK/milter2.log" "$MP2"
M2=$MILTER_PID
start_milter "$MG_WORK/office/matchguard.conf" "$MG_WORK/milter.log" "$MP"
mk_postfix "$PF" "$SMTP" "$PORT" "$MP" "$SMTP2" "inet:127.0.0.1:$MP2"
PQ="postqueue -c $PF/etc"
MG="$MG_BIN -c $MG_WORK/office/matchguard.conf"

# letter NAME FROM TO SUBJECT: a letter in $MG_WORK/NAME.eml (CRLF),
# its body on standard input.
letter() {
	{
		printf 'From: %s\nTo: %s\nSubject: %s\n' "$2" "$3" "$4"
		printf 'Date: %s\n' "$(date -R)"
		printf 'Message-ID: <%s.%s@applicants.test>\n' "$1" "$$"
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n'
		cat
	} | sed 's/$/\r/' >"$MG_WORK/$1.eml"
}

# send PORT NAME FROM TO: sends NAME.eml as it is; prints the reply.
send() {
	/usr/bin/python3 - "$@" "$MG_WORK" <<'PY'
import smtplib, sys
port, name, frm, to, work = sys.argv[1:6]
data = open("%s/%s.eml" % (work, name), "rb").read()
try:
    s = smtplib.SMTP("127.0.0.1", int(port), timeout=20)
    s.sendmail(frm, [to], data)
    print("250 accepted")
    s.quit()
except smtplib.SMTPResponseException as e:
    print(e.smtp_code, e.smtp_error.decode())
except smtplib.SMTPRecipientsRefused as e:
    for code, text in e.recipients.values():
        print(code, text.decode())
PY
}

# arrived N: waits until the sink holds N letters (10 s).
arrived() {
	for _ in $(seq 100); do
		[ "$(ls "$SINK"/*.eml 2>/dev/null | wc -l)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

count() { ls "$SINK"/*.eml 2>/dev/null | wc -l; }

# The body of a letter: everything after the first empty line.
body() { sed '1,/^\r*$/d' "$1"; }

# --- a clean letter arrives unchanged
letter update priya@applicants.test mggresidency@northgate.edu \
    "An update from Priya" <<'EOF2'
Dear Dr. Feldman,

I wanted to share a short update: my case report on a family with
hereditary spastic paraplegia was accepted by the Journal of Genetic
Counseling last week.

Thank you again for your time.

Best regards,
Priya
EOF2
r=$(send "$SMTP" update priya@applicants.test mggresidency@northgate.edu)
case $r in 250*) pass "clean letter accepted";; *) fail "clean letter: $r";; esac
if arrived 1; then
	got=$(ls "$SINK"/*.eml | head -1)
	body "$MG_WORK/update.eml" >"$MG_WORK/want.body"
	body "$got" >"$MG_WORK/got.body"
	if cmp -s "$MG_WORK/want.body" "$MG_WORK/got.body"; then
		pass "clean letter: body byte for byte"
	else
		fail "clean letter: body differs: $(diff "$MG_WORK/want.body" "$MG_WORK/got.body")"
	fi
	# every header as sent, in order, after Postfix's Received
	sed '/^\r*$/q' "$MG_WORK/update.eml" >"$MG_WORK/want.head"
	if grep -qF -f "$MG_WORK/want.head" "$got" &&
	    [ "$(grep -c '^X-' "$got")" -eq 0 ]; then
		pass "clean letter: headers unchanged, nothing added but Received"
	else
		fail "clean letter: headers changed: $(sed '/^\r*$/q' "$got")"
	fi
else
	fail "clean letter did not arrive: $(tail -5 "$PF/postfix.log")"
fi

# --- a held letter: Postfix's hold queue, with the reason
letter slot priya@applicants.test genetics-residency@harborview.edu \
    "Interest in [Program Name]" <<'EOF2'
Dear Dr. Marchetti,

I am writing to share my continued interest in [Program Name]. The
hereditary cancer clinic fits my plans well.

Best regards,
Priya
EOF2
r=$(send "$SMTP" slot priya@applicants.test genetics-residency@harborview.edu)
case $r in 250*) pass "held letter: the client hears it was accepted";;
	*) fail "held letter: $r";; esac
sleep 1
held=$($PQ -p | awk '/^[0-9A-F]+!/ { sub("!", "", $1); print $1 }')
if [ -n "$held" ]; then
	pass "held letter is in Postfix's hold queue ($held)"
else
	fail "no letter in the hold queue: $($PQ -p)"
fi
# Postfix drops the text of a quarantine (its log says "milter triggers
# HOLD action"); matchguard's log ties its reason to Postfix's queue ID.
if grep -q "$held: milter-hold: .*HOLD" "$PF/postfix.log" &&
    grep -q "priya: $held: held as .*: matchguard: .*Program Name" "$MG_WORK/milter.log"; then
	pass "held for matchguard's reason: $(grep "$held" "$MG_WORK/milter.log" | cut -c1-150)"
else
	fail "no reason for $held: $(grep "$held" "$PF/postfix.log" "$MG_WORK/milter.log")"
fi
[ "$(count)" -eq 1 ] && pass "held letter not delivered" ||
	fail "held letter delivered"
$MG queue --applicant priya >"$MG_WORK/q" 2>&1
if grep -q "placeholder\|Program Name\|template" "$MG_WORK/q"; then
	pass "the applicant's queue shows it: $(tail -1 "$MG_WORK/q" | cut -c1-100)"
else
	fail "matchguard queue --applicant priya: $(cat "$MG_WORK/q")"
fi
$MG queue --applicant sam >"$MG_WORK/q" 2>&1
grep -q "Program Name" "$MG_WORK/q" && fail "sam's queue shows priya's letter"
postsuper -c "$PF/etc" -H "$held" >/dev/null 2>&1
$PQ -i "$held" >/dev/null 2>&1
if arrived 2; then
	pass "after postsuper -H it arrives"
else
	fail "released letter did not arrive: $($PQ -p)"
fi

# --- a rejected letter: the client hears why
swaks --server "127.0.0.1:$SMTP2" --from priya@applicants.test \
    --to genetics-residency@harborview.edu --data "$MG_WORK/slot.eml" \
    >"$MG_WORK/swaks.out" 2>&1
if grep -q '<\*\* *550.5\.7\.1.*matchguard held this letter' "$MG_WORK/swaks.out" &&
    grep -q '<\*\* *550.5\.7\.1.*placeholder' "$MG_WORK/swaks.out"; then
	pass "rejected letter: the client has the explanation"
	grep '<\*\* *550' "$MG_WORK/swaks.out" | sed 's/^/    /'
else
	fail "rejected letter: $(grep '<\*\*\|<-' "$MG_WORK/swaks.out")"
fi

# --- beyond milter.max_message_size (2048 here): not checked; to a
# program refused (reject mode), to anyone else passed
{ cat "$MG_WORK/update.eml"; for i in $(seq 40); do
	printf 'A line of news to make this letter longer than the limit.\r\n'
done; } >"$MG_WORK/big.eml"
r=$(send "$SMTP2" big priya@applicants.test mggresidency@northgate.edu)
case $r in 552*max_message_size*) pass "too large to check, to a program: $r";;
	*) fail "too large, to a program: $r";; esac
n=$(count)
r=$(send "$SMTP2" big priya@applicants.test friend@elsewhere.test)
case $r in 250*) arrived $((n + 1)) && pass "too large, to no program: passed";;
	*) fail "too large, to no program: $r";; esac

# --- two applicants: A's letter of intent does not hold B's
loi() {
	letter "$1" "$2" "$3" "Letter of intent" <<EOF2
Dear Dr. $4,

After much reflection since my interview, I am writing to let you know
that the $5 is my first choice, and I will rank it first on my rank
order list.

The people I met and the way residents learn there make it the place
where I want to train.

Thank you for considering my application.

Best regards,
$6
EOF2
}
loi loi1 priya@applicants.test genetics-residency@harborview.edu Marchetti \
    "Harborview University Medical Genetics Residency" Priya
loi loi2 priya@applicants.test genetics@cordillerahealth.org Alvarez \
    "Cordillera Health Medical Genetics Residency" Priya
loi loi3 sam@applicants.test genetics@cordillerahealth.org Alvarez \
    "Cordillera Health Medical Genetics Residency" Sam
n=$(count)
r1=$(send "$SMTP" loi1 priya@applicants.test genetics-residency@harborview.edu)
r2=$(send "$SMTP" loi2 priya@applicants.test genetics@cordillerahealth.org)
r3=$(send "$SMTP" loi3 sam@applicants.test genetics@cordillerahealth.org)
arrived $((n + 2)) || true
sleep 1
if grep -q 'priya: [0-9A-F]*: held as .*first choice' "$MG_WORK/milter.log"; then
	pass "priya's second letter of intent is held"
else
	fail "priya's second letter of intent: $(grep priya "$MG_WORK/milter.log" | tail -3)"
fi
if grep -q 'sam: [0-9A-F]*: \(pass\|warn\)' "$MG_WORK/milter.log" &&
    ! grep -q 'sam: .*held' "$MG_WORK/milter.log"; then
	pass "sam's letter of intent passes: priya's ledger is not sam's"
else
	fail "sam's letter of intent: $(grep sam "$MG_WORK/milter.log")"
fi
[ "$(count)" -eq $((n + 2)) ] && pass "two letters of intent arrived, one held" ||
	fail "$(count) letters at the sink, wanted $((n + 2)) ($r1 / $r2 / $r3)"
$MG timeline --applicant sam >"$MG_WORK/tl" 2>&1
if grep -q '^cordillera .* 1 ' "$MG_WORK/tl" && grep -q '^harborview  *0 ' "$MG_WORK/tl"; then
	pass "sam's timeline has his letter only"
else
	fail "sam's timeline: $(cat "$MG_WORK/tl")"
fi

# --- the office's file alone is no applicant's
$MG check "$MG_WORK/update.eml" >/dev/null 2>"$MG_WORK/err"
grep -q "office's configuration .*--applicant ID" "$MG_WORK/err" &&
	pass "check with the office's file asks for --applicant" ||
	fail "check with the office's file: $(cat "$MG_WORK/err")"
$MG check --applicant nobody "$MG_WORK/update.eml" >/dev/null 2>"$MG_WORK/err"
grep -q "applicant nobody: no .*applicants/nobody/matchguard.conf" "$MG_WORK/err" &&
	pass "an unknown applicant: $(cat "$MG_WORK/err")" ||
	fail "check --applicant nobody: $(cat "$MG_WORK/err")"

# --- a stranger's mail passes untouched, logged once
letter stranger someone@elsewhere.test genetics@cordillerahealth.org \
    "Hello" <<'EOF2'
Dear [Program Name], a note from someone who is not an applicant.
EOF2
n=$(count)
send "$SMTP" stranger someone@elsewhere.test genetics@cordillerahealth.org >/dev/null
send "$SMTP" stranger someone@elsewhere.test genetics@cordillerahealth.org >/dev/null
arrived $((n + 2)) && pass "a stranger's letters pass" || fail "a stranger's letters: $(count)"
[ "$(grep -c 'someone@elsewhere.test is not an applicant' "$MG_WORK/milter.log")" -eq 1 ] &&
	pass "the stranger is logged once" ||
	fail "stranger log: $(grep someone "$MG_WORK/milter.log")"

# --- a stopped milter: tempfail, nothing lost
stop_milter "$MILTER_PID"
MILTER_PID=
n=$(count)
r=$(send "$SMTP" update priya@applicants.test mggresidency@northgate.edu)
case $r in 4*) pass "milter stopped: tempfail ($r)";;
	*) fail "milter stopped: $r";; esac
if [ "$($PQ -p | grep -c '^[0-9A-F][0-9A-F]*[ *]')" -eq 0 ]; then
	pass "nothing left half-taken in Postfix's queue (only the held letter)"
else
	fail "queue: $($PQ -p)"
fi
start_milter "$MG_WORK/office/matchguard.conf" "$MG_WORK/milter.log" "$MP"
r=$(send "$SMTP" update priya@applicants.test mggresidency@northgate.edu)
case $r in 250*) arrived $((n + 1)) && pass "sent again, it arrives";;
	*) fail "after the restart: $r";; esac

finish
