#!/usr/bin/env perl
# The one runner for the case projects under tests/cases/<area>/<case>/.
# A case is a folder holding a project (policyc.yaml, policies/, ...) and
# expected.lint: the text output of `policyc check CASE --today 2026-11-23`
# exactly as printed (paths relative to the case, summary line included).
# A case may also hold:
#   args           extra command-line arguments, one line, split on blanks,
#                  given to both check and build;
#   expected/xml/  the XML a build publishes (each file as `xmllint
#                  --format` prints it; the set of files must match too);
#   expected/html/ pages of the site to compare byte for byte (only the
#                  files present are compared: the site has many more);
#   fifos          paths (one a line, relative to the case) of FIFOs to
#                  make, which git cannot keep: such a case is run from a
#                  copy of its whole area (so relative symlinks that leave
#                  the case land where they did) with the FIFOs made.
# Every run has a time limit (TIMEOUT seconds, default 300): a build that
# blocks on a FIFO or loops fails its case instead of hanging the suite.
# A folder without expected.lint is not a case (a fixture some other test
# reads on its own terms).  The owning .t files (links.t, filters.t, ...)
# keep their own assertions on the XML; the diagnostics are compared here.
#
# REGEN=1 perl tests/cases.t rewrites every expected.lint, and every
# expected/xml and expected/html folder that exists (make one with mkdir
# to start keeping it); `make regen` does this.  Review the diff: it is the
# test.
use strict;
use warnings;
use File::Find;
use File::Path qw(make_path remove_tree);
use File::Temp qw(tempdir);
use FindBin;

my $P = $ENV{POLICYC} or die "set POLICYC to the policyc binary\n";
my @wrap = $ENV{POLICYC_WRAP} ? split(' ', $ENV{POLICYC_WRAP}) : ();
my $root = "$FindBin::Bin/cases";
my $today = '2026-11-23';
my $regen = $ENV{REGEN};
my $tmp = tempdir(CLEANUP => 1);
my $sanitizer = qr/ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer/;

my $n = 0;
sub ok {
	my ($cond, $what, @diag) = @_;
	$n++;
	print(($cond ? "ok" : "not ok"), " $n - $what\n");
	unless ($cond) { print STDERR "# $_\n" for map { split /\n/ } @diag; }
	return $cond;
}

sub slurp {
	my ($f) = @_;
	open(my $fh, '<:raw', $f) or return undef;
	local $/;
	my $s = <$fh>;
	close $fh;
	return $s;
}

sub spew {
	my ($f, $s) = @_;
	open(my $fh, '>:raw', $f) or die "$f: $!";
	print $fh $s;
	close $fh or die "$f: $!";
}

my @limit = system('sh', '-c', 'command -v timeout >/dev/null') == 0
    ? ('timeout', $ENV{TIMEOUT} // 300) : ();

# run(ARGS): policyc's stdout, stderr and exit status
sub run {
	my @cmd = (@limit, @wrap, $P, @_);
	my $pid = open(my $fh, '-|') // die "fork: $!";
	if (!$pid) {
		open(STDERR, '>', "$tmp/stderr") or die;
		exec(@cmd) or die "cannot run $P: $!";
	}
	local $/;
	my $out = <$fh> // '';
	close $fh;
	return ($out, slurp("$tmp/stderr") // '', $? >> 8);
}

# A first-lines diff of two texts, for the TAP comments.
sub difftext {
	my ($want, $got) = @_;
	spew("$tmp/want", $want);
	spew("$tmp/got", $got);
	my $d = `diff -u $tmp/want $tmp/got`;
	my @l = split /\n/, $d;
	return join("\n", @l[0 .. ($#l < 40 ? $#l : 40)]);
}

sub files_under {
	my ($dir) = @_;
	my @f;
	return @f unless -d $dir;
	find({ no_chdir => 1, wanted => sub {
		push @f, substr($File::Find::name, length($dir) + 1) if -f $_;
	} }, $dir);
	return sort @f;
}

sub xmlfmt {
	my ($f) = @_;
	open(my $fh, '-|', 'xmllint', '--format', $f) or return undef;
	local $/;
	my $s = <$fh>;
	close $fh;
	return $? == 0 ? $s : undef;
}

# case_dir(DIR): where to run the case DIR — itself, or for a case with a
# fifos file, its place in a copy of its area with the FIFOs made
my %copied;
sub case_dir {
	my ($dir) = @_;
	return $dir unless -f "$dir/fifos";
	my ($area, $name) = $dir =~ m{^(.*)/([^/]+)$};
	unless ($copied{$area}) {
		(my $leaf = $area) =~ s{^\Q$root\E/?}{};
		$leaf =~ s{/}{-}g;
		$copied{$area} = "$tmp/area-$leaf";
		system('cp', '-a', $area, $copied{$area}) == 0 or die "cp -a $area: $?\n";
	}
	my $d = "$copied{$area}/$name";
	for my $f (split /\n/, slurp("$dir/fifos") // '') {
		next unless $f =~ /\S/ && !-p "$d/$f";
		system('mkfifo', "$d/$f") == 0 or die "mkfifo $d/$f: $?\n";
	}
	return $d;
}

# ---- the cases: every folder with policyc.yaml and expected.lint ----
my @cases;
find({ no_chdir => 1, wanted => sub {
	return unless -d $_;
	if (-f "$_/policyc.yaml") {
		push @cases, $_ if -f "$_/expected.lint";
		$File::Find::prune = 1;   # a case's own folders are not cases
	}
} }, $root);
@cases = sort @cases;
ok(@cases > 0, "there are cases under tests/cases (" . scalar(@cases) . ")");

for my $dir (@cases) {
	(my $name = $dir) =~ s{^\Q$root\E/}{};
	my @args;
	if (defined(my $a = slurp("$dir/args"))) { @args = split ' ', $a; }

	my $run = case_dir($dir);
	my ($out, $err, $rc) = run('check', $run, '--today', $today, @args);
	if ($rc == 124 && @limit) {   # timeout's status: never an expectation
		ok(0, "$name: check finishes within $limit[1] s");
		next;
	}
	spew("$dir/expected.lint", $out) if $regen;
	my $want = slurp("$dir/expected.lint") // '';
	ok($out eq $want, "$name: check prints expected.lint", difftext($want, $out));
	ok($err !~ $sanitizer, "$name: check: no sanitizer report", $err) if $err =~ $sanitizer;

	my $x = "$dir/expected/xml";
	my $h = "$dir/expected/html";
	next unless -d $x || -d $h;
	my $site = "$tmp/site-" . ($name =~ s{/}{-}gr);
	my $outputs = join(',', (-d $x ? 'xml' : ()), (-d $h ? 'html' : ()));
	($out, $err, $rc) = run('build', $run, '-o', $site, '--today', $today,
	    '--outputs', $outputs, @args);
	ok(-d $site, "$name: build publishes ($outputs)", $out, $err) or next;
	ok($err !~ $sanitizer, "$name: build: no sanitizer report", $err) if $err =~ $sanitizer;
	if (-d $x) {
		my @got = grep { /\.xml$/ } files_under("$site/xml");
		if ($regen) {
			remove_tree($x);
			for my $f (@got) {
				(my $d = "$x/$f") =~ s{/[^/]*$}{};
				make_path($d);
				spew("$x/$f", xmlfmt("$site/xml/$f") // '');
			}
		}
		my @want = files_under($x);
		ok("@got" eq "@want", "$name: the build publishes the expected XML files",
		    "got:  @got", "want: @want");
		for my $f (@want) {
			my $g = -f "$site/xml/$f" ? xmlfmt("$site/xml/$f") // "(not well formed)\n" : "(missing)\n";
			my $w = slurp("$x/$f") // '';
			ok($g eq $w, "$name: xml/$f matches", difftext($w, $g));
		}
	}
	if (-d $h) {
		for my $f (files_under($h)) {
			spew("$h/$f", slurp("$site/html/$f") // '') if $regen;
			my $g = slurp("$site/html/$f") // "(missing)\n";
			my $w = slurp("$h/$f") // '';
			ok($g eq $w, "$name: html/$f matches", difftext($w, $g));
		}
	}
}
print "1..$n\n";
print STDERR "regenerated the expectations of ", scalar(@cases), " cases\n" if $regen;
