#!/bin/sh
# import-apple.sh - import-sent reads Apple Mail's Sent folder in each
# shape it comes in, each made here: the mailbox as Mail keeps it ("Sent
# Messages.mbox", a folder with .emlx and .partial.emlx files deep
# inside), a Mailbox > Export folder (an "mbox" file inside), a folder of
# several exports, and a single .emlx (a line with the byte count, the
# message, a property list after it).  A broken .emlx is one line naming
# the file; an empty folder says what it is not.

. "$MG_SRCDIR/tests/integration/lib.sh"

me=priya.raman@example.com
conf="$MG_WORK/matchguard.conf"
sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
    "$MG_SRCDIR/conf/example.conf" >"$conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"

# letter N TO DATE: a letter from me, CRLF as Apple Mail writes it.
letter() {
	printf '%s\r\n' "From: Priya Raman <$me>" "To: $2" \
	    "Subject: Thank you for the interview ($1)" "Date: $3" \
	    "Message-ID: <apple-$1@example.com>" "MIME-Version: 1.0" \
	    "Content-Type: text/plain; charset=utf-8" "" \
	    "Dear Dr. Marchetti," "" \
	    "Thank you for the conversation about the hereditary cancer clinic ($1)." "" \
	    "Priya"
}
# emlx FILE N TO DATE: the .emlx framing around letter N.
emlx() {
	f=$1; shift
	letter "$@" >"$MG_WORK/body.tmp"
	{ printf '%d\n' "$(wc -c <"$MG_WORK/body.tmp")"; cat "$MG_WORK/body.tmp"
	  printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' \
	      '<plist version="1.0"><dict><key>flags</key><integer>8590195713</integer></dict></plist>'
	} >"$f"
}
# mboxed N TO DATE: letter N as an mbox entry (From line, >From quoting).
mboxed() {
	printf 'From %s Mon Nov 16 10:00:00 2026\n' "$me"
	letter "$@" | sed 's/^From />From /'
	printf '\n'
}
hv=genetics-residency@harborview.edu
pc=genetics.residency@pinecrest.org

# 1. The mailbox as Mail keeps it.
box="$MG_WORK/Library/Mail/V10/acct/Sent Messages.mbox"
mkdir -p "$box/4B1E-UUID/Data/1/Messages" "$box/4B1E-UUID/Data/Messages"
emlx "$box/4B1E-UUID/Data/1/Messages/101.emlx" 1 "$hv" "Wed, 11 Nov 2026 09:00:00 -0500"
emlx "$box/4B1E-UUID/Data/Messages/7.partial.emlx" 2 "$pc" "Thu, 12 Nov 2026 09:00:00 -0500"
printf '<plist/>\n' >"$box/Info.plist"
expect_status 0 "import-sent of Mail's own \"Sent Messages.mbox\"" \
    "$MG_BIN" -c "$conf" import-sent "$box"
grep -q "^2 messages read: 2 recorded" "$MG_WORK/out" &&
    pass "$(tail -1 "$MG_WORK/out")" || fail "mailbox: $(cat "$MG_WORK/out" "$MG_WORK/err")"

# 2. Mailbox > Export: "Sent Messages.mbox/mbox" and table_of_contents.
exp="$MG_WORK/Export/Sent Messages.mbox"
mkdir -p "$exp"
{ mboxed 3 "$hv" "Mon, 16 Nov 2026 10:00:00 -0500"; mboxed 4 "$pc" "Tue, 17 Nov 2026 10:00:00 -0500"; } >"$exp/mbox"
printf '\0\1binary' >"$exp/table_of_contents"
expect_status 0 "import-sent of an exported mailbox" "$MG_BIN" -c "$conf" import-sent --dry-run "$exp"
grep -q "^2 messages read: 2 to record" "$MG_WORK/out" &&
    pass "$(tail -1 "$MG_WORK/out")" || fail "export: $(cat "$MG_WORK/out" "$MG_WORK/err")"

# 3. A folder with several exports (Sent and Drafts chosen together).
mkdir -p "$MG_WORK/Export/Drafts.mbox"
mboxed 5 "$hv" "Wed, 18 Nov 2026 10:00:00 -0500" >"$MG_WORK/Export/Drafts.mbox/mbox"
expect_status 0 "import-sent of a folder of exports" "$MG_BIN" -c "$conf" import-sent "$MG_WORK/Export"
grep -q "^3 messages read: 3 recorded" "$MG_WORK/out" &&
    pass "$(tail -1 "$MG_WORK/out")" || fail "exports: $(cat "$MG_WORK/out" "$MG_WORK/err")"

# 4. One .emlx, and the same again (already in the ledger).
emlx "$MG_WORK/6.emlx" 6 "$pc" "Thu, 19 Nov 2026 10:00:00 -0500"
expect_status 0 "import-sent of a single .emlx" "$MG_BIN" -c "$conf" import-sent "$MG_WORK/6.emlx"
grep -q "^recorded 2026-11-19, a thank-you note to The Pinecrest Institute" "$MG_WORK/out" &&
    pass "$(head -1 "$MG_WORK/out")" || fail "emlx: $(cat "$MG_WORK/out" "$MG_WORK/err")"
expect_status 0 "the mailbox again" "$MG_BIN" -c "$conf" import-sent "$box"
grep -q "0 recorded, 2 already in the ledger" "$MG_WORK/out" &&
    pass "importing twice changes nothing" || fail "again: $(cat "$MG_WORK/out")"

# 5. Broken input: one line each, naming the file.
printf 'not a number\r\nFrom: x\r\n' >"$MG_WORK/bad.emlx"
expect_status 2 "a .emlx without its byte count" "$MG_BIN" -c "$conf" import-sent "$MG_WORK/bad.emlx"
one_line_error "bad.emlx: not an Apple Mail .emlx file" "bad .emlx"
emlx "$MG_WORK/short.emlx" 7 "$pc" "Thu, 19 Nov 2026 10:00:00 -0500"
sed -i '1s/.*/99999/' "$MG_WORK/short.emlx"
expect_status 2 "a .emlx cut short" "$MG_BIN" -c "$conf" import-sent "$MG_WORK/short.emlx"
one_line_error "short.emlx: the .emlx file is cut short" "short .emlx"
mkdir -p "$MG_WORK/empty"
expect_status 2 "an empty folder" "$MG_BIN" -c "$conf" import-sent "$MG_WORK/empty"
one_line_error "no messages in this folder: it is not a Maildir" "empty folder"
finish
