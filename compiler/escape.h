/*
 * escape.h — one escaper per target, as cmark's houdini_*: JSON strings,
 * XML text and attributes, URI references, GitHub workflow-command data,
 * and plain text for a terminal.  Each appends to a buf and treats its
 * input as UTF-8 that may be broken: invalid bytes become U+FFFD, so no
 * output is ever invalid for its format.  Every module that writes text
 * into a format escapes through here; none keeps a copy of its own.
 */
#ifndef POLICYC_ESCAPE_H
#define POLICYC_ESCAPE_H

#include <stddef.h>
#include "util.h"

/* A JSON string literal, quotes included (U+2028/2029 escaped too, so the
 * result is also a JavaScript string). */
void escape_json(buf *b, const char *s);
/* XML content or attribute value: & < > " ' escaped, newline/CR/tab as
 * character references, other C0 controls and U+FFFE/FFFF as U+FFFD. */
void escape_xml(buf *b, const char *s);
/* Text and an attribute value exactly as libxml2 2.9's writer escapes them
 * when it writes UTF-8 (xmlEscapeContent, xmlBufAttrSerializeTxtContent),
 * for a writer that must produce libxml2's bytes (xhtmlsave.c): text
 * escapes & < > and CR; an attribute also " and newline and tab.  Other
 * bytes pass as they are, valid UTF-8 or not. */
void escape_libxml_text(buf *b, const char *s);
void escape_libxml_attr(buf *b, const char *s);
/* A URI reference: unreserved characters (A-Z a-z 0-9 - . _ ~) and the
 * bytes in `keep` stay, every other byte is percent-encoded (%XX).
 * ESCAPE_URI_PATH keeps '/'; ESCAPE_URI_REF keeps what a full URL needs
 * (: / ? # [ ] @ ! $ & ' * + , ; = %) but still encodes spaces, quotes,
 * backslashes, parentheses... */
#define ESCAPE_URI_PATH "/"
#define ESCAPE_URI_REF ":/?#[]@!$&*+,;=%"
void escape_uri(buf *b, const char *s, const char *keep);
/* GitHub workflow commands: % CR LF escaped; with prop, also : and , (a
 * property value); other controls as U+FFFD so a command stays one line. */
void escape_github(buf *b, const char *s, int prop);
/* Text for a terminal or a line-oriented log: newline, CR, ESC and other
 * controls (tab aside) written as \n, \r, \x1b..., so a file name or a
 * filter message can neither forge a line nor reach the terminal as a
 * control sequence; a backslash stays as it is. */
void escape_text(buf *b, const char *s);

#endif
