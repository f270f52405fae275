#!/usr/bin/perl
# The built-in Lua filters (filters/*.lua), each rule with positive and
# negative cases, through `policyc check` on the fixture project
# tests/cases/filters/rules (today fixed at 2026-11-23).
use strict;
use warnings;
use JSON::PP;
use FindBin;

my $policyc = $ENV{POLICYC} or die "set POLICYC\n";
my $wrap = $ENV{POLICYC_WRAP} // '';
my $dir = "$FindBin::Bin/cases/filters/rules";
my $json = `$wrap $policyc check $dir --today 2026-11-23 --format json`;
my $status = $? >> 8;
my $diags = eval { decode_json($json) } || [];

# Every diagnostic of each rule's positive and negative cases is in
# tests/cases/filters/rules/expected.lint, compared exactly by cases.t
# (REGEN=1 perl tests/cases.t rewrites it; review the diff). Here: the
# JSON form of the same run, and that no built-in filter fails.
my $n = 4;
print "1..$n\n";
my $t = 0;
sub ok { my ($c, $what) = @_; $t++; print(($c ? "ok" : "not ok") . " $t - $what\n"); $c }

ok($status == 1, "check exits 1 when there are errors (got $status)");
ok(ref $diags eq 'ARRAY' && @$diags > 0, 'check --format json gives diagnostics');
ok(!grep({ $_->{rule} eq 'filter-error' } @$diags), 'no built-in filter fails')
  or print map { "# $_->{file}: $_->{message}\n" } grep { $_->{rule} eq 'filter-error' } @$diags;

my $lint = `$wrap $policyc check $dir --today 2026-11-23`;
my $lines = () = $lint =~ /\[[a-z-]+\]$/mg;
ok($lines == @$diags, "the JSON holds the same diagnostics as the text (" . scalar(@$diags) . ")");
