#!/usr/bin/env perl
# The shipped filters' C mirrors (compiler/cfilters.h) say what their Lua
# says: every project is checked twice, once as it runs by default (the
# mirrors standing for the shipped Lua files) and once with
# POLICYC_LUA_FILTERS=1 (every filter in Lua), and the two outputs — each
# diagnostic, its position, severity and words, and the summary — must be
# the same byte for byte.  The projects: the bundled content/, every
# project under tests/cases (tests/cases/filters/mirror-* are the settings
# shapes the mirrors read, and the ones they leave to the Lua),
# tests/golden/project, each collection under ../shared/corpora/ (copied
# into a project that says only `content: .`) and a generated corpus.
# --timings says how many shipped filters ran in C: the default run of
# the bundled content must have run all eight in C and the Lua run none,
# or the comparison would compare the Lua with itself.
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


# One check of dir; returns its standard output and how many shipped
# filters ran in C of how many.
sub run_check {
	my ($dir, $lua) = @_;
	my $pid = fork() // die "fork: $!";
	if (!$pid) {
		if ($lua) { $ENV{POLICYC_LUA_FILTERS} = '1' } else { delete $ENV{POLICYC_LUA_FILTERS} }
		open(STDOUT, '>', "$tmp/out") or die;
		open(STDERR, '>', "$tmp/err") or die;
		exec(@limit, @wrap, $P, 'check', $dir, '--today', $today, '--timings')
		    or die "cannot run $P: $!";
	}
	waitpid($pid, 0);
	my $err = slurp("$tmp/err");
	my ($c, $of) = $err =~ /shipped filters run in C: (\d+) of (\d+)/ ? ($1, $2) : (-1, -1);
	# the located diagnostics that go to standard error (none by
	# default) join the output; timing lines do not
	my $said = join('', grep { !/^timing:/ } map { "$_\n" } split /\n/, $err);
	return (slurp("$tmp/out") . $said, $c, $of);
}

sub same {
	my ($name, $dir, $must_mirror) = @_;
	my ($c_out, $c_n, $c_of) = run_check($dir, 0);
	my ($l_out, $l_n) = run_check($dir, 1);
	my $diff = '';
	if ($c_out ne $l_out) {
		open(my $a, '>', "$tmp/c") or die; print $a $c_out; close $a;
		open(my $b, '>', "$tmp/l") or die; print $b $l_out; close $b;
		$diff = `diff -u --label c-mirrors --label lua $tmp/l $tmp/c | head -30`;
	}
	ok($c_out eq $l_out && $c_out ne '', "$name: the C mirrors report what the Lua reports ($c_n of $c_of in C)", $diff);
	if ($must_mirror) {
		ok($c_n == 8 && $c_of == 8, "$name: all eight shipped filters ran in C", "ran in C: $c_n of $c_of");
		ok($l_n == 0, "$name: POLICYC_LUA_FILTERS=1 runs them all in Lua", "ran in C: $l_n");
	}
}

same('content', "$root/content", 1);
my @projects = (['tests/golden/project', "$root/tests/golden/project"]);
push @projects, case_and_corpus_projects($root, $shared, $tmp);
same(@$_) for @projects;

# a generated corpus: many documents, every rule's common case
my $gen = "$shared/bench/gen-corpus";
if (-x $gen || -f $gen) {
	system("python3 '$gen' 300 '$tmp/gen' >/dev/null") == 0 or die "gen-corpus: $?";
	same('generated, 300 documents', "$tmp/gen");
}
print "1..$n\n";
