/* Roles and clearances: their names and parsing. Pure code. */
#ifndef CX_ACCESS_ROLES_H
#define CX_ACCESS_ROLES_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

/* The name of one role bit ("reader", ...), or NULL. */
const char *cx_role_name(unsigned role);
/* Parse one role name into its bit. Returns 0 or -EINVAL. */
int cx_role_parse(const char *name, unsigned *ret);
/* Parse a comma list ("contributor,approver") into bits. Returns 0 or
 * -EINVAL (unknown or empty name). */
int cx_roles_parse(const char *list, unsigned *ret);
/* Write the comma list of roles into out (size n). Returns out. */
char *cx_roles_format(unsigned roles, char *out, size_t n);

/* True for 'U', 'R', 'C', 'S'. */
bool cx_clearance_valid(char c);
/* The order of a clearance: U=0 < R=1 < C=2 < S=3; -1 when invalid. */
int cx_clearance_rank(char c);

/* A partner code: 2-16 characters of A-Z, 0-9 and '-'. */
bool cx_partner_code_valid(const char *code);
/* A user name: 1-64 characters of a-z, A-Z, 0-9, '.', '_', '-', '@'. */
bool cx_user_name_valid(const char *name);

#endif
