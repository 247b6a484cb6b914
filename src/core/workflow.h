/* Workflows of the coalition records (doc/RECORDS.md): which state changes
 * a new version may make, and what the node derives from a record and the
 * objects around it. Pure code: callers load the objects. */
#ifndef CX_CORE_WORKFLOW_H
#define CX_CORE_WORKFLOW_H

#include <jansson.h>
#include <stdint.h>

#include "stix/error.h"

/* May a new version move from prev to next (same record type)? Returns 0,
 * or -EINVAL with err (property "status", rule "invalid-transition"). */
int cx_workflow_check_transition(const json_t *prev, const json_t *next,
				 struct cx_stix_error *err);

/* The roles (enum cx_role bits, any of them) a principal needs to move a
 * record of this type into state `to`; 0 when any writer may. */
unsigned cx_workflow_roles_for(const char *type, const char *to);

/* May a principal with these roles make the status change from prev to
 * next? Returns 0, or -EINVAL with err (property "status", rule
 * "approver-step"). */
int cx_workflow_check_role(unsigned roles, const json_t *prev, const json_t *next,
			   struct cx_stix_error *err);

/* The states a record of this type may move to from its current one (a new
 * reference to a JSON array; empty when final or not a workflow type). */
json_t *cx_workflow_next_states(const json_t *obj);

/* A commitment: {"state", "overdue", "progress": [notes]} at time now. */
json_t *cx_workflow_commitment(const json_t *obj, const json_t *notes, int64_t now_us);

/* An assessment: {"state", "score": {"value", "formula", "inputs": [...]},
 * "endorsements": {...}, "endorsed", "awaiting": [...]}. framework may be
 * NULL (not readable): the score then says so. opinions are the summaries
 * of readable opinions referencing the assessment, with their "opinion"
 * value and "owner"; principals the partner codes whose endorsement counts. */
json_t *cx_workflow_assessment(const json_t *obj, const json_t *framework,
			       const json_t *opinions, const char *const *principals,
			       size_t nprincipals);

#endif
