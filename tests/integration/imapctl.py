#!/usr/bin/env python3
"""imapctl.py - drive the test Dovecot for the IMAP integration tests.

  imapctl.py append PORT FOLDER DATE FILE [FLAGS]   APPEND FILE (CRLF made)
  imapctl.py flags PORT FOLDER                      "UID FLAGS" per message
  imapctl.py count PORT FOLDER                      number of messages
  imapctl.py find PORT FOLDER SUBJECT               subjects matching
  imapctl.py bulk MAILDIR COUNT DATE                COUNT unrelated messages

User "priya", password "secret", plain IMAP on 127.0.0.1:PORT.  DATE is
YYYY-MM-DD (the INTERNALDATE / file time).  Folders are opened with
EXAMINE, so this tool changes no flag either.
"""
import calendar
import imaplib
import os
import re
import sys
import time


def login(port):
    m = imaplib.IMAP4("127.0.0.1", int(port))
    m.login("priya", "secret")
    return m


def stamp(day):
    return calendar.timegm(time.strptime(day + " 12:00", "%Y-%m-%d %H:%M"))


def main(argv):
    cmd = argv[1]
    if cmd == "append":
        port, folder, day, path = argv[2:6]
        flags = argv[6] if len(argv) > 6 else ""
        data = open(path, "rb").read().replace(b"\r\n", b"\n")
        data = data.replace(b"\n", b"\r\n")
        m = login(port)
        if folder != "INBOX":
            m.create(folder)
        typ, _ = m.append(folder, flags, imaplib.Time2Internaldate(stamp(day)),
                          data)
        m.logout()
        return 0 if typ == "OK" else 1
    if cmd in ("flags", "count", "find"):
        port, folder = argv[2:4]
        m = login(port)
        typ, data = m.select(folder, readonly=True)
        n = int(data[0])
        if cmd == "count":
            print(n)
        elif n > 0 and cmd == "flags":
            typ, data = m.uid("FETCH", "1:*", "(FLAGS)")
            for line in data:
                s = line.decode() if isinstance(line, bytes) else str(line)
                mo = re.search(r"UID (\d+) FLAGS \(([^)]*)\)", s)
                if not mo:
                    mo2 = re.search(r"FLAGS \(([^)]*)\) UID (\d+)", s)
                    print(mo2.group(2), mo2.group(1))
                else:
                    print(mo.group(1), mo.group(2))
        elif n > 0:
            typ, data = m.uid("FETCH", "1:*",
                              "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            for part in data:
                if isinstance(part, tuple):
                    s = part[1].decode("utf-8", "replace").strip()
                    if argv[4] in s:
                        print(s)
        m.logout()
        return 0
    if cmd == "bulk":
        maildir, count, day = argv[2], int(argv[3]), argv[4]
        t = stamp(day)
        cur = os.path.join(maildir, "cur")
        for d in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(maildir, d), exist_ok=True)
        for i in range(count):
            name = "%d.M%dP1.bulk:2,%s" % (t, i, "S" if i % 2 else "")
            p = os.path.join(cur, name)
            with open(p, "wb") as f:
                f.write(("From: newsletter%d@lists.example.net\r\n"
                         "To: priya.raman@example.com\r\n"
                         "Subject: Weekly digest %d\r\n"
                         "Date: %s\r\n"
                         "Message-ID: <bulk-%d@lists.example.net>\r\n"
                         "\r\n"
                         "Nothing to do with residency programs.\r\n"
                         % (i % 97, i, time.strftime(
                             "%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t)),
                            i)).encode())
            os.utime(p, (t, t))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
