#!/usr/bin/env perl
# Cross-linking (links.c, glossary.c): the fixture projects under
# tests/cases/links/*/ are checked with `policyc check DIR --today
# 2026-11-23`, and their link, glossary and graph diagnostics (text format)
# must equal DIR/expected.lint; then the XML of some of them is read for
# resolved links, auto-linked terms (first/all/none) and the graph, and is
# validated against the schema; hostile URLs (unsafe/) never become live
# links, term links never nest (nested/), images outside the project,
# through symlinks, folders and a FIFO are refused (images/, checked from
# a copy in which the test makes the FIFO); last, the bundled sample content/ must
# have no broken reference, every placeholder naming a term must resolve
# and every document must have a related or referencing document.
# Regenerate an expected file with:  REGEN=1 prove tests/links.t
use strict;
use warnings;
use File::Temp qw(tempdir);
use FindBin;

my $P = $ENV{POLICYC} or die "set POLICYC to the policyc binary\n";
my @wrap = $ENV{POLICYC_WRAP} ? split(' ', $ENV{POLICYC_WRAP}) : ();
my $root = "$FindBin::Bin/..";
my $cases = "$root/tests/cases/links";
my $today = '2026-11-23';
my $rules = qr/\[(link-broken|link-unsafe|link-placeholder|term-unknown|term-duplicate|term-unused|related-unknown|superseded-link|yaml-syntax|meta-invalid)\]$/;
my $tmp = tempdir(CLEANUP => 1);

my $n = 0;
my @plan;
sub ok($$;@) {
	my ($cond, $what, @diag) = @_;
	$n++;
	print(($cond ? "ok" : "not ok"), " $n - $what\n");
	unless ($cond) { print STDERR "# $_\n" for map { split /\n/ } @diag; }
	return $cond;
}

sub run {
	my @cmd = (@wrap, $P, @_);
	open(my $fh, '-|', @cmd) or die "cannot run $P: $!";
	local $/;
	my $out = <$fh> // '';
	close $fh;
	return ($out, $? >> 8);
}

sub slurp {
	my ($f) = @_;
	open(my $fh, '<', $f) or return undef;
	local $/;
	my $s = <$fh>;
	close $fh;
	return $s;
}

sub build {
	my ($dir, $name) = @_;
	my $out = "$tmp/$name";
	my @cmd = (@wrap, $P, 'build', $dir, '-o', $out, '--outputs', 'xml',
	    '--today', $today);
	system("@cmd >/dev/null 2>&1");
	return "$out/xml";
}

# ---- 1. diagnostics of each fixture project ----
opendir(my $dh, $cases) or die "$cases: $!";
my @dirs = sort grep { -f "$cases/$_/policyc.yaml" } readdir $dh;
closedir $dh;
# A case with a "fifos" file lists FIFOs to make (never kept in git): it
# is checked from a copy of every case (so relative symlinks that leave
# the case still land where they did) with them made.
my $copied;
sub case_dir {
	my ($c) = @_;
	return "$cases/$c" unless -f "$cases/$c/fifos";
	unless ($copied) {
		$copied = "$tmp/cases-links";
		system('cp', '-a', $cases, $copied) == 0 or die "cp: $!";
	}
	my $d = "$copied/$c";
	for my $f (split /\n/, slurp("$cases/$c/fifos")) {
		next unless $f =~ /\S/ && !-p "$d/$f";
		system('mkfifo', "$d/$f") == 0 or die "mkfifo $f: $!";
	}
	return $d;
}

for my $c (@dirs) {
	my ($out) = run('check', case_dir($c), '--today', $today);
	my $got = join('', map { "$_\n" } grep { $_ =~ $rules } split /\n/, $out);
	if ($ENV{REGEN}) {
		open(my $fh, '>', "$cases/$c/expected.lint") or die;
		print $fh $out;   # the whole output: tests/cases.t compares it all
		close $fh;
	}
	my $want = join('', map { "$_\n" } grep { $_ =~ $rules }
	    split /\n/, slurp("$cases/$c/expected.lint") // '');
	ok($got eq $want, "links/$c: diagnostics match expected.lint",
	    "got:\n$got", "want:\n$want");
}

# ---- 2. the XML carries what the link pass found ----
sub tags { my ($x, $t) = @_; return [$x =~ /<\Q$t\E\b[^>]*>/g]; }
sub has_tag {
	my ($x, $t, %attr) = @_;
	TAG: for my $tag (@{ tags($x, $t) }) {
		for my $k (keys %attr) {
			next TAG unless $tag =~ /\s\Q$k\E="\Q$attr{$k}\E"/;
		}
		return 1;
	}
	return 0;
}

{
	my $x = build("$cases/paths", 'paths');
	my $alpha = slurp("$x/a/alpha.xml") // '';
	ok(has_tag($alpha, 'link', kind => 'doc', ref => 'b/beta', anchor => 'scope',
	    href => '../b/beta.md#scope'), 'paths: relative .md#anchor resolves to id and anchor');
	ok(has_tag($alpha, 'link', kind => 'doc', ref => 'a', href => '../a/') &&
	    has_tag($alpha, 'link', kind => 'doc', ref => 'a', href => 'index.md'),
	    'paths: folder links resolve to the folder\'s index.md');
	ok(has_tag($alpha, 'link', kind => 'anchor', anchor => 'repeat-1') &&
	    has_tag($alpha, 'link', kind => 'anchor', anchor => 'who-what-when') &&
	    has_tag($alpha, 'link', kind => 'anchor', anchor => 'roles--responsibilities'),
	    'paths: in-document anchors with punctuation and repeats');
	ok(has_tag($alpha, 'link', kind => 'asset', href => 'form.pdf') &&
	    has_tag($alpha, 'link', kind => 'asset', href => '../../assets/doc.pdf'),
	    'paths: links to existing files are assets');
	ok(has_tag($alpha, 'link', kind => 'external', href => 'mailto:a@b.example') &&
	    has_tag($alpha, 'link', kind => 'external', href => 'https://example.org/a.md'),
	    'paths: external links are left alone');
	ok(has_tag($alpha, 'link', kind => 'broken', href => 'gone.md'),
	    'paths: a broken link is marked broken');
	my $corpus = slurp("$x/corpus.xml") // '';
	ok(has_tag($corpus, 'edge', from => 'a/alpha', to => 'b/beta', kind => 'link') &&
	    has_tag($corpus, 'edge', from => 'top', to => 'a', kind => 'link'),
	    'paths: body links are graph edges');
	my $a = slurp("$x/a.xml") // '';
	ok($a =~ m{<referenced-by>.*ref="a/alpha".*</referenced-by>}s,
	    'paths: the folder index lists who references it');
	schema_ok($x, 'paths');
}

{
	my $x = build("$cases/wiki", 'wiki');
	my $m = slurp("$x/main.xml") // '';
	ok($m =~ m{<link[^>]*ref="staff/whistleblowing"[^>]*>the whistleblowing policy</link>},
	    'wiki: [[id|text]] keeps its text');
	ok($m =~ m{<link[^>]*ref="staff/whistleblowing"[^>]*>Whistleblowing Policy</link>},
	    'wiki: [[id]] shows the target\'s title');
	ok(has_tag($m, 'link', kind => 'doc', ref => 'staff/safer-recruitment', anchor => 'references'),
	    'wiki: [[id#anchor]]');
	ok($m =~ m{<link[^>]*ref="staff/whistleblowing"[^>]*>in a table</link>},
	    'wiki: [[id\|text]] inside a table');
	ok($m !~ /in code<\/link>/ && $m =~ /\[\[in code\]\]/, 'wiki: [[...]] in code is left alone');
	schema_ok($x, 'wiki');
}

{
	my $x = build("$cases/graph", 'graph');
	my $c = slurp("$x/corpus.xml") // '';
	ok(has_tag($c, 'edge', from => 'p/a', to => 'p/c', kind => 'related', note => 'Why it matters'),
	    'graph: related {id, note} edge');
	ok(has_tag($c, 'edge', from => 'p/b', to => 'p/c', kind => 'superseded-by'),
	    'graph: superseded-by edge');
	ok(has_tag($c, 'edge', from => 'p/a', to => 'p/b', kind => 'link'),
	    'graph: body link edge');
	my $a = slurp("$x/p/a.xml") // '';
	ok(has_tag($a, 'external', href => 'https://www.gov.uk/guidance') &&
	    has_tag($a, 'external', href => 'https://example.org/x', title => 'Example guidance'),
	    'graph: related URLs are external entries');
	my $cc = slurp("$x/p/c.xml") // '';
	ok($cc =~ m{<related>.*ref="p/a".*</related>}s, 'graph: related is shown both ways');
	schema_ok($x, 'graph');
}

sub term_tags {
	my ($x) = @_;
	my ($body) = $x =~ m{<body>(.*)</body>}s;
	return [$body ? ($body =~ m{<term\b[^>]*>[^<]*</term>}g) : ()];
}

{
	my $x = build("$cases/modes-all", 'all');
	my $m = slurp("$x/mode.xml") // '';
	my @t = @{ term_tags($m) };
	my @auto = grep { /auto="true"/ } @t;
	ok(@auto == 10, 'all: 10 automatic term links in the body', "got " . scalar(@auto) . ": @auto");
	ok((grep { />Section 47 enquiry</ } @auto) == 1 && (grep { />Section 47</ } @auto) == 1,
	    'all: longest match, across a soft line break');
	ok(!(grep { />(Dbs|neglected|LADOs|XLADO)</ } @t), 'all: case and whole-word rules');
	ok($m =~ m{<footnotes>.*<term[^>]*auto="true"[^>]*>neglect</term>.*</footnotes>}s,
	    'all: terms are linked in footnotes');
	ok($m !~ m{<heading[^>]*>[^<]*<term}s && $m !~ m{<link[^>]*>[^<]*<term}s &&
	    $m !~ m{<image[^>]*>[^<]*<term}s, 'all: never in headings, links or image alt');
	my $none = slurp(build("$cases/modes-none", 'none') . "/mode.xml") // '';
	ok(!(grep { /auto="true"/ } @{ term_tags($none) }) &&
	    $none =~ m{<term ref="local-authority-designated-officer"[^>]*count="5"},
	    'none: no automatic links, but uses are still counted');
	my $g = slurp(build("$cases/glossary", 'first') . "/uses.xml") // '';
	my @ga = grep { /auto="true"/ } @{ term_tags($g) };
	ok(@ga == 1 && $ga[0] =~ />neglect</, 'first: a term linked explicitly is not linked again',
	    "@ga");
	schema_ok($x, 'modes-all');
}

# ---- 2b. hostile URLs, nested term links, images ----
# The links of a body as a tree: [kind, attributes, children].
sub inline_tree {
	my ($x) = @_;
	my @stack = ([]);
	while ($x =~ m{<(/?)(link|term|image)\b([^>]*?)(/?)>}g) {
		my ($close, $name, $attrs, $empty) = ($1, $2, $3, $4);
		if ($close) { pop @stack if @stack > 1; next; }
		my $node = [$name, $attrs, []];
		push @{ $stack[-1] }, $node;
		push @stack, $node->[2] unless $empty;
	}
	return $stack[0];
}
sub nested_links {
	my ($nodes, $inside) = @_;
	my $bad = 0;
	for my $n (@$nodes) {
		my $live = $n->[0] eq 'term' || $n->[0] eq 'link';
		$bad++ if $live && $inside;
		$bad += nested_links($n->[2], $inside || $live);
	}
	return $bad;
}
# a live href is http(s), mailto, tel, a fragment or a plain path
my $hostile = qr{^(?!https?://|mailto:|tel:|#|[\w./-]+(?:[?#].*)?$)}i;
{
	my $x = build(case_dir('unsafe'), 'unsafe');
	my $l = slurp("$x/links.xml") // '';
	my @live = grep { /\skind="(?:external|doc|anchor|asset)"/ } @{ tags($l, 'link') };
	my @bad = grep { my ($h) = /\shref="([^"]*)"/; defined $h && $h =~ $hostile } @live;
	ok(@live >= 4 && !@bad, 'unsafe: no refused URL is a live link', @bad);
	my @ext = map { /\shref="([^"]*)"/ ? $1 : () } @{ tags($l, 'external') };
	ok(@ext == 1 && $ext[0] eq 'https://www.gov.uk/guidance',
	    'unsafe: refused related: URLs are not published', "@ext");
	my $c = slurp("$x/corpus.xml") // '';
	my @src = grep { /script/i } @{ tags($c, 'source') };
	ok(!@src, 'unsafe: refused glossary source: URLs are not published', @src);
	# MERGE: with branch xml, refused links are kind="unsafe" without href
	# and refused images kind="unsafe" without src; assert it then.
}
{
	my $x = build(case_dir('nested'), 'nested');
	my $m = slurp("$x/nest.xml") // '';
	my ($body) = $m =~ m{<body>(.*)</body>}s;
	my $tree = inline_tree($body // '');
	ok(@$tree > 0 && nested_links($tree, 0) == 0,
	    'nested: no term link or link inside a link');
	my @auto = grep { /auto="true"/ } @{ tags($m, 'term') };
	ok(@auto == 0, 'nested: the terms placeholders linked first are not linked again',
	    "@auto");
	ok($m =~ m{<term[^>]*>LADO</term>} && $m =~ m{<term[^>]*>neglect</term>},
	    'nested: placeholders still become term links');
}

sub schema_ok {
	my ($x, $name) = @_;
	my $rng = "$root/templates/xml/policy.rng";
	if (system('command -v xmllint >/dev/null 2>&1') != 0) {
		$n++;
		print "ok $n # skip xmllint not installed\n";
		return;
	}
	my @f = split /\n/, `find '$x' -name '*.xml' | sort`;
	my @bad = grep { system("xmllint --noout --relaxng '$rng' '$_' >/dev/null 2>&1") != 0 } @f;
	ok(@f && !@bad, "$name: XML is valid against policy.rng", map { "invalid: $_" } @bad);
}

# ---- 3. the bundled sample ----
{
	my $content = "$root/content";
	my ($out) = run('check', $content, '--today', $today);
	my @lines = split /\n/, $out;
	for my $rule (qw(related-unknown link-broken term-unknown)) {
		my @hit = grep { /\[$rule\]$/ } @lines;
		ok(!@hit, "content: no $rule", @hit);
	}
	# every placeholder whose text names a term, alias or abbreviation
	# resolved (a placeholder left is no glossary name)
	my %names;
	my $gl = slurp("$content/glossary.yaml") // '';
	for my $l (split /\n/, $gl) {
		if ($l =~ /^\s*-?\s*(?:term|abbr):\s*"?([^"#]+?)"?\s*$/) { $names{lc $1} = 1; }
		if ($l =~ /^\s*aliases:\s*\[(.*)\]/) { $names{lc $_} = 1 for map { s/^\s*"?|"?\s*$//gr } split /,/, $1; }
		if ($l =~ /^\s+-\s+"?([^":]+?)"?\s*$/) { $names{lc $1} = 1; }
	}
	my @ph = grep { /\[link-placeholder\]$/ } @lines;
	my @unresolved = grep { /placeholder link "(.*)" \(#\)/ && $names{lc $1} } @ph;
	ok($gl ne '' && !@unresolved, 'content: every placeholder naming a term resolves',
	    $gl eq '' ? 'content/glossary.yaml is missing' : @unresolved);
	# every document has a related or referencing document
	my $x = build($content, 'content');
	my $c = slurp("$x/corpus.xml") // '';
	my %linked;
	for my $e (@{ tags($c, 'edge') }) {
		my ($f) = $e =~ /\sfrom="([^"]*)"/;
		my ($t) = $e =~ /\sto="([^"]*)"/;
		$linked{$f} = $linked{$t} = 1 if defined $f && defined $t;
	}
	my @ids;
	for my $d (@{ tags($c, 'doc') }) {
		push @ids, $1 if $d =~ /\sid="([^"]*)"/;
	}
	my @alone = grep { !$linked{$_} } @ids;
	ok(@ids && !@alone, 'content: every document has a related or referencing document',
	    @ids ? map { "alone: $_" } @alone : 'no documents in corpus.xml');
}

print "1..$n\n";
