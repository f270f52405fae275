#!/usr/bin/perl
# The Lua sandbox, end to end: each filter in tests/cases/filters/sandbox/
# tries to leave it (io, os.execute, os.remove, require "ffi", bytecode) or
# break a limit (memory, instructions, recursion), returns garbage or does
# not parse.  Each must end in exactly one filter-error at its own file,
# with nothing done on disk, and the well-behaved filter must still run.
use strict;
use warnings;
use JSON::PP;
use FindBin;
use File::Temp qw(tempdir);

my $policyc = $ENV{POLICYC} or die "set POLICYC\n";
my $wrap = $ENV{POLICYC_WRAP} // '';
my $src = "$FindBin::Bin/cases/filters/sandbox";
my $tmp = tempdir(CLEANUP => 1);
system('cp', '-R', "$src/.", $tmp) == 0 or die "cp failed\n";
chdir $tmp or die;
open(my $fh, '>', 'keep-me') or die; print $fh "still here\n"; close $fh;

# [filter file, text its filter-error message must contain]
my @escape = (
  ['io-open.lua', "global 'io'"],
  ['os-execute.lua', "field 'execute'"],
  ['os-remove.lua', "field 'remove'"],
  ['require-ffi.lua', "global 'require'"],
  ['bytecode.lua', 'binary chunk'],
  ['bytecode-default.lua', 'binary chunk'],
  ['memory-bomb.lua', 'not enough memory'],
  ['string-rep.lua', 'not enough memory'],
  ['infinite-loop.lua', 'instruction limit'],
  ['pcall-loop.lua', 'instruction limit'],
  ['deep-recursion.lua', 'stack overflow'],
  ['garbage.lua', 'must return a table'],
  ['garbage-rules.lua', 'rules must be a list'],
  ['syntax-error.lua', 'syntax-error.lua:2:'],
);

my $json = `$wrap $policyc check . --today 2026-11-23 --format json`;
my $status = $? >> 8;
my $diags = eval { decode_json($json) } || [];

print "1..", 5 + 2 * @escape, "\n";
my $t = 0;
sub ok { my ($c, $what) = @_; $t++; print(($c ? "ok" : "not ok") . " $t - $what\n"); $c }

ok($status == 1, "check exits 1 (filter-error is an error), got $status");
for my $e (@escape) {
  my ($file, $text) = @$e;
  my @hit = grep { $_->{rule} eq 'filter-error' && $_->{file} eq "filters/$file" } @$diags;
  ok(@hit == 1, "one filter-error for filters/$file");
  ok(@hit && index($hit[0]{message}, $text) >= 0 && $hit[0]{message} !~ /\n/,
     "its message names the cause ($text), first line only")
    or print map { "#   got: $_->{message}\n" } @hit;
}
ok(!-e 'pwned-io' && !-e 'pwned-exec' && !-e 'pwned-ffi', 'nothing was written');
ok(-e 'keep-me', 'nothing was removed');
my @good = grep { $_->{rule} eq 'good-rule' } @$diags;
ok(@good == 2, 'the well-behaved project filter still checked both documents');
my @fe = grep { $_->{rule} eq 'filter-error' } @$diags;
ok(@fe == @escape, scalar(@fe) . " filter-errors in all, one per broken filter")
  or print map { "#   $_->{file}: $_->{message}\n" } @fe;
