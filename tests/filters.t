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

# [file (under policies/), rule, line, text the message must contain]
my @want = (
  ['review/overdue.md', 'review-overdue', 4, 'review date 2026-11-22 has passed (1 day overdue)'],
  ['review/today.md', 'review-due-soon', 4, '2026-11-23 is today'],
  ['review/sixty.md', 'review-due-soon', 4, 'in 60 days'],
  ['review/month.md', 'review-overdue', 4, '2026-10-31 has passed (23 days overdue)'],
  ['review/month-soon.md', 'review-due-soon', 4, '2026-12-31 is in 38 days'],
  ['review/leap.md', 'review-interval', 4, '2028-02-29 is more than 36 months after approval on 2025-02-15'],
  ['review/interval-long.md', 'review-interval', 5, 'more than 36 months'],
  ['review/interval-before.md', 'review-interval', 5, 'before the approval date 2027-06-01'],
  ['sections/missing.md', 'section-missing', 5, '"Purpose"'],
  ['sections/missing.md', 'section-missing', 5, '"Roles and Responsibilities"'],
  ['a11y/links.md', 'link-text', 7, '"click here"'],
  ['a11y/links.md', 'link-text', 11, '"Here"'],
  ['a11y/links.md', 'link-text', 11, '"read more..."'],
  ['a11y/links.md', 'link-text', 13, '"link"'],
  ['a11y/images.md', 'image-alt', 7, 'chart.png'],
  ['a11y/images.md', 'image-alt', 11, 'blank.png'],
  ['a11y/headings.md', 'heading-skip', 9, 'level 4 straight after level 2'],
  ['a11y/numbering.md', 'numbering-duplicate', 11, '4.21 is used twice (first at line 9)'],
  ['a11y/numbering.md', 'numbering-duplicate', 16, '4.20 is used twice (first at line 7)'],
  ['terms/outdated.md', 'outdated-term', 7, '"CCG" is outdated: now "Integrated Care Board (ICB)" since 1 July 2022'],
  ['terms/outdated.md', 'outdated-term', 7, '"Clinical Commissioning Groups"'],
  ['terms/outdated.md', 'outdated-term', 9, '"LSCB"'],
  ['terms/outdated.md', 'outdated-term', 11, '"local safeguarding children board"'],
  ['terms/outdated.md', 'outdated-term', 11, '"LSCBs"'],
  ['terms/outdated.md', 'outdated-term', 11, '"Primary Care Trust"'],
  ['terms/outdated.md', 'outdated-term', 13, '"CRB"'],
  ['terms/outdated.md', 'outdated-term', 13, '"Criminal Records Bureau"'],
  ['terms/outdated.md', 'outdated-term', 13, '"Community Rehabilitation Company" is outdated: now "the Probation Service"'],
  # editions of guidance are the sources registry's (citation-superseded)
  ['terms/outdated.md', 'citation-superseded', 15, 'Working Together to Safeguard Children 2018, which was replaced by the 2023 edition on 15 December 2023'],
  ['terms/outdated.md', 'outdated-term', 15, '"Widget Board" is outdated: now "Gadget Partnership" since 1 January 2020 (local decision)'],
  ['a11y/images.md', 'orphan', undef, 'no other document links'],
);
# [file, rule, how many there must be] (0: none)
my @count = (
  ['review/sixty-one.md', 'review-due-soon', 0],
  ['review/superseded.md', 'review-overdue', 0],
  ['review/draft.md', 'review-overdue', 0],
  ['review/withdrawn.md', 'review-overdue', 0],
  ['review/interval-ok.md', 'review-interval', 0],
  ['review/today.md', 'review-overdue', 0],
  ['sections/numbered.md', 'section-missing', 0],
  ['sections/emphasis.md', 'section-missing', 0],
  ['sections/other-type.md', 'section-missing', 0],
  ['sections/missing.md', 'section-missing', 2],
  ['a11y/links.md', 'link-text', 4],
  ['a11y/images.md', 'image-alt', 2],
  ['a11y/headings.md', 'heading-skip', 1],
  ['a11y/numbering.md', 'numbering-duplicate', 2],
  ['terms/outdated.md', 'outdated-term', 10],
  ['terms/superseded.md', 'outdated-term', 0],
  ['terms/current.md', 'outdated-term', 0],
  ['a11y/numbering.md', 'orphan', 0],
  ['terms/superseded.md', 'orphan', 0],
);

my $n = 3 + @want + @count;
print "1..$n\n";
my $t = 0;
sub ok { my ($c, $what) = @_; $t++; print(($c ? "ok" : "not ok") . " $t - $what\n"); $c }

ok($status == 1, "check exits 1 when there are errors (got $status)");
ok(ref $diags eq 'ARRAY' && @$diags > 0, 'check --format json gives diagnostics');
ok(!grep({ $_->{rule} eq 'filter-error' } @$diags), 'no built-in filter fails')
  or print map { "# $_->{file}: $_->{message}\n" } grep { $_->{rule} eq 'filter-error' } @$diags;

for my $w (@want) {
  my ($file, $rule, $line, $text) = @$w;
  my @hit = grep { $_->{file} eq "policies/$file" && $_->{rule} eq $rule
                   && (!defined $line || $_->{line} == $line)
                   && index($_->{message}, $text) >= 0 } @$diags;
  ok(@hit == 1, "$rule at $file:" . ($line // '-') . " ($text)")
    or print map { "#   have: $_->{file}:$_->{line}: $_->{message} [$_->{rule}]\n" }
             grep { $_->{file} eq "policies/$file" } @$diags;
}
for my $c (@count) {
  my ($file, $rule, $k) = @$c;
  my $got = grep { $_->{file} eq "policies/$file" && $_->{rule} eq $rule } @$diags;
  ok($got == $k, "$k x $rule in $file (got $got)");
}
