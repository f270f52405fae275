/*
 * import.h — `policyc import`: Word (.docx) and OpenDocument (.odt) files
 * into policyc documents.  A reader (importdocx.c, importodt.c) turns the
 * archive (importzip.c, the module policyc-zip.so, reached through
 * zipmodule.c) into the small block model below; importmeta.c
 * recovers front matter from the document's own title block and control
 * table and drops what it used; importmd.c writes Markdown; import.c
 * drives it, writes the files into a project and runs the checks.
 */
#ifndef POLICYC_IMPORT_H
#define POLICYC_IMPORT_H

#include <stddef.h>

#include <libxml/tree.h>

#include "module.h"
#include "util.h"

/* ---- the archive (importzip.c in policyc-zip.so; zipmodule.c) ---- */

/* Largest uncompressed part read, and the most entries an archive may
 * have: a zip bomb is refused, not inflated. */
#define IMPORTZIP_MAX_PART (64L << 20)
#define IMPORTZIP_MAX_ENTRIES 10000

typedef struct importzip importzip;

/* Opens path as a zip archive.  NULL with *err (caller frees) saying why:
 * not a zip, an encrypted Office file (an OLE compound file), corrupt. */
importzip *importzip_open(const char *path, char **err);
/* 1 when the archive holds name. */
int importzip_has(importzip *z, const char *name);
/* The whole part, NUL-terminated, or NULL (missing: *err NULL; too big,
 * encrypted or corrupt: *err set, caller frees). */
char *importzip_read(importzip *z, const char *name, size_t *len, char **err);
void importzip_close(importzip *z);

/* The zip module's table (importzip.c): the four above.  importzip_open
 * fails, saying why, when the module cannot be loaded. */
typedef struct {
	module_head head;
	importzip *(*open)(const char *path, char **err);
	int (*has)(importzip *z, const char *name);
	char *(*read)(importzip *z, const char *name, size_t *len,
	    char **err);
	void (*close)(importzip *z);
} import_zip;

extern const import_zip policyc_import_zip;

/* ---- the block model ---- */

enum imp_kind { IMP_PARA, IMP_HEADING, IMP_ITEM, IMP_TABLE };

/* The most columns a table keeps (Word's own limit is 63): every row is
 * padded to the widest, so one row of thousands of empty cells over
 * many short rows would make a table quadratic in the file's size. */
#define IMP_MAX_COLS 64

typedef struct {
	enum imp_kind kind;
	int level;          /* heading 1..6; list depth from 0 */
	int ordered;        /* list item: numbered */
	int number;         /* list item: its number */
	int list_id;        /* list item: the list (instance) it belongs to */
	int all_bold;       /* every piece of text in it is bold */
	int title_style;    /* Word's or ODF's Title style */
	int link_only;      /* the paragraph is one link to nowhere/an anchor */
	int dropped;        /* used for front matter, or a contents list */
	char *md;           /* inline Markdown */
	char *text;         /* plain text */
	size_t nrows, ncols;
	char **cells;       /* table: nrows*ncols inline Markdown (never NULL) */
	char **ctext;       /* table: the same, plain text */
} imp_block;

typedef struct {
	imp_block *b;
	size_t n, cap;
	char **notes;       /* footnote bodies, Markdown; note i is [^i+1] */
	size_t nnotes;
	/* where images go: the project folder, and the path of its assets/
	 * folder as the document links to it ("../assets/") */
	const char *project;
	const char *asset_prefix;
	int nimages, nlinks, nplaceholders;
	buf report;         /* lines of what the reader could not do */
	/* images read so far (imp_image_part): each part and its target,
	 * NULL when it could not be read or stored */
	char **img_parts, **img_targets;
	size_t nimg;
} imp_doc;

imp_block *imp_add(imp_doc *d, enum imp_kind kind);
void imp_doc_free(imp_doc *d);
/* Text run helpers shared by both readers (importmd.c). */
typedef struct {
	buf md, text;
	int bold, italic;   /* state of the pending run */
	buf run;            /* pending run text */
	int any_text, any_plain;  /* some text, some non-bold text */
} imp_inline;
void imp_inline_init(imp_inline *il);
void imp_inline_text(imp_inline *il, const char *s, int bold, int italic);
void imp_inline_raw(imp_inline *il, const char *md, const char *text,
    int bold);
void imp_inline_flush(imp_inline *il);
void imp_inline_free(imp_inline *il);
/* Markdown-escaped copy of plain text (no line-start escaping). */
char *imp_escape(const char *s);
/* A link target made safe to write between ( and ): percent-encoded
 * spaces, brackets and controls.  Caller frees. */
char *imp_md_target(const char *t);
/* Stores an image's bytes as PROJECT/assets/<16 hex of sha256>.<ext>,
 * never outside PROJECT; returns the link target ("../assets/ab12….png"),
 * or NULL (said in d->report). */
char *imp_store_image(imp_doc *d, const unsigned char *data, size_t len,
    const char *name);
/* The image in the archive's part as imp_store_image stores it: its
 * link target (caller frees), or NULL, said in d->report the first
 * time.  Each part is read once a document, however often it is
 * shown. */
char *imp_image_part(imp_doc *d, importzip *z, const char *part);

/* A list's start number as the file wrote it (Word's w:start and
 * w:startOverride, OpenDocument's text:start-value), kept to what a
 * Markdown list item can say: CommonMark allows nine digits.  A reader
 * counts on from it no further than IMP_LIST_NUMBER_MAX. */
#define IMP_LIST_NUMBER_MAX 999999999L
int imp_list_number(const char *s);

/* ---- readers ---- */
/* Parses one XML part of the archive (data, len bytes, named name) for
 * a reader: no network, no DTD loaded, and a part that declares
 * entities refused.  NULL with *err (caller frees) when it is not
 * well-formed or declares entities. */
xmlDocPtr imp_parse_xml(const char *data, size_t len, const char *name,
    char **err);
/* 0 read; else -1 with *err set. */
int importdocx_read(importzip *z, imp_doc *d, char **err);
int importodt_read(importzip *z, imp_doc *d, char **err);

/* ---- front matter and Markdown ---- */

/* Recovers front matter (YAML with a comment on every guess) from the
 * title block and control table, marks the blocks it used and the
 * hand-typed contents list dropped, and adds what it found and did not
 * to *report.  fallback_title: from the file name. */
char *importmeta_recover(imp_doc *d, const char *fallback_title, buf *report);
/* The body as Markdown. */
char *importmd_body(imp_doc *d);

/* Why a write beneath the project failed (errno err), for a message. */
const char *imp_write_reason(int err);

/* policyc import: argv after "import".  Returns an exit status. */
int import_main(int argc, char **argv);

#endif
