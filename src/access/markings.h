/* Markings: TLP 2.0 (and 1.0, mapped), the project's releasability marking,
 * and banners. Pure code. */
#ifndef CX_ACCESS_MARKINGS_H
#define CX_ACCESS_MARKINGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* TLP levels, ordered by restriction (CX_TLP_NONE: unmarked). */
enum cx_tlp {
	CX_TLP_NONE = 0,
	CX_TLP_CLEAR = 1,
	CX_TLP_GREEN = 2,
	CX_TLP_AMBER = 3,
	CX_TLP_AMBER_STRICT = 4,
	CX_TLP_RED = 5,
};

/* The project's releasability marking: a marking-definition carrying this
 * property extension, and the project's identity that declares it. */
#define CX_REL_EXTENSION_ID "extension-definition--a7b3c2d1-6e5f-4a8b-9c0d-1e2f3a4b5c6d"
#define CX_PROJECT_IDENTITY_ID "identity--2c9e4f5a-7b1d-4e3f-8a6c-0d9b8e7f6a5c"
#define CX_MAX_REL_PARTNERS 64

/* The TLP level of a marking-definition id (2.0 or 1.0), or CX_TLP_NONE
 * when the id is no TLP marking. */
enum cx_tlp cx_tlp_of_marking(const char *marking_id);
/* "TLP:CLEAR" ... ; "" for none. */
const char *cx_tlp_name(enum cx_tlp tlp);
/* The canonical (RFC 8785) text of the OASIS TLP marking definitions, 2.0
 * then 1.0, NULL-terminated; stored by `cx init`. */
extern const char *const cx_tlp_marking_objects[];

struct cx_releasability {
	int classification; /* 0 U, 1 R, 2 C, 3 S */
	size_t ncodes;
	char codes[CX_MAX_REL_PARTNERS][17];
};

/* When md (a marking-definition) carries the releasability extension, fill
 * *ret and return 1; return 0 when it does not; -EINVAL when the extension
 * is malformed (classification not U/R/C/S, releasable_to not a list of
 * partner codes), with a reason in err. */
int cx_releasability_parse(const json_t *md, struct cx_releasability *ret, char *err,
			   size_t errlen);

/* "UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET". */
const char *cx_classification_word(int classification);

/* Append a banner such as "TLP:AMBER CONFIDENTIAL//REL TO USA, IRQ, KRG"
 * (USA first, then the other codes alphabetically) to out. codes may be
 * NULL when ncodes is 0; without codes the banner has no REL TO part. */
void cx_banner(struct cx_buf *out, enum cx_tlp tlp, int classification,
	       const char *const *codes, size_t ncodes);

/* The JSON schema of the releasability extension (served by the node) and
 * the extension-definition object that declares it (canonical text). */
extern const char cx_releasability_schema[];
extern const char cx_releasability_extension_object[];
extern const char cx_project_identity_object[];

#endif
