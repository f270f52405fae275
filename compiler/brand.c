/*
 * brand.c — the project's brand, judged once right after policyc.yaml is
 * read and before any document or back end: the colours of
 * organisation.colours, held to WCAG AA contrast against white (4.5:1;
 * a colour that fails is darkened, keeping its hue, and the warning says
 * so), and the logo, which must lie inside the project, be a regular file
 * of bounded declared size, and — as an SVG — carry no script.  The judged
 * values go to project->brand and project->logo_path, and from there into
 * the XML (<colour name= value=>, <logo>), so the site and the PDFs draw
 * the same colour and only a judged file.  The colour parser here is the
 * only one; the PDF style reader uses it too.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "assets.h"
#include "brand.h"
#include "extends.h"
#include "fsio.h"
#include "util.h"

#define CONFIG "policyc.yaml"

int
brand_parse_hex(const char *s, double rgb[3])
{
	unsigned v;
	size_t n;

	if (s == NULL || *s != '#')
		return -1;
	n = strlen(s + 1);
	if (n != 3 && n != 6)
		return -1;
	if (strspn(s + 1, "0123456789abcdefABCDEF") != n)
		return -1;
	v = (unsigned)strtoul(s + 1, NULL, 16);
	if (n == 3) {
		rgb[0] = ((v >> 8) & 15) * 17;
		rgb[1] = ((v >> 4) & 15) * 17;
		rgb[2] = (v & 15) * 17;
	} else {
		rgb[0] = (v >> 16) & 255;
		rgb[1] = (v >> 8) & 255;
		rgb[2] = v & 255;
	}
	return 0;
}

static double
channel_lin(double c)
{
	c /= 255.0;
	return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

double
brand_contrast_white(const double rgb[3])
{
	double l = 0.2126 * channel_lin(rgb[0]) + 0.7152 * channel_lin(rgb[1]) +
	    0.0722 * channel_lin(rgb[2]);

	return 1.05 / (l + 0.05);
}

/* Writes into out ("#rrggbb") a colour that keeps the hue of the
 * configured one and passes 4.5:1 on white, warning at v when it had to
 * darken it.  A missing or malformed colour gives the fallback. */
static void
safe_colour(const char *name, const yval *v, const char *fallback,
    char out[8], diag_set *ds)
{
	const char *value = yval_str(v);
	double rgb[3];
	double ratio;
	int i;

	if (value == NULL || brand_parse_hex(value, rgb) != 0) {
		if (v != NULL)
			diag_report_sev(ds, SEV_WARNING, R_BRAND_CONTRAST, CONFIG,
			    v->line, v->col, "brand colour %s \"%s\" is not a "
			    "#rrggbb colour; using %s", name, value ? value : "",
			    fallback);
		snprintf(out, 8, "%s", fallback);
		return;
	}
	ratio = brand_contrast_white(rgb);
	if (ratio < 4.5) {
		diag_report_sev(ds, SEV_WARNING, R_BRAND_CONTRAST, CONFIG,
		    v->line, v->col, "brand colour %s %s has contrast %.2f:1 "
		    "against white (WCAG AA needs 4.5:1); the site and the PDFs "
		    "use a darker shade", name, value, ratio);
		for (i = 0; i < 100 && brand_contrast_white(rgb) < 4.5; i++) {
			rgb[0] *= 0.95;
			rgb[1] *= 0.95;
			rgb[2] *= 0.95;
		}
	}
	snprintf(out, 8, "#%02x%02x%02x", (unsigned)rgb[0] & 255,
	    (unsigned)rgb[1] & 255, (unsigned)rgb[2] & 255);
}

static void
resolve_colours(project *p, diag_set *ds)
{
	const yval *colours = yval_get(p->organisation, "colours");
	int seen_primary = 0, seen_accent = 0, seen_text = 0;
	size_t i;

	snprintf(p->brand.primary, sizeof p->brand.primary, "%s", BRAND_PRIMARY);
	snprintf(p->brand.accent, sizeof p->brand.accent, "%s", BRAND_ACCENT);
	snprintf(p->brand.text, sizeof p->brand.text, "%s", BRAND_TEXT);
	if (!colours || colours->kind != YV_MAP)
		return;
	/* every configured colour is judged (a project may name others for
	 * its own templates); the first of each brand name is kept */
	for (i = 0; i < colours->n; i++) {
		const char *nm = colours->keys[i];
		const yval *v = colours->items[i];
		char other[8];
		if (!strcmp(nm, "primary") && !seen_primary++)
			safe_colour(nm, v, BRAND_PRIMARY, p->brand.primary, ds);
		else if (!strcmp(nm, "accent") && !seen_accent++)
			safe_colour(nm, v, BRAND_ACCENT, p->brand.accent, ds);
		else if (!strcmp(nm, "text") && !seen_text++)
			safe_colour(nm, v, BRAND_TEXT, p->brand.text, ds);
		else
			safe_colour(nm, v, "#000000", other, ds);
	}
}

/* Why a readable logo file cannot be published (newly allocated), with
 * its rule; NULL when it can. */
static char *
logo_problem(const char *name, const char *data, size_t len,
    enum rule_id *rule)
{
	const char *kind = assets_sniff((const unsigned char *)data, len);
	const char *active;
	long w, h;

	*rule = R_LINK_UNSAFE;
	if (!kind)
		return xasprintf("the logo %s is not a PNG, JPEG, GIF, WebP, BMP, "
		    "ICO, AVIF or SVG file; it is not published", name);
	if (!strcmp(kind, "svg") &&
	    (active = assets_svg_active(data, len)) != NULL)
		return xasprintf("the logo %s is an SVG holding %s; it is "
		    "not published", name, active);
	*rule = R_IMAGE_TOO_LARGE;
	if (assets_dimensions((const unsigned char *)data, len, &w, &h) &&
	    !assets_dimensions_ok(w, h))
		return xasprintf("the logo %s declares %ld x %ld pixels (at most "
		    "%ld on a side and %ld in all); it is not published", name, w,
		    h, ASSETS_MAX_SIDE, ASSETS_MAX_PIXELS);
	return NULL;
}

static void
resolve_logo(project *p, diag_set *ds)
{
	const yval *v = yval_get(p->organisation, "logo");
	const char *name = yval_str(v);
	enum rule_id rule = R_LINK_UNSAFE;
	char *abs = NULL, *data, *why, *shown = NULL;
	enum fsio_inside r;
	struct stat st;
	size_t len;

	if (!name || !*name)
		return;
	/* the edition's own file of that name, else a core's (extends.c) */
	r = extends_resolve(p, name, FSIO_WANT_FILE, &abs, &shown);
	if (r != FSIO_INSIDE) {
		if (r == FSIO_MISSING)
			diag_report_sev(ds, SEV_WARNING, R_IMAGE_MISSING, CONFIG,
			    v->line, v->col, "the logo %s does not exist", name);
		else
			diag_report(ds, R_CONFIG_INVALID, CONFIG, v->line, v->col,
			    "the logo %s %s; it is not published", name,
			    fsio_inside_reason(r));
		return;
	}
	if (stat(abs, &st) == 0 && st.st_size > ASSETS_MAX_BYTES) {
		diag_report_sev(ds, SEV_ERROR, R_IMAGE_TOO_LARGE, CONFIG, v->line,
		    v->col, "the logo %s is %lld bytes (more than %ld); it is not "
		    "published", name, (long long)st.st_size, ASSETS_MAX_BYTES);
		free(abs);
		free(shown);
		return;
	}
	if (!(data = read_file(abs, &len))) {
		diag_report_sev(ds, SEV_WARNING, R_IMAGE_MISSING, CONFIG, v->line,
		    v->col, "the logo %s cannot be read", name);
		free(abs);
		free(shown);
		return;
	}
	why = logo_problem(name, data, len, &rule);
	if (why)
		diag_report_sev(ds, SEV_ERROR, rule, CONFIG, v->line, v->col,
		    "%s", why);
	else {
		p->logo_path = shown;
		shown = NULL;
	}
	free(shown);
	free(why);
	free(data);
	free(abs);
}

void
brand_resolve(project *p, diag_set *ds)
{
	resolve_colours(p, ds);
	free(p->logo_path);
	p->logo_path = NULL;
	resolve_logo(p, ds);
}
