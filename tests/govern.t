#!/bin/sh
# Document governance (issue 13, items 3-6): controlled copies in every
# PDF page (text, hash and URL by pdftotext, the QR code by zbarimg),
# review.ics (RFC 5545, checked strictly here and parsed by python3's
# icalendar when Debian's package is there) and review.csv (RFC 4180,
# read back), and the JSON diagnostics' owner and page URL.  The golden
# diagnostics and XML of contacts and citations are tests/cases/govern/.
. "$(dirname "$0")/lib.sh"
plan 17

P=$TMP/gov
make_project "$P" "title: Governance test
base-url: https://policies.example.org/site/
print-validity: 72h
organisation:
  name: Test Org
packs:
  - id: the-pack
    title: The Pack
    include: { types: [policy] }"
{
	printf -- '---\ntitle: Long Policy\ntype: policy\nowner: Head of Care\nversion: "4.2"\nreview: 2026-10-01\n---\n\n'
	i=1
	while [ $i -le 120 ]; do
		printf 'Paragraph %d of a long policy, long enough to need several pages of A4 when it is laid out with the body font and its line spacing.\n\n' $i
		i=$((i + 1))
	done
} > "$P/policies/long.md"
printf -- '---\ntitle: "Short, one; page"\ntype: policy\nowner: "=Head, of Care"\nreview: 2027-03-01\n---\n\nShort.\n' > "$P/policies/short.md"
printf -- '---\ntitle: Draft\nowner: Nobody\nreview: 2020-01-01\nstatus: draft\n---\n\nDraft.\n' > "$P/policies/draft.md"

run_policyc build "$P" -o "$TMP/out" --today 2026-11-23
is "$rc" 0 "the build publishes"
pdf=$TMP/out/pdf/long.pdf
pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
hash=$(sha256sum "$P/policies/long.md" | cut -c1-12)
url=https://policies.example.org/site/long.html
bad=0
p=1
while [ "$p" -le "$pages" ]; do
	t=$(pdftotext -f $p -l $p "$pdf" - | tr '\n' ' ')
	case $t in
	*"Printed copies are uncontrolled. Valid until 26 November 2026."*"Built 23 November 2026"*"Version 4.2"*"$hash"*"$url"*) ;;
	*) bad=$((bad + 1)); echo "page $p: $t" | head -c 400 | diag ;;
	esac
	p=$((p + 1))
done
ok $([ "$pages" -ge 3 ] && [ "$bad" -eq 0 ] && echo 0 || echo 1) "every one of the $pages pages carries the stamp, the source's hash and the URL"
t=$(pdftotext "$TMP/out/pdf/the-pack.pdf" - | grep -c "Printed copies are uncontrolled" || true)
ok $([ "$t" -gt "$pages" ] && echo 0 || echo 1) "the pack's document pages carry it too ($t pages)"

if command -v zbarimg >/dev/null 2>&1; then
	pdftoppm -png -r 150 -f 2 -l 2 "$pdf" "$TMP/qr"
	got=$(zbarimg -q --raw "$TMP"/qr-*.png 2>/dev/null)
	is "$got" "$url" "the QR code decodes to the live URL"
else
	skip "zbarimg (zbar-tools) is not installed"
fi

x=$(xmllint --xpath 'string(/document/control/@hash)' "$TMP/out/xml/long.xml")
is "$x" "$(sha256sum "$P/policies/long.md" | cut -d' ' -f1)" "the XML carries the SHA-256 of the source"
x=$(xmllint --xpath 'string(/document/control/@url)' "$TMP/out/xml/long.xml")
is "$x" "$url" "the XML carries the live URL"

# without print-validity no stamp; the build date follows SOURCE_DATE_EPOCH
sed -i '/^print-validity/d' "$P/policyc.yaml"
SOURCE_DATE_EPOCH=1767225600 run_policyc build "$P" -o "$TMP/out2"
t=$(pdftotext "$TMP/out2/pdf/long.pdf" - | grep -c "uncontrolled" || true)
is "$t" 0 "no stamp without print-validity"
x=$(xmllint --xpath 'string(/document/control/@built)' "$TMP/out2/xml/long.xml")
is "$x" 2026-01-01 "the build date is SOURCE_DATE_EPOCH's day"

# the same input and date give the same bytes, stamp and QR code included
sed -i 's|^base-url:|print-validity: 72h\nbase-url:|' "$P/policyc.yaml"
run_policyc build "$P" -o "$TMP/out3" --today 2026-11-23
cmp -s "$TMP/out/pdf/long.pdf" "$TMP/out3/pdf/long.pdf"
ok $? "a second build gives a byte-identical stamped PDF"

# review.ics: RFC 5545 as written (CRLF, folded at 75 octets, escaped)
ics=$TMP/out/html/review.ics
bare=$(tr -d '\r' < "$ics" | wc -l)
crlf=$(grep -c "$(printf '\r')\$" "$ics" || true)
is "$crlf" "$bare" "every iCalendar line ends in CRLF"
long=$(tr -d '\r' < "$ics" | LC_ALL=C awk '{ if (length($0) > 75) n++ } END { print n + 0 }')
is "$long" 0 "no line is longer than 75 octets"
un=$(tr -d '\r' < "$ics" | awk '/^ /{next} {s=s $0 "\n"} END {print s}' | grep -c '^SUMMARY:Review due: Short\\, one\\; page$' || true)
is "$un" 1 "TEXT values are escaped (comma, semicolon)"
ev=$(grep -c '^BEGIN:VEVENT' "$ics" || true)
is "$ev" 2 "one event per document due (the draft left out)"
like "$(tr -d '\r\n' < "$ics" | sed 's/ //g')" "SUMMARY:OVERDUE:reviewofLongPolicy" "the overdue one is flagged"
if /usr/bin/python3 -c 'import icalendar' 2>/dev/null; then
	got=$(/usr/bin/python3 - "$ics" <<'PY'
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
for e in cal.walk('VEVENT'):
    assert e.get('UID') and e.get('DTSTAMP') and e.get('DTSTART'), e
    print(e['DTSTART'].dt.isoformat(), e['URL'], str(e['CONTACT']))
PY
)
	is "$got" "2026-10-01 https://policies.example.org/site/long.html Head of Care
2027-03-01 https://policies.example.org/site/short.html =Head, of Care" "python3-icalendar reads the events back"
else
	skip "python3-icalendar is not installed"
fi

# review.csv: RFC 4180, by owner, read back by a CSV parser
got=$(perl -e '
	local $/; open my $f, "<", $ARGV[0] or die; my $s = <$f>;
	my @rows; my @f; my $v = ""; my $q = 0;
	while ($s =~ /\G(?:"((?:[^"]|"")*)"|([^,"\r\n]*))(,|\r\n)/gc) {
		my $x = defined $1 ? $1 : $2; $x =~ s/""/"/g; push @f, $x;
		if ($3 eq "\r\n") { push @rows, join("|", @f); @f = (); }
	}
	print join("\n", @rows), "\n", (pos($s) // 0) == length($s) ? "whole" : "rest";
' "$TMP/out/html/review.csv")
is "$got" "owner|title|id|version|review|state|days|url
'=Head, of Care|Short, one; page|short||2027-03-01|current|98|https://policies.example.org/site/short.html
Head of Care|Long Policy|long|4.2|2026-10-01|overdue|-53|https://policies.example.org/site/long.html
whole" "review.csv reads back: quoted fields, CRLF rows, by owner, a formula made text"

# JSON diagnostics name the document's owner and page
run_policyc check "$P" --today 2026-11-23 --format json
like "$out" '"rule": "review-overdue", "file": "policies/long.md".*"owner": "Head of Care", "url": "https://policies.example.org/site/long.html"' "JSON diagnostics carry owner and page URL"
