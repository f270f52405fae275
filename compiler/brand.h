/*
 * brand.h — the project's brand, judged once at load: the colours of
 * organisation.colours (parsed, and darkened where they fail WCAG AA
 * contrast on white) and the logo (inside the project, a regular file, no
 * active SVG, bounded dimensions).  Both back ends draw only what this
 * module judged, through project->brand, project->logo_path and the
 * <colour>/<logo> elements of the XML.
 */
#ifndef POLICYC_BRAND_H
#define POLICYC_BRAND_H

#include "diag.h"
#include "project.h"

/* Defaults when organisation.colours does not name a colour. */
#define BRAND_PRIMARY "#1d70b8"
#define BRAND_ACCENT  "#00703c"
#define BRAND_TEXT    "#1b1b1b"

/* The one colour parser: "#rgb" or "#rrggbb" (either case) into 0..255
 * channels.  Returns 0, or -1 when s is no such colour. */
int brand_parse_hex(const char *s, double rgb[3]);
/* WCAG contrast ratio of a colour against white (1..21). */
double brand_contrast_white(const double rgb[3]);

/* Fills p->brand (primary, accent, text as "#rrggbb") and p->logo_path.
 * Reports brand-contrast [warning] for a colour that is malformed (the
 * default stands in) or under 4.5:1 on white (a darker shade of it stands
 * in), at its line in policyc.yaml; for the logo, config-invalid when it
 * resolves outside the project or is not a regular file, image-missing
 * when it does not exist, link-unsafe for an SVG with active content and
 * image-too-large past the bounds of assets.h.  A refused logo is left
 * out (p->logo_path NULL).  Call once, after project_load. */
void brand_resolve(project *p, diag_set *ds);

#endif
