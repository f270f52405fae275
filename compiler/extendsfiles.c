/*
 * extendsfiles.c — the files an edition inherits from its cores (the
 * other half of extends.c): the filters of filters/, the site templates
 * of templates/html, the logo and every image or file a document names
 * are looked for in the project's own folder first, then in each core's,
 * nearest first, so an edition's file of the same name wins.  Each is
 * resolved with fsio_resolve_inside in the folder of the project that
 * has it, and a core document's relative path is normalised inside its
 * core: nothing leaves the project that names it.  Called at load and
 * check (links.c, assets.c, brand.c, filters.c, pipeline.c) and by the
 * template engine (htmlxsl.c) and the build cache (incremental.c).
 */
#include <stdlib.h>
#include <string.h>

#include "extends.h"
#include "fsio.h"
#include "linkforms.h"
#include "util.h"

/* The folder of core i as a path from where policyc runs. */
static char *
core_dir(const project *p, size_t i)
{
	return p->cores[i][0] == '/' ? xstrdup(p->cores[i]) :
	    path_join(p->dir, p->cores[i]);
}

enum fsio_inside
extends_resolve(const project *p, const char *name, int want, char **abs,
    char **shown)
{
	const char *rest = name;
	enum fsio_inside r, first;
	size_t i, named = 0;

	for (i = 0; i < p->ncores; i++) {
		size_t n = strlen(p->cores[i]);
		if (!strncmp(name, p->cores[i], n) && name[n] == '/') {
			rest = name + n + 1;   /* a core's own name for it */
			named = i + 1;
			break;
		}
	}
	first = r = fsio_resolve_inside(p->dir, rest, want, abs);
	if (r == FSIO_INSIDE && shown)
		*shown = extends_norm_path(rest);
	for (i = 0; r != FSIO_INSIDE && i < p->ncores; i++) {
		char *dir = core_dir(p, i);
		r = fsio_resolve_inside(dir, rest, want, abs);
		if (i + 1 == named)
			first = r;
		if (r == FSIO_INSIDE && shown) {
			char *joined = path_join(p->cores[i], rest);
			*shown = extends_norm_path(joined);
			free(joined);
		}
		free(dir);
	}
	if (r != FSIO_INSIDE && shown)
		*shown = NULL;
	return r == FSIO_INSIDE ? r : first;
}

char *
extends_norm_link(const project *p, const char *dir, const char *path)
{
	size_t i;

	for (i = 0; i < p->ncores; i++) {
		size_t n = strlen(p->cores[i]);
		if (!strncmp(dir, p->cores[i], n) && (!dir[n] || dir[n] == '/')) {
			char *in = linkforms_norm_path(dir[n] ? dir + n + 1 : "",
			    path), *r;
			if (!in)
				return NULL;
			r = *in ? path_join(p->cores[i], in) : xstrdup(p->cores[i]);
			free(in);
			return r;
		}
	}
	return linkforms_norm_path(dir, path);
}

int
extends_any_layer(const project *p, const char *sub)
{
	char **dirs, **labels;
	size_t n = extends_layers(p, sub, &dirs, &labels), i;
	int any = 0;

	for (i = 0; i < n; i++) {
		any |= fsio_is_dir(dirs[i]);
		free(dirs[i]);
		free(labels[i]);
	}
	free(dirs);
	free(labels);
	return any;
}

size_t
extends_layers(const project *p, const char *sub, char ***dirs,
    char ***labels)
{
	size_t i;

	*dirs = xcalloc(p->ncores + 1, sizeof **dirs);
	*labels = xcalloc(p->ncores + 1, sizeof **labels);
	(*dirs)[0] = path_join(p->dir, sub);
	(*labels)[0] = xstrdup(sub);
	for (i = 0; i < p->ncores; i++) {
		char *dir = core_dir(p, i);
		(*dirs)[i + 1] = path_join(dir, sub);
		(*labels)[i + 1] = path_join(p->cores[i], sub);
		free(dir);
	}
	return p->ncores + 1;
}
