/*
 * sources.h — the registry of statutory guidance documents cite (Working
 * Together, Keeping Children Safe in Education, the EYFS framework, the
 * Children Acts, the Care Act): each source with its editions, each
 * edition with its date and the edition it replaced.  The shipped
 * registry is data/sources.yaml; a project's sources: in policyc.yaml
 * extends it (new sources, new editions) or overrides it (an edition or
 * a title of the same name).  govern.c judges citations against it.
 */
#ifndef POLICYC_SOURCES_H
#define POLICYC_SOURCES_H

#include <stddef.h>
#include "diag.h"
#include "project.h"

typedef struct {
	char *name;           /* "2018", "September 2024" */
	char *date;           /* YYYY-MM-DD it came into force (or was published) */
	char *replaces;       /* the edition it replaced, or NULL */
	char *url;            /* may be NULL */
	long successor;       /* index of the edition that replaced it, or -1 */
	const char *file;     /* where it was written (for diagnostics) */
	int line, col;
} source_edition;

typedef struct {
	char *id, *title, *url;
	char **mentions; size_t nmentions;  /* names the text uses */
	source_edition *eds; size_t neds;   /* in date order */
} source_entry;

typedef struct sources sources;

/* Reads DATA_DIR/data/sources.yaml, then the project's sources:.
 * Problems in either are config-invalid (config-unknown-key for a key
 * that is not known, with a suggestion), located in their file.  Never
 * NULL; caller frees with sources_free. */
sources *sources_load(const project *p, const char *data_dir, diag_set *ds);
void sources_free(sources *s);

size_t sources_count(const sources *s);
const source_entry *sources_at(const sources *s, size_t i);
/* Index of the source with this id, or -1. */
long sources_find(const sources *s, const char *id);
/* Index of an edition of e by name (case-insensitive), or -1. */
long sources_edition(const source_entry *e, const char *name);
/* The closest source id to a misspelt one (util.h suggest), or NULL. */
const char *sources_suggest(const sources *s, const char *id);

/* A mention of a source in running text. */
typedef struct {
	size_t source;
	long edition;         /* -1: no edition named */
	size_t start, end;    /* byte offsets, the edition included */
} sources_mention;

/* The mentions of registry sources in text[0..len), by the glossary's
 * matcher (termmatch.c): a name, then optionally an edition ("2018",
 * "(2018)").  *out is newly allocated (caller frees) or NULL. */
size_t sources_find_mentions(const sources *s, const char *text,
    size_t len, sources_mention **out);


#endif
