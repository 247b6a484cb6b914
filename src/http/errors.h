/* The error-code registry: every error body the node sends carries one of
 * these codes, with the HTTP status and title given here. Codes are stable
 * numbers clients may match on; add new ones at the end of their block. */
#ifndef CX_HTTP_ERRORS_H
#define CX_HTTP_ERRORS_H

enum cx_ec {
	/* 1xxx: request form */
	CX_EC_NOT_FOUND = 1000,
	CX_EC_METHOD_NOT_ALLOWED = 1001,
	CX_EC_BODY_TOO_LARGE = 1002,
	CX_EC_BAD_JSON = 1003,
	CX_EC_BAD_PARAMETER = 1004,
	CX_EC_NOT_ACCEPTABLE = 1005,
	CX_EC_UNSUPPORTED_MEDIA_TYPE = 1006,
	CX_EC_URI_TOO_LONG = 1007,
	CX_EC_UNAUTHORIZED = 1008,
	CX_EC_FORBIDDEN = 1009,
	CX_EC_UNPROCESSABLE = 1010,
	CX_EC_BAD_NEXT = 1011,
	CX_EC_CSRF = 1012,
	CX_EC_SERVER_SET = 1013,
	CX_EC_CONFLICT = 1014,
	CX_EC_NOT_IMPLEMENTED = 1015,
	CX_EC_HEADERS_TOO_LARGE = 1016,
	/* 9xxx: the node itself */
	CX_EC_INTERNAL = 9000,
	CX_EC_STORE_UNAVAILABLE = 9001,
	CX_EC_STORE_FULL = 9002, /* the disk holding the store is full: nothing was written */
};

struct cx_ec_info {
	enum cx_ec code;
	unsigned http_status;
	const char *title;
};

/* The registry entry for code (a 500 entry for unknown codes). */
const struct cx_ec_info *cx_ec_info(enum cx_ec code);

#endif
