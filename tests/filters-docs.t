#!/usr/bin/perl
# docs/filters.md teaches writing a rule; its example filter and settings,
# taken from the page as they are, must work on a small project.
use strict;
use warnings;
use JSON::PP;
use FindBin;
use File::Temp qw(tempdir);

my $policyc = $ENV{POLICYC} or die "set POLICYC\n";
my $wrap = $ENV{POLICYC_WRAP} // '';
open(my $fh, '<', "$FindBin::Bin/../docs/filters.md") or die; local $/; my $md = <$fh>; close $fh;
my ($lua) = $md =~ /```lua\n(.*?)```/s;
my ($yaml) = $md =~ /```yaml\n(.*?)```/s;

my $d = tempdir(CLEANUP => 1);
mkdir "$d/$_" for qw(policies filters);
sub put { my ($p, $t) = @_; open(my $o, '>', "$d/$p") or die "$p: $!"; print $o $t; close $o }
put('filters/contact-numbers.lua', $lua // '');
put('policyc.yaml', "title: Docs example\n" . ($yaml // ''));
put('policies/lado.md', "---\ntitle: LADO\nowner: DSL\nreview: 2030-01-01\ntags: [safeguarding]\n---\n\nTell the DSL.\n");
put('policies/ok.md', "---\ntitle: OK\nowner: DSL\nreview: 2030-01-01\ntags: [safeguarding]\n---\n\nRing the LADO on 01632 960450.\n\nNot 01632 960000 any more.\n\nSee [[lado]].\n");

my $out = `$wrap $policyc check $d --today 2026-11-23 --format json`;
my $diags = eval { decode_json($out) } || [];
print "1..4\n";
my @fe = grep { $_->{rule} eq 'filter-error' } @$diags;
print((@fe ? "not ok" : "ok") . " 1 - the example filter runs\n");
print "#   $_->{message}\n" for @fe;
my @lc = grep { $_->{rule} eq 'lado-contact' } @$diags;
print((@lc == 1 && $lc[0]{file} eq 'policies/lado.md' && $lc[0]{severity} eq 'error' && $lc[0]{line} == 5
  ? "ok" : "not ok") . " 2 - lado-contact reported once, as an error, at tags:\n");
my @sw = grep { $_->{rule} eq 'old-switchboard' } @$diags;
print((@sw == 1 && $sw[0]{file} eq 'policies/ok.md' && $sw[0]{line} == 10 && $sw[0]{column} == 5
  ? "ok" : "not ok") . " 3 - old-switchboard reported at the number's line and column\n");
print((@sw == 1 && $sw[0]{severity} eq 'warning' ? "ok" : "not ok") . " 4 - settings give its severity\n");
