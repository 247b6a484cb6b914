/* The store's unit tests run on a real SQLite file in a fresh temporary
 * folder: this fixture makes it before each test and removes it after. */
#ifndef CX_TEST_STORE_FIXTURE_H
#define CX_TEST_STORE_FIXTURE_H

#include "store/store.h"

struct fixture {
	char dir[64];
	char path[128];
	struct cx_store *s; /* a test may close it and set NULL */
};

/* cmocka set-up and tear-down; *state is a struct fixture. */
int store_fixture_setup(void **state);
int store_fixture_teardown(void **state);

#define STORE_TEST(fn) cmocka_unit_test_setup_teardown(fn, store_fixture_setup, store_fixture_teardown)

#endif
