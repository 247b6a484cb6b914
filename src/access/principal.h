/* Who is asking: an authenticated user (or peer node), as every access
 * decision sees them. */
#ifndef CX_ACCESS_PRINCIPAL_H
#define CX_ACCESS_PRINCIPAL_H

#include <stdint.h>

struct cx_principal {
	int64_t user; /* users.rowid; 0: nobody */
	char name[65];
	int64_t partner_rowid;
	char partner[17]; /* partner code */
	unsigned roles;   /* enum cx_role bits */
	char clearance;   /* 'U', 'R', 'C' or 'S' */
	int64_t token;    /* tokens.rowid when a token was used, else 0 */
};

#endif
