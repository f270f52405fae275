#!/usr/bin/perl
# Every built-in filter is linear in the size of a document (issue 10:
# 10,000 broken [[wiki]] links made outdated-terms.lua run past its time
# limit, because each made node's position was found by walking back over
# every earlier sibling).  Generated here, never committed: one document
# per filter, each with 10,000 of what that filter looks at — broken wiki
# links with outdated wording between them, headings, vague links, images
# without alt text, numbered paragraphs, outdated wording — checked with
# the default time limit, so a quadratic filter fails as filter-error.  The reports are still all
# there, at the right columns.  Every run is guarded, so a regression
# fails instead of hanging.
use strict;
use warnings;
use File::Temp qw(tempdir);
use Test::More;

my $policyc = $ENV{POLICYC} or die "set POLICYC\n";
my $wrap = $ENV{POLICYC_WRAP} // '';
my $sanitized = $ENV{POLICYC_SANITIZED} || $wrap ne '';
my $N = 10000;
my $tmp = tempdir(CLEANUP => 1);
mkdir "$tmp/policies" or die;

sub put {
  my ($name, $text) = @_;
  open(my $fh, '>', "$tmp/$name") or die "$name: $!\n";
  print $fh $text;
  close $fh;
}
sub head { "---\ntitle: $_[0]\nowner: Someone\nreview: 2030-01-01\n---\n\n" }

# the default time limit (5 s + 50 ms a document): each filter takes a
# fraction of a second of CPU here, where the quadratic walk took minutes
put('policyc.yaml', "title: Linear\n");
# one paragraph: [[missing-0]] CCG [[missing-1]] CCG ...
put('policies/wiki.md', head('Wiki') . "# Wiki\n\n" .
    join(' ', map { "[[missing-$_]] CCG" } 0 .. $N - 1) . "\n");
put('policies/headings.md', head('Headings') .
    join('', map { "## Heading $_\n\n#### Deeper $_\n\n" } 1 .. $N / 2));
put('policies/links.md', head('Links') . "# Links\n\n" .
    join(' ', map { "[click here](https://example.org/$_)" } 1 .. $N) . "\n");
put('policies/images.md', head('Images') . "# Images\n\n" .
    join(' ', map { "![](https://example.org/$_.png)" } 1 .. $N) . "\n");
put('policies/numbers.md', head('Numbers') . "# Numbers\n\n" .
    join('', map { "4.1 Paragraph $_.\n\n" } 1 .. $N));
put('policies/terms.md', head('Terms') . "# Terms\n\n" .
    join("\n", map { "The LSCB and the Primary Care Trust, line $_." } 1 .. $N) . "\n");

my ($text, $hung, $t0) = ('', 0, time);
# text, not JSON: JSON::PP takes longer over 50,000 reports than policyc
my $pid = open(my $out, '-|', "exec $wrap $policyc check $tmp --today 2026-11-23 -j 2 2>&1")
  or die "cannot run policyc: $!\n";
eval {
  local $SIG{ALRM} = sub { die "hung\n" };
  alarm($sanitized ? 600 : 120);
  local $/;
  $text = <$out>;
  alarm 0;
};
if ($@) { $hung = 1; kill 'KILL', $pid; }
close $out;
ok(!$hung, 'policyc check finished') or BAIL_OUT('hung');
note(sprintf 'check took %d s', time - $t0);
my $diags = [];
for (split /\n/, $text) {
  push @$diags, { file => $1, line => $2, column => $3, message => $4, rule => $5 }
    if /^(.*?):(\d+):(\d+): \w+: (.*) \[([\w-]+)\]$/;
}

my @fe = grep { $_->{rule} eq 'filter-error' } @$diags;
is(scalar @fe, 0, 'no filter ran past its limit or failed')
  or diag(join "\n", map { "$_->{file}: $_->{message}" } @fe);

sub of {
  my ($file, $rule) = @_;
  return grep { $_->{file} eq "policies/$file" && $_->{rule} eq $rule } @$diags;
}
is(scalar(of('wiki.md', 'link-broken')), $N, "$N link-broken for the wiki links");
my @ccg = of('wiki.md', 'outdated-term');
is(scalar @ccg, $N, "$N outdated-term between the wiki links");
# "[[missing-0]] CCG": the text node after a made link counts on from
# the link's source, "[[missing-0]]", 13 bytes (not from its shown text,
# which is a title, as it did before nodepos.c), so "CCG" is at 15; the
# last one proves the walk went on
my @cols = sort { $a <=> $b } map { $_->{column} } @ccg;
is($cols[0], 15, 'first CCG column after a wiki link');
my ($at, @want) = (1);
for my $i (0 .. $N - 1) {
  $at += length("[[missing-$i]]") + 1;
  push @want, $at;
  $at += length('CCG') + 1;
}
is("@cols", "@want", 'every CCG at its column in the source');
ok(@ccg && !grep({ $_->{line} != 9 } @ccg), 'every CCG on the paragraph line');
is(scalar(of('headings.md', 'heading-skip')), $N / 2, 'heading-skip for every skipped level');
is(scalar(of('links.md', 'link-text')), $N, "$N link-text");
is(scalar(of('images.md', 'image-alt')), $N, "$N image-alt");
is(scalar(of('numbers.md', 'numbering-duplicate')), $N - 1, 'numbering-duplicate for every repeat');
is(scalar(of('terms.md', 'outdated-term')), 2 * $N, 'two outdated terms a line');
done_testing();
