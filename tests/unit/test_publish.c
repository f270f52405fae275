/*
 * test_publish.c — unit tests of the one way an output path is made and
 * opened (publish_path, publish_write over fsio_open_beneath): unsafe ids
 * give no path, and a path that would leave the staging folder — through
 * "..", an absolute path, or a symbolic link planted inside it — is
 * refused at the open, whatever made it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsio.h"
#include "harness.h"
#include "publish.h"
#include "util.h"

UNIT_TEST(publish_path_from_safe_ids_only)
{
	char *p = publish_path("xml", "a/b", ".xml");
	CHECK_STR(p, "xml/a/b.xml");
	free(p);
	CHECK(publish_path("xml", "../x", ".xml") == NULL);
	CHECK(publish_path("html", "a/../../x", ".html") == NULL);
	CHECK(publish_path("pdf", "/etc/x", ".pdf") == NULL);
	CHECK(publish_path("pdf", "", ".pdf") == NULL);
	CHECK(publish_path("pdf", NULL, ".pdf") == NULL);
}

UNIT_TEST(publish_write_stays_beneath)
{
	char root[] = "/tmp/policyc-publish-XXXXXX", *outside, *link, *f;
	size_t len;

	CHECK(mkdtemp(root) != NULL);
	CHECK_INT(fsio_mkdirs(root), 0);
	CHECK_INT(publish_write(root, "xml/a/b.xml", "<x/>", 4), 0);
	f = path_join(root, "xml/a/b.xml");
	char *text = read_file(f, &len);
	CHECK_STR(text, "<x/>");
	free(text);
	free(f);

	CHECK_INT(publish_write(root, "../escape.xml", "x", 1), -1);
	CHECK_INT(publish_write(root, "xml/../../escape.xml", "x", 1), -1);
	CHECK_INT(publish_write(root, "/tmp/escape.xml", "x", 1), -1);
	CHECK_INT(publish_write(root, "xml//b.xml", "x", 1), -1);

	/* a link planted in the staging folder is not followed */
	outside = xasprintf("%s-outside", root);
	CHECK_INT(fsio_mkdirs(outside), 0);
	link = path_join(root, "html");
	CHECK_INT(symlink(outside, link), 0);
	CHECK_INT(publish_write(root, "html/x.html", "x", 1), -1);
	f = path_join(outside, "x.html");
	CHECK(!fsio_exists(f));
	free(f);
	f = path_join(root, "xml/a/b.xml");
	unlink(f);
	CHECK_INT(symlink("/tmp/policyc-publish-nowhere", f), 0);
	CHECK_INT(publish_write(root, "xml/a/b.xml", "x", 1), -1);
	free(f);

	fsio_rmtree(root);
	fsio_rmtree(outside);
	free(outside);
	free(link);
}

UNIT_TEST(fsio_mkdirs_makes_missing_parents_and_refuses_a_file)
{
	char root[] = "/tmp/policyc-mkdirs-XXXXXX", *deep, *f, *under;

	CHECK(mkdtemp(root) != NULL);
	deep = path_join(root, "a/b//c/");
	CHECK_INT(fsio_mkdirs(deep), 0);          /* three made, from the top */
	CHECK(fsio_is_dir(deep));
	CHECK_INT(fsio_mkdirs(deep), 0);          /* there already */
	CHECK_INT(fsio_mkdirs(root), 0);
	f = path_join(root, "a/file");
	CHECK_INT(fsio_write(f, "x", 1), 0);
	CHECK_INT(fsio_mkdirs(f), -1);            /* a file in the way */
	under = path_join(f, "sub/dir");
	CHECK_INT(fsio_mkdirs(under), -1);        /* ... or above it */
	CHECK(!fsio_exists(under));
	fsio_rmtree(root);
	free(deep);
	free(f);
	free(under);
}

UNIT_TEST(fsio_strip_slashes_and_staging_names)
{
	char *s = fsio_strip_slashes("out//");
	CHECK_STR(s, "out");
	free(s);
	s = fsio_strip_slashes("/");
	CHECK_STR(s, "/");
	free(s);
}

UNIT_TEST(fsio_sweep_stale_puts_a_half_swapped_out_back)
{
	char root[] = "/tmp/policyc-sweep-XXXXXX", *out, *p;

	CHECK(mkdtemp(root) != NULL);
	out = path_join(root, "out");
	/* a dead build's staging folder, and its OUT.old with no OUT */
	p = xasprintf("%s.tmp-999999-abcdef/xml", out);
	CHECK_INT(fsio_mkdirs(p), 0);
	free(p);
	p = xasprintf("%s.old-999998/sentinel", out);
	CHECK_INT(fsio_write(p, "x", 1), 0);
	free(p);
	CHECK_INT(fsio_sweep_stale(out), 2);
	p = path_join(out, "sentinel");
	CHECK(fsio_exists(p));
	free(p);
	p = xasprintf("%s.tmp-999999-abcdef", out);
	CHECK(!fsio_exists(p));
	free(p);
	/* our own staging folder is never swept */
	p = fsio_staging(out);
	CHECK(p != NULL);
	CHECK_INT(fsio_sweep_stale(out), 0);
	CHECK(fsio_is_dir(p));
	free(p);
	fsio_rmtree(root);
	free(out);
}
