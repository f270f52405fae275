/*
 * pdfident.c — what a document's PDF is made from besides its XML tree,
 * as one hash (pdf_identity, backend.h), so the build cache can carry a
 * PDF over from the previous OUT like a page (incremental.c).  A PDF is
 * laid out by this binary's code with the libraries it finds at run time
 * (Pango, HarfBuzz, cairo, fontconfig, librsvg, qpdf: their versions), in
 * the fonts fontconfig finds (every font file it knows, and the mtime of
 * every font folder, which a package that replaces a font changes), in
 * the style of the built-in and the project's templates/pdf/ (every file
 * of both), with the branding of corpus.xml's <project> (and the logo's
 * bytes, which the running header draws from the project folder), the
 * root's language and as-of banner, and SOURCE_DATE_EPOCH (the PDF's
 * dates).  The document's own tree — its text, images by their content
 * hash, today — is the other half of the key.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <fontconfig/fontconfig.h>
#include <hb.h>
#include <qpdf/qpdf-c.h>
#if __has_include(<librsvg/rsvg.h>)
#include <librsvg/rsvg.h>
#define HAVE_RSVG 1
#endif

#include "pdfint.h"
#include "incremental.h"

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every font file fontconfig knows (with its face index), sorted, and
 * the folders they come from with their modification times. */
static void
fonts_identity(incr_hash *h)
{
	FcConfig *cfg = FcConfigGetCurrent();
	FcFontSet *fs = cfg ? FcConfigGetFonts(cfg, FcSetSystem) : NULL;
	FcStrList *dirs;
	FcChar8 *dir;
	char **names;
	size_t n = 0, i;

	incr_hash_long(h, FcGetVersion());
	names = xcalloc(fs ? (size_t)fs->nfont + 1 : 1, sizeof *names);
	for (i = 0; fs && i < (size_t)fs->nfont; i++) {
		FcChar8 *file = NULL;
		int index = 0;
		if (FcPatternGetString(fs->fonts[i], FC_FILE, 0, &file) !=
		    FcResultMatch || !file)
			continue;
		(void)FcPatternGetInteger(fs->fonts[i], FC_INDEX, 0, &index);
		names[n++] = xasprintf("%s#%d", (const char *)file, index);
	}
	qsort(names, n, sizeof *names, cmp_str);
	incr_hash_str(h, "fonts");
	for (i = 0; i < n; i++) {
		incr_hash_str(h, names[i]);
		free(names[i]);
	}
	free(names);
	incr_hash_str(h, "font folders");
	dirs = cfg ? FcConfigGetFontDirs(cfg) : NULL;
	while (dirs && (dir = FcStrListNext(dirs)) != NULL) {
		struct stat st;
		incr_hash_str(h, (const char *)dir);
		if (stat((const char *)dir, &st) == 0) {
			incr_hash_long(h, (long)st.st_mtim.tv_sec);
			incr_hash_long(h, st.st_mtim.tv_nsec);
		} else
			incr_hash_long(h, -1);
	}
	if (dirs)
		FcStrListDone(dirs);
}

void
pdf_identity_of(const char *project_dir, const char *data_dir, xmlDocPtr cx,
    char out[33])
{
	xmlNodePtr root = cx ? xmlDocGetRootElement(cx) : NULL, c;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char bin[33], *t;
	incr_hash h;

	incr_hash_init(&h);
	incr_hash_str(&h, "pdf 1");
	incr_binary_identity(bin);
	incr_hash_str(&h, bin);
	incr_hash_str(&h, pango_version_string());
	incr_hash_str(&h, hb_version_string());
	incr_hash_str(&h, cairo_version_string());
	incr_hash_str(&h, qpdf_get_qpdf_version());
#ifdef HAVE_RSVG
	incr_hash_long(&h, (long)rsvg_major_version * 1000000 +
	    (long)rsvg_minor_version * 1000 + (long)rsvg_micro_version);
#endif
	fonts_identity(&h);
	incr_hash_str(&h, sde ? sde : "-");
	t = data_dir ? path_join(data_dir, "templates/pdf") : NULL;
	if (t)
		incr_hash_tree(&h, t, "builtin");
	free(t);
	t = project_dir ? path_join(project_dir, "templates/pdf") : NULL;
	if (t)
		incr_hash_tree(&h, t, "project");
	free(t);
	/* the root's language and banner, <project>, and the logo it names */
	for (xmlAttrPtr a = root ? root->properties : NULL; a; a = a->next) {
		xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
		incr_hash_str(&h, (const char *)a->name);
		incr_hash_str(&h, (const char *)v);
		xmlFree(v);
	}
	for (c = root ? root->children : NULL; c; c = c->next) {
		xmlNodePtr org, lg;
		char *logo;
		if (!xmlread_is(c, "project"))
			continue;
		incr_hash_node(&h, c);
		org = xmlread_child(c, "organisation");
		lg = org ? xmlread_child(org, "logo") : NULL;
		logo = lg ? xmlread_text_or(lg, "") : NULL;   /* as pdfstyle.c */
		if (logo && project_dir) {
			char *lp = path_join(project_dir, logo);
			incr_hash_file(&h, "logo", lp);
			free(lp);
		}
		free(logo);
	}
	incr_hash_hex(&h, out);
}
