# tests/TestProjects.pm — the projects the tests that compare two runs of
# every project share (check-build.t: check against build;
# filters-mirror.t: the filters' C against their Lua; html-body.t: the
# body's C against its templates): every project under tests/cases (a
# case with a `fifos` file run from a copy of its area with its FIFOs
# made, as tests/cases.t does) and each collection under
# ../shared/corpora/, copied into a temporary project whose policyc.yaml
# says only `content: .`.
package TestProjects;
use strict;
use warnings;
use File::Find;
use Exporter 'import';
our @EXPORT_OK = ('case_and_corpus_projects', 'slurp');

# A file's bytes, or '' when it cannot be read.
sub slurp {
	my ($f) = @_;
	open(my $fh, '<:raw', $f) or return '';
	local $/;
	my $s = <$fh>;
	close $fh;
	return $s // '';
}

# ([name, dir], ...) in the order the tests print them; tmp is a
# temporary folder for the copies.
sub case_and_corpus_projects {
	my ($root, $shared, $tmp) = @_;
	my (@projects, @cases, %copied);
	find({ no_chdir => 1, wanted => sub {
		return unless -d $_ && -f "$_/policyc.yaml";
		push @cases, $_;
		$File::Find::prune = 1;
	} }, "$root/tests/cases");
	my $case_dir = sub {
		my ($dir) = @_;
		return $dir unless -f "$dir/fifos";
		my ($area, $name) = $dir =~ m{^(.*)/([^/]+)$};
		unless ($copied{$area}) {
			(my $leaf = $area) =~ s{^.*/tests/cases/?}{};
			$leaf =~ s{/}{-}g;
			$copied{$area} = "$tmp/area-$leaf";
			system('cp', '-a', $area, $copied{$area}) == 0
			    or die "cp -a $area: $?\n";
		}
		my $d = "$copied{$area}/$name";
		for my $f (split /\n/, slurp("$dir/fifos")) {
			next unless $f =~ /\S/ && !-p "$d/$f";
			system('mkfifo', "$d/$f") == 0 or die "mkfifo $d/$f: $?\n";
		}
		return $d;
	};
	for my $c (sort @cases) {
		(my $name = $c) =~ s{^\Q$root\E/}{};
		push @projects, [$name, $case_dir->($c)];
	}
	for my $c (sort glob("$shared/corpora/*")) {
		next unless -d $c;
		(my $name = $c) =~ s{^.*/}{corpora/};
		(my $leaf = $name) =~ s{/}{-}g;
		my $d = "$tmp/$leaf";
		system('cp', '-R', $c, $d) == 0 or die "cp $c: $?";
		open(my $fh, '>', "$d/policyc.yaml") or die;
		print $fh "title: $leaf\ncontent: .\n";
		close $fh;
		push @projects, [$name, $d];
	}
	return @projects;
}

1;
