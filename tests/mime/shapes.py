#!/usr/bin/python3
"""shapes.py - hostile and unusual MIME shapes of one letter, each with the
template slot "[Program Name]" where a reader would see it.

  shapes.py OUTDIR

Writes OUTDIR/NAME.eml for every shape, OUTDIR/NAME.clean.eml for the
shapes matchguard can read (the same letter with the slot filled in), and
OUTDIR/manifest.tsv: name, what (one line), expected rule, clean verdict.

- The expected rule of a shape is the rule that must hold it: "placeholder"
  when matchguard can read the part the slot is in (then the slot is
  found), "unreadable" when it cannot read the letter in full (then it
  must say so and hold it, never pass it unchecked).
- The clean verdict is what its clean twin must get ("pass"; "-" when the
  shape cannot be read, so there is no clean twin): a readable shape must
  not be held for its shape alone.

Every letter is a thank-you from Priya Raman to the Harborview program of
conf/programs.example.conf, the day after her interview (check it with
--now 2026-11-11T10:00:00-05:00 and an empty ledger): with the slot
filled in it breaks no rule.  Inputs are built here as bytes, because
most of them are malformed on purpose.
"""
import base64
import os
import quopri
import sys

TO = b"genetics-residency@harborview.edu"
SLOT = "[Program Name]"
FILL = "Harborview Genetics"

GREETING = "Dear Dr. Marchetti,"
PARA1 = ("Thank you for the interview yesterday. Meeting the residents of "
         "{p} and seeing the hereditary cancer clinic confirmed my interest.")
PARA2 = ("I especially enjoyed the discussion of the biochemical genetics "
         "laboratory and its newborn screening work.")
CLOSE = "Sincerely,\nPriya Raman"

SHAPES = []


def shape(name, what, rule="placeholder", clean=True):
    """Registers a function f(p) -> bytes: the message with p where the
    slot goes."""
    def reg(f):
        SHAPES.append((name, what, rule, clean, f))
        return f
    return reg


def crlf(s):
    if isinstance(s, str):
        s = s.encode("utf-8")
    return s.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def head(extra=b"", subject=b"Thank you for my interview on November 10"):
    return crlf(b"From: Priya Raman <priya.raman@example.com>\n"
                b"To: Harborview Genetics Residency <" + TO + b">\n"
                b"Subject: " + subject + b"\n"
                b"Date: Wed, 11 Nov 2026 09:00:00 -0500\n"
                b"Message-ID: <shape@priya-laptop.example.com>\n"
                b"MIME-Version: 1.0\n") + crlf(extra)


def letter(p, para1=True):
    """The plain text of the letter with p in the first paragraph."""
    parts = [GREETING, "", PARA1.format(p=p) if para1 else PARA1.format(
        p=FILL), "", PARA2, "", CLOSE]
    return "\n".join(parts) + "\n"


def html(p):
    return ("<html><head><style>p {{margin:0}}</style></head><body>"
            "<p>{g}</p><p>{a}</p><p>{b}</p><p>Sincerely,<br>Priya Raman</p>"
            "</body></html>\n").format(g=GREETING, a=PARA1.format(p=p),
                                        b=PARA2)


def part(ctype, body, cte=None, extra=b""):
    h = b"Content-Type: " + ctype + b"\r\n"
    if cte:
        h += b"Content-Transfer-Encoding: " + cte + b"\r\n"
    return h + crlf(extra) + b"\r\n" + body


def multipart(subtype, boundary, parts, preamble=b""):
    out = (b"Content-Type: multipart/" + subtype + b"; boundary=\"" +
           boundary + b"\"\r\n\r\n" + preamble)
    for p in parts:
        out += b"--" + boundary + b"\r\n" + p + b"\r\n"
    return out + b"--" + boundary + b"--\r\n"


def b64(data):
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def qp(data):
    # Encoded from LF text, so that a soft line break is "=" CRLF and not
    # "=" CR CRLF (quopri keeps a CR before LF as data).
    return quopri.encodestring(data.replace(b"\r\n", b"\n")).replace(
        b"\n", b"\r\n")


def text_part(p, charset=b"utf-8", extra=b""):
    return part(b"text/plain; charset=" + charset, crlf(letter(p)),
                b"8bit", extra)


def html_part(p, cte=None):
    body = html(p).encode()
    if cte == b"base64":
        body = b64(body)
    elif cte == b"quoted-printable":
        body = qp(body)
    return part(b"text/html; charset=utf-8", crlf(body), cte)


GIF = base64.b64decode(b"R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def image_part(inline=True):
    disp = b"inline" if inline else b"attachment"
    return part(b"image/gif; name=\"dot.gif\"", b64(GIF), b"base64",
                b"Content-Disposition: " + disp + b"; filename=\"dot.gif\"\n"
                b"Content-ID: <dot@example>\n")


def pdf_part():
    return part(b"application/pdf; name=\"cv.pdf\"", b64(b"%PDF-1.4\n%%EOF\n"),
                b"base64",
                b"Content-Disposition: attachment; filename=\"cv.pdf\"\n")


# --- the shapes --------------------------------------------------------

@shape("plain", "text/plain, 8bit: the baseline")
def _(p):
    return head() + text_part(p)


@shape("html-only", "text/html only")
def _(p):
    return head() + html_part(p)


@shape("alt-slot-in-html", "multipart/alternative: plain filled in, the "
       "HTML version still has the slot")
def _(p):
    return head() + multipart(b"alternative", b"alt", [text_part(FILL),
                                                       html_part(p)])


@shape("alt-html-first", "multipart/alternative with the HTML part first "
       "(slot) and the plain part second (filled in)")
def _(p):
    return head() + multipart(b"alternative", b"alt", [html_part(p),
                                                       text_part(FILL)])


@shape("alt-html-base64", "alternative: the HTML version base64-encoded")
def _(p):
    return head() + multipart(b"alternative", b"alt", [
        text_part(FILL), html_part(p, b"base64")])


@shape("alt-html-qp", "alternative: the HTML version quoted-printable, the "
       "slot cut by a soft line break")
def _(p):
    body = html(p).encode()
    enc = quopri.encodestring(body).replace(b"\n", b"\r\n")
    if p == SLOT:
        enc = enc.replace(b"[Program Name]", b"[Prog=\r\nram Name]")
    return head() + multipart(b"alternative", b"alt", [
        text_part(FILL), part(b"text/html; charset=utf-8", enc,
                              b"quoted-printable")])


@shape("alt-html-entities", "alternative: the slot written with HTML "
       "entities (&#91;Program Name&#93;) and a tag inside")
def _(p):
    body = html(p)
    if p == SLOT:
        body = body.replace("[Program Name]", "&#91;Program <b>Name</b>&#93;")
    return head() + multipart(b"alternative", b"alt", [
        text_part(FILL), part(b"text/html; charset=utf-8", crlf(body))])


@shape("alt-related-html", "alternative: plain, then multipart/related "
       "(HTML with the slot + inline image)")
def _(p):
    rel = multipart(b"related", b"rel", [html_part(p), image_part()])
    return head() + multipart(b"alternative", b"alt", [text_part(FILL), rel])


@shape("mixed-alt-pdf", "multipart/mixed: alternative (slot in HTML) and a "
       "PDF attachment")
def _(p):
    alt = multipart(b"alternative", b"alt", [text_part(FILL), html_part(p)])
    return head() + multipart(b"mixed", b"mix", [alt, pdf_part()])


@shape("apple-text-image-text", "Apple Mail: text, inline image, text; the "
       "slot in the second text part")
def _(p):
    first = part(b"text/plain; charset=utf-8", crlf(
        GREETING + "\n\n" + PARA1.format(p=FILL) + "\n"), b"7bit")
    second = part(b"text/plain; charset=utf-8", crlf(
        "\nI also met the residents of " + p + " at lunch.\n\n" + CLOSE +
        "\n"), b"7bit")
    return head() + multipart(b"mixed", b"apple", [first, image_part(),
                                                   second])


@shape("mixed-second-inline-text", "mixed: two inline text parts, the slot "
       "in the second (Content-Disposition: inline)")
def _(p):
    first = part(b"text/plain; charset=utf-8", crlf(
        GREETING + "\n\n" + PARA2 + "\n"), b"7bit",
        b"Content-Disposition: inline\n")
    second = part(b"text/plain; charset=utf-8", crlf(
        PARA1.format(p=p) + "\n\n" + CLOSE + "\n"), b"7bit",
        b"Content-Disposition: inline\n")
    return head() + multipart(b"mixed", b"mix", [first, second])


@shape("mixed-inline-named-text", "mixed: the slot in an inline text part "
       "that has a file name (Content-Disposition: inline; filename=)")
def _(p):
    first = part(b"text/plain; charset=utf-8", crlf(GREETING + "\n"), b"7bit")
    second = part(b"text/plain; charset=utf-8; name=\"letter.txt\"", crlf(
        PARA1.format(p=p) + "\n\n" + CLOSE + "\n"), b"7bit",
        b"Content-Disposition: inline; filename=\"letter.txt\"\n")
    return head() + multipart(b"mixed", b"mix", [first, second])


@shape("alt-three-alternatives", "alternative: plain, text/enriched, HTML; "
       "the slot only in the HTML")
def _(p):
    enr = part(b"text/enriched; charset=utf-8", crlf(
        "<bold>" + GREETING + "</bold>\n\n" + PARA1.format(p=FILL) + "\n"))
    return head() + multipart(b"alternative", b"alt", [text_part(FILL), enr,
                                                       html_part(p)])


@shape("text-enriched", "text/enriched only")
def _(p):
    body = ("<bold>" + GREETING + "</bold>\n\n\n" + PARA1.format(p=p) +
            "\n\n" + "<italic>" + PARA2 + "</italic>\n\n" + CLOSE + "\n")
    return head() + part(b"text/enriched; charset=us-ascii", crlf(body))


@shape("text-richtext", "text/richtext only")
def _(p):
    body = ("<bold>" + GREETING + "</bold><nl><nl>" + PARA1.format(p=p) +
            "<nl><nl>" + CLOSE.replace("\n", "<nl>") + "\n")
    return head() + part(b"text/richtext; charset=us-ascii", crlf(body))


@shape("base64-plain", "text/plain, base64")
def _(p):
    return head() + part(b"text/plain; charset=utf-8",
                         b64(crlf(letter(p))), b"base64")


@shape("qp-plain-soft-break", "text/plain, quoted-printable, the slot cut "
       "by a soft line break")
def _(p):
    enc = qp(crlf(letter(p)))
    if p == SLOT:
        enc = enc.replace(b"[Program Name]", b"[Program =\r\nName]")
    return head() + part(b"text/plain; charset=utf-8", enc,
                         b"quoted-printable")


@shape("qp-line-1.2mb", "text/plain, quoted-printable: the slot, then one "
       "encoded line of 1.2 MB", rule="placeholder|unreadable", clean=False)
def _(p):
    body = qp(crlf(GREETING + "\n\n" + PARA1.format(p=p) + "\n\n"))
    body += b"=E2=80=94" * (1200000 // 9) + b"\r\n"
    return head() + part(b"text/plain; charset=utf-8", body,
                         b"quoted-printable")


@shape("qp-line-1.2mb-slot-last", "quoted-printable: one 1.2 MB line with "
       "the slot at its end (beyond what is read)", rule="unreadable",
       clean=False)
def _(p):
    body = b"x" * 1200000 + qp(p.encode()).rstrip() + b"\r\n"
    return head() + part(b"text/plain; charset=utf-8", body,
                         b"quoted-printable")


@shape("text-300kb", "text/plain: 300 KB of text, the slot at the end",
       rule="unreadable", clean=False)
def _(p):
    filler = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. "
              * 5400)[:300000]
    return head() + part(b"text/plain; charset=utf-8", crlf(
        GREETING + "\n\n" + filler + "\n\n" + PARA1.format(p=p) + "\n"),
        b"8bit")


@shape("latin1", "text/plain; charset=iso-8859-1, 8bit")
def _(p):
    body = letter(p).replace("newborn screening", "newborn screening (Prof. Müller’s group)").replace("’", "'")
    return head() + part(b"text/plain; charset=iso-8859-1",
                         crlf(body.encode("iso-8859-1")), b"8bit")


@shape("windows-1252", "text/plain; charset=windows-1252 with curly quotes")
def _(p):
    body = letter(p).replace("the discussion", "the \u201cdiscussion\u201d")
    return head() + part(b"text/plain; charset=windows-1252",
                         crlf(body.encode("cp1252")), b"8bit")


@shape("utf-16-base64", "text/plain; charset=utf-16 (BOM), base64")
def _(p):
    return head() + part(b"text/plain; charset=utf-16",
                         b64(crlf(letter(p)).decode().encode("utf-16")),
                         b"base64")


@shape("utf-16le-html", "alternative: the HTML version in utf-16le, base64")
def _(p):
    h = part(b"text/html; charset=utf-16le",
             b64(crlf(html(p)).decode().encode("utf-16-le")), b"base64")
    return head() + multipart(b"alternative", b"alt", [text_part(FILL), h])


@shape("utf-7", "text/plain; charset=utf-7")
def _(p):
    return head() + part(b"text/plain; charset=utf-7",
                         crlf(letter(p).encode("utf-7")), b"7bit")


@shape("unknown-charset-8bit", "text/plain in a charset nobody knows, with "
       "8-bit bytes", rule="unreadable", clean=False)
def _(p):
    body = letter(p).replace("Sincerely", "Sinc\u00e8rement").encode("latin-1")
    return head() + part(b"text/plain; charset=x-mystery-8", crlf(body),
                         b"8bit")


@shape("unknown-charset-ascii", "text/plain in an unknown charset, but "
       "only ASCII bytes (read as it is)")
def _(p):
    return head() + part(b"text/plain; charset=x-mystery-7",
                         crlf(letter(p)), b"7bit")


@shape("x-uuencode", "text/plain, Content-Transfer-Encoding: x-uuencode")
def _(p):
    import binascii
    data = crlf(letter(p))
    lines = [b"begin 644 letter.txt"]
    for i in range(0, len(data), 45):
        lines.append(binascii.b2a_uu(data[i:i + 45]).rstrip(b"\n"))
    lines += [b"`", b"end", b""]
    return head() + part(b"text/plain; charset=utf-8",
                         b"\r\n".join(lines), b"x-uuencode")


@shape("unknown-cte", "text/plain, Content-Transfer-Encoding: x-rot13",
       rule="unreadable", clean=False)
def _(p):
    return head() + part(b"text/plain; charset=utf-8", crlf(letter(p)),
                         b"x-rot13")


@shape("unknown-cte-in-html", "alternative: the HTML version has an "
       "unknown transfer encoding", rule="unreadable", clean=False)
def _(p):
    return head() + multipart(b"alternative", b"alt", [
        text_part(FILL), html_part(p).replace(
            b"Content-Type: text/html; charset=utf-8\r\n",
            b"Content-Type: text/html; charset=utf-8\r\n"
            b"Content-Transfer-Encoding: x-gzip64\r\n")])


@shape("multipart-no-boundary", "multipart/mixed without a boundary "
       "parameter", rule="unreadable", clean=False)
def _(p):
    return (head() + b"Content-Type: multipart/mixed\r\n\r\n--x\r\n" +
            text_part(p) + b"\r\n--x--\r\n")


@shape("boundary-never-occurs", "multipart/alternative whose boundary never "
       "occurs in the body", rule="unreadable", clean=False)
def _(p):
    return (head() + b"Content-Type: multipart/alternative; boundary=\"zzz\""
            b"\r\n\r\n--yyy\r\n" + text_part(p) + b"\r\n--yyy--\r\n")


@shape("garbage-content-type", "top-level Content-Type: ;;garbage (read "
       "as text/plain, as RFC 2045 says)")
def _(p):
    return head(b"Content-Type: ;;\x01garbage///\n") + b"\r\n" + crlf(
        letter(p))


@shape("content-type-no-subtype", "top-level Content-Type: text (no "
       "subtype)")
def _(p):
    return head(b"Content-Type: text\n") + b"\r\n" + crlf(letter(p))


@shape("no-content-type", "no Content-Type at all (text/plain by default)")
def _(p):
    return head() + b"\r\n" + crlf(letter(p))


@shape("uppercase-types", "TEXT/HTML and a BASE64 encoding in upper case")
def _(p):
    return head() + part(b"TEXT/HTML; CHARSET=UTF-8", b64(html(p).encode()),
                         b"BASE64")


@shape("bare-cr", "every line ends with a bare CR (old Mac)")
def _(p):
    return (head() + text_part(p)).replace(b"\r\n", b"\r")


@shape("bare-cr-body", "CRLF headers, bare CR line ends in the body")
def _(p):
    msg = head() + text_part(p)
    h, _, b = msg.partition(b"\r\n\r\n")
    return h + b"\r\n\r\n" + b.replace(b"\r\n", b"\r")


@shape("bare-lf", "LF line ends throughout")
def _(p):
    return (head() + text_part(p)).replace(b"\r\n", b"\n")


@shape("nested-30", "the text part 30 multiparts deep (read)")
def _(p):
    body = text_part(p)
    for i in range(30):
        body = multipart(b"mixed", b"n%d" % i, [body])
    return head() + body


@shape("nested-65", "the text part 65 multiparts deep (deeper than matchguard "
       "walks)", rule="unreadable", clean=False)
def _(p):
    body = text_part(p)
    for i in range(65):
        body = multipart(b"mixed", b"n%d" % i, [body])
    return head() + body


@shape("nested-1000", "the text part 1000 multiparts deep",
       rule="unreadable", clean=False)
def _(p):
    body = text_part(p)
    for i in range(1000):
        body = multipart(b"mixed", b"n%d" % i, [body])
    return head() + body


@shape("parts-1100", "1100 parts, the slot in the last text part",
       rule="unreadable", clean=False)
def _(p):
    parts = [part(b"text/plain; charset=utf-8", crlf(GREETING + "\n"))]
    parts += [image_part() for _ in range(1098)]
    parts.append(part(b"text/plain; charset=utf-8",
                      crlf(PARA1.format(p=p) + "\n")))
    return head() + multipart(b"mixed", b"many", parts)


@shape("forwarded-inline", "message/rfc822 forwarded inline (no file name): "
       "the slot in the forwarded letter")
def _(p):
    inner = (crlf(b"From: Priya Raman <priya.raman@example.com>\n"
                  b"To: Anita Desai <anita.desai@example.org>\n"
                  b"Subject: My letter\n"
                  b"Date: Tue, 10 Nov 2026 20:00:00 -0500\n"
                  b"MIME-Version: 1.0\n") + text_part(p))
    first = part(b"text/plain; charset=utf-8", crlf(
        GREETING + "\n\n" + PARA2 + "\n\nThe letter I mentioned is "
        "below.\n\n" + CLOSE + "\n"), b"7bit")
    fwd = part(b"message/rfc822", inner, None,
               b"Content-Disposition: inline\n")
    return head() + multipart(b"mixed", b"fwd", [first, fwd])


@shape("signed-pgp", "multipart/signed (PGP): the text inside is read")
def _(p):
    sig = part(b"application/pgp-signature; name=\"signature.asc\"",
               crlf(b"-----BEGIN PGP SIGNATURE-----\n\niQEz\n"
                    b"-----END PGP SIGNATURE-----\n"), None,
               b"Content-Disposition: attachment; filename=\"signature.asc\"\n")
    return head() + (b"Content-Type: multipart/signed; micalg=pgp-sha256; "
                     b"protocol=\"application/pgp-signature\"; boundary=\"sig\""
                     b"\r\n\r\n--sig\r\n" + text_part(p) + b"\r\n--sig\r\n" +
                     sig + b"\r\n--sig--\r\n")


@shape("encrypted-pgp", "multipart/encrypted (PGP): nothing can be read",
       rule="unreadable", clean=False)
def _(p):
    ver = part(b"application/pgp-encrypted", b"Version: 1\r\n")
    data = part(b"application/octet-stream; name=\"encrypted.asc\"",
                crlf(b"-----BEGIN PGP MESSAGE-----\n\nhQEMA\n"
                     b"-----END PGP MESSAGE-----\n"))
    return head() + (b"Content-Type: multipart/encrypted; protocol="
                     b"\"application/pgp-encrypted\"; boundary=\"enc\"\r\n\r\n"
                     b"--enc\r\n" + ver + b"\r\n--enc\r\n" + data +
                     b"\r\n--enc--\r\n")


@shape("smime-enveloped", "application/pkcs7-mime (S/MIME encrypted)",
       rule="unreadable", clean=False)
def _(p):
    return head() + part(b"application/pkcs7-mime; smime-type=enveloped-data;"
                         b" name=\"smime.p7m\"", b64(b"\x30\x80" * 40),
                         b"base64",
                         b"Content-Disposition: attachment; "
                         b"filename=\"smime.p7m\"\n")


@shape("duplicate-content-type", "two Content-Type fields: text/plain, then "
       "text/html")
def _(p):
    return head(b"Content-Type: text/plain; charset=utf-8\n"
                b"Content-Type: text/html; charset=utf-8\n") + b"\r\n" + crlf(
        html(p))


@shape("multipart-cte-base64", "a multipart that claims base64 "
       "(ignored by readers), the slot in its HTML part")
def _(p):
    inner = multipart(b"alternative", b"alt", [text_part(FILL), html_part(p)])
    return head(b"Content-Transfer-Encoding: base64\n") + inner


@shape("rfc2231-boundary", "the boundary given in RFC 2231 form "
       "(boundary*=)")
def _(p):
    body = multipart(b"alternative", b"r2231", [text_part(FILL),
                                                html_part(p)])
    return head() + body.replace(b"boundary=\"r2231\"",
                                 b"boundary*=us-ascii''r2231", 1)


@shape("folded-boundary", "the boundary parameter on a folded header line")
def _(p):
    body = multipart(b"alternative", b"fold", [text_part(FILL), html_part(p)])
    return head() + body.replace(b"; boundary=", b";\r\n\tboundary=", 1)


@shape("html-comment-split", "HTML: the slot cut by a comment and a <br>")
def _(p):
    body = html(p)
    if p == SLOT:
        body = body.replace("[Program Name]", "[Program<!-- x --> <br>Name]")
    return head() + part(b"text/html; charset=utf-8", crlf(body))


@shape("alt-empty-plain", "alternative: an empty plain part, the slot in "
       "the HTML")
def _(p):
    return head() + multipart(b"alternative", b"alt", [
        part(b"text/plain; charset=utf-8", b"\r\n"), html_part(p)])


@shape("invalid-utf8", "text/plain declared utf-8 with invalid bytes")
def _(p):
    return head() + part(b"text/plain; charset=utf-8",
                         crlf(letter(p).encode().replace(b"Sincerely",
                                                         b"Sinc\xe8rely")),
                         b"8bit")


@shape("preamble-only-slot-in-part", "mixed with a preamble, the slot in "
       "the part after it")
def _(p):
    return head() + multipart(b"mixed", b"pre", [text_part(p)],
                              b"This is a multi-part message in MIME "
                              b"format.\r\n")


@shape("format-flowed", "text/plain; format=flowed, the slot across a "
       "flowed line break")
def _(p):
    body = crlf(letter(p))
    if p == SLOT:
        body = body.replace(b"[Program Name]", b"[Program \r\nName]")
    return head() + part(b"text/plain; charset=utf-8; format=flowed", body,
                         b"7bit")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "manifest.tsv"), "w", encoding="utf-8") as m:
        for name, what, rule, clean, f in SHAPES:
            with open(os.path.join(out, name + ".eml"), "wb") as o:
                o.write(f(SLOT))
            if clean:
                with open(os.path.join(out, name + ".clean.eml"), "wb") as o:
                    o.write(f(FILL))
            m.write("%s\t%s\t%s\t%s\n" % (name, what, rule,
                                          "pass" if clean else "-"))
    print("%d shapes in %s" % (len(SHAPES), out))


if __name__ == "__main__":
    main()
