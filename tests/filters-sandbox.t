#!/usr/bin/perl
# The Lua sandbox, end to end: each filter in tests/cases/filters/sandbox/
# tries to leave it (io, os.execute, os.remove, os.exit, require "ffi",
# bytecode) or break a limit (memory, instructions, recursion), returns
# garbage or does not parse.  Each must end in exactly one filter-error at
# its own file, with nothing done on disk, and the well-behaved filter must
# still run.  Then the time limit (tests/cases/filters/sandbox-time/, with
# seconds: 2): filters that hang inside C functions, where the instruction
# budget cannot see them, end in filter-error; and a filter whose process
# dies of a signal costs only that filter.  Every policyc run is guarded,
# so a regression fails instead of hanging.
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
  ['os-exit.lua', "field 'exit'"],
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

# Runs policyc check in the current folder with a guard of 60 s; returns
# (exit status, diagnostics, seconds taken).  $during, if given, is called
# with policyc's pid while it runs.
sub check {
  my ($during, @more) = @_;
  my $t0 = time;
  my $pid = open(my $out, '-|', "exec $wrap $policyc check . --today 2026-11-23 --format json @more")
    or die "cannot run policyc: $!\n";
  my $json = '';
  my $hung = 0;
  eval {
    local $SIG{ALRM} = sub { die "hung\n" };
    alarm 60;
    $during->($pid) if $during;
    local $/;
    $json = <$out>;
    alarm 0;
  };
  if ($@) { $hung = 1; kill 'KILL', $pid; }
  close $out;
  my $status = $hung ? 124 : $? >> 8;
  return ($status, eval { decode_json($json) } || [], time - $t0);
}

my ($status, $diags) = check();

print "1..", 5 + 2 * @escape + 15, "\n";
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

# ---- the time limit ----------------------------------------------------

chdir '/' or die;
my $tsrc = "$FindBin::Bin/cases/filters/sandbox-time";
my $ttmp = tempdir(CLEANUP => 1);
system('cp', '-R', "$tsrc/.", $ttmp) == 0 or die "cp failed\n";
chdir $ttmp or die;

my ($tstatus, $tdiags, $took) = check();
ok($tstatus == 1, "check ends (status 1, not hung: 124), got $tstatus, in ${took}s");
sub fe_of { my ($d, $f) = @_; grep { $_->{rule} eq 'filter-error' && $_->{file} eq "filters/$f" } @$d }
for my $c (['catastrophic-find.lua', 'while checking policies/one.md: ran past its time limit of 2 s'],
           ['quadratic-find.lua', 'while checking policies/one.md: ran past its time limit of 2 s'],
           ['finalizer-hang.lua', 'ran past its time limit of 2 s'],
           ['error-loop.lua', 'instruction limit exceeded'],
           ['reports-then-hangs.lua', 'while checking policies/two.md: ran past its time limit of 2 s']) {
  my ($file, $text) = @$c;
  my @hit = fe_of($tdiags, $file);
  ok(@hit == 1 && index($hit[0]{message}, $text) >= 0, "filters/$file: one filter-error, '$text'")
    or print map { "#   got: $_->{message}\n" } @hit;
}
@good = grep { $_->{rule} eq 'good-rule' } @$tdiags;
ok(@good == 2, 'the well-behaved project filter still checked both documents');
ok((grep { $_->{rule} eq 'orphan' } @$tdiags) >= 1, 'a built-in filter still reported (orphan)');
# its report on one.md came back before the hang, and is dropped with it
ok(!(grep { $_->{rule} eq 'partial-rule' } @$tdiags),
   'a filter stopped at its time limit counts none of its reports');
@fe = grep { $_->{rule} eq 'filter-error' } @$tdiags;
ok(@fe == 5, scalar(@fe) . " filter-errors in all, one per broken filter")
  or print map { "#   $_->{file}: $_->{message}\n" } @fe;

# A filter process that dies of a signal (as a C bug in a filter's path
# would make it): here a hanging filter is sent SIGSEGV from outside once
# it has spent a second of CPU time — no other filter of this project
# comes near that, so the signal finds the hanging one.
unlink glob('filters/*.lua');
system('cp', "$tsrc/filters/zz-good.lua", "$tsrc/filters/catastrophic-find.lua", 'filters/') == 0
  or die "cp failed\n";
rename 'filters/catastrophic-find.lua', 'filters/zzz-hang.lua' or die;
open($fh, '>', 'policyc.yaml') or die;
print $fh "title: Sandbox crash\nrules:\n  filter-error: { seconds: 40 }\n";
close $fh;
my $sent = 0;
my ($cstatus, $cdiags) = check(sub {
  my ($pid) = @_;
  for (1 .. 400) {    # up to 40 s
    select(undef, undef, undef, 0.1);
    for my $kid (split ' ', `pgrep -P $pid`) {
      open(my $st, '<', "/proc/$kid/stat") or next;
      my $line = <$st>;
      close $st;
      my @f = split ' ', substr($line, rindex($line, ')') + 2);
      if ($f[11] + $f[12] >= 100) {   # utime + stime, in 1/100 s
        kill 'SEGV', $kid;
        $sent = 1;
        return;
      }
    }
  }
}, '-j', '1', '2>crash.err');   # under ASan the killed child reports there
ok($sent, 'found the hanging filter\'s process and sent it SIGSEGV');
ok($cstatus == 1, "policyc itself survived (status 1), got $cstatus");
my @crash = fe_of($cdiags, 'zzz-hang.lua');
# under ASan the child's SEGV handler reports and exits 1
ok(@crash == 1 && $crash[0]{message} =~ /while checking policies\/one\.md: crashed \((signal 11|exit status 1)\)/,
   'one filter-error: crashed while checking policies/one.md')
  or print map { "#   got: $_->{message}\n" } @crash;
@good = grep { $_->{rule} eq 'good-rule' } @$cdiags;
ok(@good == 2 && (grep { $_->{rule} eq 'orphan' } @$cdiags) >= 1,
   'the other filters\' diagnostics are all there');

# A time limit that is not a number is reported, and the default used.
unlink 'filters/zzz-hang.lua';
open($fh, '>', 'policyc.yaml') or die;
print $fh "title: Sandbox config\nrules:\n  filter-error: { seconds: soon }\n";
close $fh;
my (undef, $bdiags) = check();
my @bad = grep { $_->{rule} eq 'config-invalid' && $_->{file} eq 'policyc.yaml' } @$bdiags;
ok(@bad == 1 && $bad[0]{message} =~ /filter-error: seconds must be a number/ && $bad[0]{line} == 3
   && (grep { $_->{rule} eq 'good-rule' } @$bdiags) == 2,
   'seconds: soon is config-invalid at policyc.yaml:3, and the filters still run')
  or print map { "#   got: $_->{file}:$_->{line}: $_->{message}\n" } @bad;
