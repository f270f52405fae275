#!/usr/bin/env perl
# check = build (issue 9): `policyc check` and `policyc build --outputs
# xml,html,pdf` print the same diagnostics, because every judgement of
# input is made before any back end runs.  Write failures are the one
# thing only a build can meet, so lines of the write rules (output-error,
# *-write) are set aside, and the summary line with them when there were
# any.  Checked on the bundled content/, every project under tests/cases,
# tests/golden/project and each collection under ../shared/corpora/ (those
# have no policyc.yaml: each is copied into a temporary project whose
# policyc.yaml says only `content: .`).  A case with a `fifos` file (see
# tests/cases.t) is run from a copy of its area with its FIFOs made.  Every
# run has a time limit (TIMEOUT seconds, default 300).
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

# Projects where check and build may disagree, with the reason (none:
# every judgement is made before any back end runs).
my %todo = ();

my @limit = system('sh', '-c', 'command -v timeout >/dev/null') == 0
    ? ('timeout', $ENV{TIMEOUT} // 300) : ();

my $n = 0;
sub ok {
	my ($cond, $what, $todo, @diag) = @_;
	$n++;
	# a TODO marks only a failure, so a fixed project shows as plain ok
	print(($cond ? "ok" : "not ok"), " $n - $what", ($todo && !$cond ? " # TODO $todo" : ''), "\n");
	unless ($cond) { print STDERR "# $_\n" for map { split /\n/ } @diag; }
	return $cond;
}



sub diagnostics {
	my (@args) = @_;
	my $pid = fork() // die "fork: $!";
	if (!$pid) {
		open(STDOUT, '>', "$tmp/out") or die;
		open(STDERR, '>', "$tmp/err") or die;
		exec(@limit, @wrap, $P, @args) or die "cannot run $P: $!";
	}
	waitpid($pid, 0);
	my @l = split /\n/, slurp("$tmp/out") . slurp("$tmp/err");
	my $write = grep { /\[(output-error|[a-z]+-write)\]$/ } @l;
	@l = grep { !/\[(output-error|[a-z]+-write)\]$/ } @l;
	# located diagnostics and the summary line; progress lines are not
	# diagnostics
	@l = grep { /^\S.*:\d+:\d+: (error|warning|note): / ||
	    /^\d+ errors?, \d+ warnings?, \d+ notes? in / } @l;
	return ($write, join('', map { "$_\n" } @l));
}

# The summary counts write errors too: where the build met any, the
# summary lines of both are set aside.
sub nosummary { return join('', grep { !/^\d+ errors?, / } map { "$_\n" } split /\n/, $_[0]); }

sub same {
	my ($name, $dir) = @_;
	my (undef, $check) = diagnostics('check', $dir, '--today', $today);
	my ($write, $build) = diagnostics('build', $dir, '-o', "$tmp/site", '--today', $today,
	    '--outputs', 'xml,html,pdf');
	($check, $build) = (nosummary($check), nosummary($build)) if $write;
	system('rm', '-rf', "$tmp/site");
	my $diff = '';
	if ($check ne $build) {
		open(my $a, '>', "$tmp/c") or die; print $a $check; close $a;
		open(my $b, '>', "$tmp/b") or die; print $b $build; close $b;
		$diff = `diff -u --label check --label build $tmp/c $tmp/b | head -30`;
	}
	ok($check eq $build && ($write || $check ne ''), "$name: check and build print the same diagnostics",
	    $todo{$name}, $diff);
}

my @projects = (['content', "$root/content"], ['tests/golden/project', "$root/tests/golden/project"]);
push @projects, case_and_corpus_projects($root, $shared, $tmp);
same(@$_) for @projects;
print "1..$n\n";
