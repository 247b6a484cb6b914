/* The workflow rules ingest applies to a record's new version. */
#ifndef CX_CORE_INGEST_WORKFLOW_H
#define CX_CORE_INGEST_WORKFLOW_H

#include <jansson.h>
#include <stdint.h>

#include "core/ingest.h"
#include "stix/error.h"
#include "store/store.h"

/* A record's new version (id, modified µs, obj) must follow its type's
 * workflow from the newest stored version (an older version arriving late
 * changes no state); with a writer, the approver's steps need the approver
 * and an endorsement needs every principal partner's agreeing opinion.
 * CX_STORE_NO_RESULT with err filled when it does not; call inside the
 * storing transaction. */
enum cx_store_status cx_ingest_check_workflow(struct cx_store *s, const char *id,
					      int64_t modified, const json_t *obj,
					      const struct cx_ingest_opts *opts,
					      struct cx_stix_error *err);

#endif
