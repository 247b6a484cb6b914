/* Workflows of the coalition records (doc/RECORDS.md): which state changes
 * a new version may make, and what the node derives from a record and the
 * objects around it. Pure code: callers load the objects. */
#ifndef CX_CORE_WORKFLOW_H
#define CX_CORE_WORKFLOW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "stix/error.h"

#define CX_WORKFLOW_OFFER_WARNING_DAYS 30 /* an offer expiring this soon is flagged */

/* The state a record's machine follows: its status, or an incident
 * report's stage; NULL when none. *ret_property (may be NULL) gets the
 * property's path. */
const char *cx_workflow_state(const json_t *obj, const char **ret_property);

/* May a new version move from prev to next (same record type)? Returns 0,
 * or -EINVAL with err (the state's property, rule "invalid-transition"). */
int cx_workflow_check_transition(const json_t *prev, const json_t *next,
				 struct cx_stix_error *err);

/* The roles (enum cx_role bits, any of them) a principal needs to move a
 * record of this type into state `to`; 0 when any writer may. */
unsigned cx_workflow_roles_for(const char *type, const char *to);

/* The roles (any of them) a principal needs to write a record of this type
 * at all; 0 when any writer may. */
unsigned cx_workflow_write_roles(const char *type);

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

/* A security assistance case: {"state", "next", "value_total",
 * "value_delivered", "offer_expiring", "days_in_stage"}; stage_since_us is
 * when its current status began (0: unknown). */
json_t *cx_workflow_sa_case(const json_t *obj, int64_t stage_since_us, int64_t now_us);
/* Σ delivered quantity × unit cost over a case's lines. */
double cx_workflow_value_delivered(const json_t *sa_case);
/* An offer (loa-offered) whose milestones.offer_expires is within
 * CX_WORKFLOW_OFFER_WARNING_DAYS of now, or past. */
bool cx_workflow_offer_expiring(const json_t *sa_case, int64_t now_us);

/* A movement request's state: its status, or while submitted, the value of
 * the host nation's newest decision (may be NULL: none). */
const char *cx_workflow_movement_state(const json_t *request, const json_t *decision);
/* A movement request: {"state", "decision": {...} or null, "next"}. */
json_t *cx_workflow_movement(const json_t *request, const json_t *decision);
/* A repatriation case: {"state", "decision": the home nation's newest, "next"}. */
json_t *cx_workflow_repatriation(const json_t *rcase, const json_t *decision);
/* An incident report: {"stage", "next"}. */
json_t *cx_workflow_incident(const json_t *incident);

#endif
