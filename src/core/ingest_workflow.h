/* The workflow rules ingest applies to a record's new version. */
#ifndef CX_CORE_INGEST_WORKFLOW_H
#define CX_CORE_INGEST_WORKFLOW_H

#include <jansson.h>
#include <stdint.h>

#include "access/policy.h"
#include "core/ingest.h"
#include "stix/error.h"
#include "store/store.h"

/* A record's new version (row: its id, modified µs and labels; obj) must
 * keep its type's rules (doc/RECORDS.md) and follow its workflow from the
 * newest stored version (an older version arriving late changes no state);
 * with a writer, the type's and the step's roles apply and an endorsement
 * needs every principal partner's agreeing opinion. CX_STORE_NO_RESULT
 * with err filled when it does not; call inside the storing transaction. */
enum cx_store_status cx_ingest_check_workflow(struct cx_store *s, const struct cx_object_row *row,
					      const json_t *obj, const struct cx_ingest_opts *opts,
					      struct cx_stix_error *err);

/* The newest decision of type dtype referencing target made by the partner
 * with rowid by (*ret NULL: none; a new reference otherwise), among those a
 * may read (a NULL: every decision on the node, as the rules count them). */
enum cx_store_status cx_ingest_newest_decision(struct cx_store *s, const struct cx_access *a,
					       const char *dtype, const char *target, int64_t by,
					       json_t **ret);

#endif
