#!/usr/bin/env perl
# A document's page made in C (compiler/htmlpage.c, the pc:page element
# of the shipped document.xsl) and its body (compiler/htmlbody.c, the
# pc:body element) are the ones the templates make: every project is
# built twice with --outputs xml,html, once as it runs by default (the
# whole page in C) and once with POLICYC_XSLT_BODY=1 (every page and
# body through the templates), and every file of the two sites must be
# the same byte for byte; the projects that must be made in C are built
# a third time with POLICYC_XSLT_PAGE=1 (the page's templates around the
# body in C, as an installation with edited templates runs).  The projects: the bundled content/, every project under
# tests/cases, tests/golden/project, each collection under
# ../shared/corpora/ (copied into a project that says only `content: .`),
# a generated corpus, and the GitHub Flavored Markdown spec's examples,
# one document each (../shared/spec: every block and inline the body can
# hold, raw HTML allowed and not).  --timings says how many bodies were
# rendered in C and how many pages were made in C: on the bundled content
# all of them, with the variable none, or the comparison would compare
# the templates with themselves.
use strict;
use warnings;
use File::Temp qw(tempdir);
use FindBin;
use lib $FindBin::Bin;
use TestProjects qw(case_and_corpus_projects slurp);

my $P = $ENV{POLICYC} or die "set POLICYC to the policyc binary\n";
my @wrap = $ENV{POLICYC_WRAP} ? split(' ', $ENV{POLICYC_WRAP}) : ();
my $root = "$FindBin::Bin/..";
my $shared = $ENV{SHARED} // "$root/../shared";
my $today = '2026-11-23';
my $tmp = tempdir(CLEANUP => 1);

my @limit = system('sh', '-c', 'command -v timeout >/dev/null') == 0
    ? ('timeout', $ENV{TIMEOUT} // 300) : ();

my $n = 0;
sub ok {
	my ($cond, $what, @diag) = @_;
	$n++;
	print(($cond ? "ok" : "not ok"), " $n - $what\n");
	unless ($cond) { print STDERR "# $_\n" for map { split /\n/ } @diag; }
	return $cond;
}


# One build of dir into out (xslt: 'body' all templates, 'page' the
# page's templates around the body in C); returns how many bodies were
# made in C of how many, and how many pages were made in C of how many.
my @extra;   # more arguments for the next builds
sub build {
	my ($dir, $out, $xslt) = @_;
	system('rm', '-rf', $out);
	my $pid = fork() // die "fork: $!";
	if (!$pid) {
		delete $ENV{POLICYC_XSLT_BODY};
		delete $ENV{POLICYC_XSLT_PAGE};
		$ENV{POLICYC_XSLT_BODY} = '1' if ($xslt // '') eq 'body';
		$ENV{POLICYC_XSLT_PAGE} = '1' if ($xslt // '') eq 'page';
		open(STDOUT, '>', "$tmp/out") or die;
		open(STDERR, '>', "$tmp/err") or die;
		exec(@limit, @wrap, $P, 'build', $dir, '-o', $out, '--today', $today,
		    '--outputs', 'xml,html', '--no-cache', '--timings', @extra)
		    or die "cannot run $P: $!";
	}
	waitpid($pid, 0);
	my $err = slurp("$tmp/err");
	my @b = $err =~ /document bodies rendered in C: (\d+) of (\d+)/ ? ($1, $2) : (-1, -1);
	my @p = $err =~ /document pages made in C: (\d+) of (\d+)/ ? ($1, $2) : (-1, -1);
	return (@b, @p);
}

sub same {
	my ($name, $dir, $must_c) = @_;
	my ($c, $of, $pc, $pof) = build($dir, "$tmp/c");
	my ($x, undef, $px) = build($dir, "$tmp/x", 'body');
	my $diff = `diff -r -x .policyc-cache '$tmp/x' '$tmp/c' 2>&1 | head -40`;
	my $pages = `find '$tmp/c' -name '*.html' 2>/dev/null | wc -l` + 0;
	if (!-d "$tmp/c" && !-d "$tmp/x") {   # a project that does not build
		ok(1, "$name: no site either way");
		return;
	}
	ok($diff eq '' && $pages > 0, "$name: the bodies made in C are the templates' ($c of $of in C, $pages pages)", $diff);
	if ($must_c) {
		ok($c == $of && $c > 0, "$name: every body was made in C", "$c of $of");
		ok($pc == $pof && $pc == $c, "$name: every page was made in C", "$pc of $pof");
		ok($x == 0 && $px == 0, "$name: POLICYC_XSLT_BODY=1 makes them all with the templates", "$x bodies, $px pages in C");
		my ($b2, $of2, $p2) = build($dir, "$tmp/b", 'page');
		my $d2 = `diff -r -x .policyc-cache '$tmp/x' '$tmp/b' 2>&1 | head -40`;
		ok($d2 eq '' && $b2 == $of2 && $p2 == 0, "$name: POLICYC_XSLT_PAGE=1: the page's templates around the body in C make the same site ($b2 bodies, $p2 pages in C)", $d2);
	}
}

same('content', "$root/content", 1);
my @projects = (['tests/golden/project', "$root/tests/golden/project"]);
push @projects, case_and_corpus_projects($root, $shared, $tmp);
same(@$_) for @projects;

# a generated corpus
my $gen = "$shared/bench/gen-corpus";
if (-f $gen) {
	system("python3 '$gen' 200 '$tmp/gen' >/dev/null") == 0 or die "gen-corpus: $?";
	same('generated, 200 documents', "$tmp/gen", 1);
}

# what the page's frame reads, at its odd corners: the site's and the
# organisation's names with markup and spaces, every footer line, a
# document three folders down that is withdrawn and superseded, with a
# numbered first heading, nested sections, tags, audience, amendments
# with and without dates, history with a date that is not one, related
# documents (a draft among them, published with --drafts), related URLs
# (upper-case scheme, script, mailto), footnotes; a superseded document
# whose successor does not exist; a draft; and the PDFs made first, so
# that each page has its "Download" line
{
	my $d = "$tmp/frame";
	system('mkdir', '-p', "$d/policies/a/b", "$d/policies/c") == 0 or die;
	my %files = (
	    'policyc.yaml' => "title: \"  Odd   <Pages> & \\\"quotes\\\" \"\norganisation:\n  name: \"Org & <Co>\"\n  address: \"1 Road, Town\"\n  phone: \"01234 567890\"\n  registration: EY123\n  charity: \"1234567\"\nbase-url: \"https://example.org/p/\"\n",
	    'glossary.yaml' => "- term: LADO\n  definition: \"Local authority designated officer & <more>\"\n",
	    'policies/a/b/deep.md' => "---\ntitle: \"  Spaced   title with <angle> & amp  \"\ntype: \"procedure \"\nowner: Lead\nversion: 3\napproved: 2020-02-29\napproved-by: Board & Co\nreview: 2024-02-29\nstatus: withdrawn\nsuperseded-by: c/new\ntags: [one, \"two & three\", \"<four>\"]\naudience: [staff]\namendments:\n  - { date: 2023-12-31, summary: \"First & <last>\" }\n  - { date: 2023-01-01, summary: Second }\n  - { summary: No date }\nhistory:\n  - { version: \"1\", date: 2019-01-01, by: \"A & B\", note: \"<first>\" }\n  - { version: \"2\", date: \"2019\", by: X, note: y }\nrelated:\n  - id: c/new\n    note: \"see <this> & that\"\n  - c/draft\n  - { url: \"HTTPS://Example.org/x?a=1&b=2\", title: \"Ext & <link>\" }\n  - { url: \"javascript:alert(1)\", title: Bad }\n  - { url: \"mailto:a\@b.c\" }\n---\n\n# 1. Numbered first\n\nText with LADO and a footnote[^n1] and another[^2].\n\n## 2. Sub & <section>\n\n### 2.1 deeper\n\n#### 2.1.1 deepest\n\n[^n1]: Note *one* with [a link](https://x.org).\n[^2]: Second note.\n\n    code in note\n",
	    'policies/c/new.md' => "---\ntitle: New\nowner: O\nreview: 2026-12-25\n---\nPlain, no headings. See [deep](../a/b/deep.md).\n",
	    'policies/c/draft.md' => "---\ntitle: Draft thing\nowner: O\nstatus: draft\nreview: 2026-11-24\n---\n## Intro\nBody.\n",
	    'policies/top.md' => "---\ntitle: Top level\nowner: O\nstatus: superseded\nsuperseded-by: nowhere/missing\nreview: 2020-01-01\n---\n## \xc3\x81 accented heading\ntext\n",
	);
	for my $f (sort keys %files) {
		open(my $h, '>', "$d/$f") or die "$d/$f: $!";
		print $h $files{$f};
		close $h;
	}
	local $ENV{SOURCE_DATE_EPOCH} = '1767225600';
	@extra = ('--drafts', '--outputs', 'xml,html,pdf');
	same('the frame at its odd corners (drafts, PDFs first)', $d, 1);
	@extra = ();
}

# <pc:page/> called by a project's stylesheet on something that is not
# a document's page: the stylesheet's error at its line, not a page
# made of nothing (nor a crash)
{
	my $d = "$tmp/misuse";
	system('cp', '-R', "$tmp/frame", $d) == 0 or die;
	system('mkdir', '-p', "$d/templates/html") == 0 or die;
	open(my $h, '>', "$d/templates/html/glossary.xsl") or die;
	print $h qq{<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:pc="urn:policyc" extension-element-prefixes="pc">\n<xsl:import href="builtin/glossary.xsl"/>\n<xsl:template match="/"><html><body><pc:page/></body></html></xsl:template>\n</xsl:stylesheet>\n};
	close $h;
	build($d, "$tmp/m", undef);
	my $err = slurp("$tmp/err");
	my $page = -f "$tmp/m/html/glossary.html" ? slurp("$tmp/m/html/glossary.html") : '';
	ok($err =~ m{^templates/html/glossary\.xsl:3:\d+: error: pc:page makes only a document's page.*\[html-template\]$}m &&
	    $page !~ /site-header/,
	    "pc:page on the glossary's input: an html-template error at the stylesheet's line, no page made", $err);
}

# the GFM spec's examples, one document each, raw HTML allowed in one
# project and not in the other
for my $raw ('false', 'true') {
	my $d = "$tmp/spec-$raw";
	mkdir $d; mkdir "$d/policies";
	open(my $y, '>', "$d/policyc.yaml") or die;
	print $y "title: GFM spec examples\nallow-html: $raw\nrules: { meta-required: off }\n";
	close $y;
	my $k = 0;
	for my $f ("$shared/spec/spec.txt", "$shared/spec/extensions.txt") {
		my $text = slurp($f);
		while ($text =~ /^`{32} example[^\n]*\n(.*?)^\.\n/msg) {
			(my $md = $1) =~ s/\x{2192}|\xe2\x86\x92/\t/g;
			$k++;
			open(my $m, '>:raw', sprintf("%s/policies/ex-%04d.md", $d, $k)) or die;
			print $m "---\ntitle: Example $k\nowner: Test\nreview: 2030-01-01\n---\n\n$md";
			close $m;
		}
	}
	if ($k > 0) {
		same("GFM spec examples ($k), raw HTML " . ($raw eq 'true' ? 'allowed' : 'escaped'), $d, $raw eq 'false');
	}
}
print "1..$n\n";
