/*
 * extends.h — a project that extends a core (`extends: ../core` in
 * policyc.yaml): the chain of cores, the documents the edition inherits,
 * replaces, overlays and excludes, its glossary and rule settings on top
 * of the core's, and the mapping of diagnostics back to the file that
 * holds the text.  Called by pipeline.c while it loads; nothing else
 * needs to know a project has a core.
 *
 * Ownership: extends_open returns an object the pipeline frees with
 * extends_free after the corpus (documents borrow its overlay maps and
 * edition name).
 */
#ifndef POLICYC_EXTENDS_H
#define POLICYC_EXTENDS_H

#include <stddef.h>
#include "diag.h"
#include "fsio.h"
#include "document.h"
#include "project.h"

struct glossary;
typedef struct extends extends;

/* The chain of cores of p (extends-missing, extends-cycle reported at the
 * extends: line), with the cores' rules: settings under p's own.  NULL
 * when p extends nothing. */
extends *extends_open(project *p, diag_set *ds);
/* Loads the edition's documents in parallel: the project's own (rel,
 * n: its content folder's Markdown files, which this takes over), the
 * cores' it does not replace or exclude, each overlay merged into its
 * core document.  Returns the array (caller frees it); *out_n its size. */
document **extends_load(extends *e, char **rel, size_t n, int jobs,
    size_t *out_n, diag_set *ds);
/* 1 when the edition has a content folder of its own (an edition may
 * change only policyc.yaml: its name, contacts, brand). */
int extends_has_content(const project *p);
/* The glossary: the project's entries, then the cores' terms it does not
 * define itself.  NULL when no core has a glossary (the caller reads the
 * project's own as usual). */
struct glossary *extends_glossary(extends *e, diag_set *ds);
/* Points diagnostics reported since the last call at the overlay file
 * and line for local text (reported against the merged document). */
void extends_remap(extends *e, diag_set *ds);
void extends_free(extends *e);

/* A file or folder the project names (an image, the logo, a filter, a
 * template), or a core names as "../core/NAME": resolved inside the
 * project's folder (fsio_resolve_inside), else inside each core's in
 * turn, nearest first — so an edition's own file of the same name wins
 * and nothing leaves the folder of the project that has it.  *abs as
 * fsio_resolve_inside's; *shown (may be NULL; caller frees) the name as
 * seen from the project ("../core/images/a.png").  On failure the
 * answer of the project (or of the core the name is in). */
enum fsio_inside extends_resolve(const project *p, const char *name,
    int want, char **abs, char **shown);
/* The real paths of the site template folders (templates/html) of the
 * cores of the project open in the folder whose real path is given,
 * nearest first (htmlxsl.c looks a stylesheet up in the project's, then
 * these, then the built-in).  Returns the count; caller frees each and
 * *dirs. */
size_t extends_template_dirs(const char *project_real, char ***dirs);
/* linkforms_norm_path(dir, path) where dir may be a core document's
 * folder ("../core/policies/a"): normalised inside that core, its
 * prefix kept ("../core/images/x.png"); NULL when it leaves the core. */
char *extends_norm_link(const project *p, const char *dir, const char *path);
/* The folders the project's `sub` folder is looked for in, nearest
 * first: its own, then each core's.  *dirs: paths from where policyc
 * runs; *labels: as seen from the project ("sub", "../core/sub").
 * Returns the count (caller frees each string and both arrays). */
size_t extends_layers(const project *p, const char *sub, char ***dirs,
    char ***labels);
/* 1 when any of those folders exists. */
int extends_any_layer(const project *p, const char *sub);

/* The edition's name (edition:, else organisation name, else title). */
const char *extends_edition_name(const project *p);

/* "a/b/../c" -> "a/c" (leading ".." segments stay).  Caller frees. */
char *extends_norm_path(const char *path);

/* Shared reads across editions built in one run: files read, and reads
 * of the same file saved. */
void extends_cache_stats(size_t *files, size_t *saved);
void extends_cache_clear(void);

/* `policyc overlay update DIR`: records the current hash of each core
 * section the project's overlays name.  Returns the markers changed, or
 * -1 when the project cannot be read (reported). */
int extends_overlay_update(const char *dir, diag_set *ds, int *files);

#endif
