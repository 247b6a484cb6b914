/* Every endpoint of the node, in one table: method, path pattern, handler
 * and the largest body it accepts. The first route whose pattern and method
 * match serves the request. */
#include "server/server.h"
#include "api/api.h"
#include "taxii/taxii.h"

#define NO_BODY 0, NULL
#define API_BODY (1024 * 1024), NULL
#define VAULT_BODY (256 * 1024), NULL /* a person record is at most 64 KiB compact */
#define SMALL_BODY (64 * 1024), NULL /* admin and marking requests are a few fields */
#define TAXII cx_taxii_layer_error

const struct cx_route cx_routes[] = {
	{"GET", "/healthz", cx_handle_healthz, NO_BODY, NULL},
	{"GET", "/schemas/{file}", cx_handle_schema, NO_BODY, NULL},
	{"GET", "/metrics", cx_api_metrics, NO_BODY, NULL}, /* admins only */

	/* The web UI (doc/UI.md): static files, before TAXII's /{root}/ */
	{"GET", "/", cx_handle_ui_index, NO_BODY, NULL},
	{"GET", "/ui/{a}", cx_handle_ui_file, NO_BODY, NULL},
	{"GET", "/ui/{a}/{b}", cx_handle_ui_file, NO_BODY, NULL},
	{"GET", "/ui/{a}/{b}/{c}", cx_handle_ui_file, NO_BODY, NULL},
	{"GET", "/vendor/chart.js", cx_handle_vendor_chartjs, NO_BODY, NULL},

	/* The native API (doc/API.md) */
	{"POST", "/api/v1/session", cx_api_session_create, API_BODY, NULL},
	{"GET", "/api/v1/session", cx_api_session_get, NO_BODY, NULL},
	{"DELETE", "/api/v1/session", cx_api_session_delete, NO_BODY, NULL},
	{"GET", "/api/v1/objects", cx_api_objects_list, NO_BODY, NULL},
	{"POST", "/api/v1/objects", cx_api_object_create, API_BODY, NULL},
	{"GET", "/api/v1/objects/{id}", cx_api_object_get, NO_BODY, NULL},
	{"POST", "/api/v1/objects/{id}/versions", cx_api_object_version, API_BODY, NULL},
	{"POST", "/api/v1/objects/{id}/revoke", cx_api_object_revoke, API_BODY, NULL},
	{"GET", "/api/v1/dashboard", cx_api_dashboard, NO_BODY, NULL},
	{"GET", "/api/v1/statistics/repatriation", cx_api_statistics_repatriation, NO_BODY,
	 NULL},
	{"GET", "/api/v1/vault/cases/{case}/persons", cx_api_vault_list, NO_BODY, NULL},
	{"POST", "/api/v1/vault/cases/{case}/persons", cx_api_vault_create, VAULT_BODY, NULL},
	{"GET", "/api/v1/vault/persons/{id}", cx_api_vault_read, NO_BODY, NULL},
	{"PUT", "/api/v1/vault/persons/{id}", cx_api_vault_update, VAULT_BODY, NULL},
	{"DELETE", "/api/v1/vault/persons/{id}", cx_api_vault_delete, NO_BODY, NULL},
	{"GET", "/api/v1/partners", cx_api_partners_list, NO_BODY, NULL},
	{"POST", "/api/v1/markings/preview", cx_api_markings_preview, SMALL_BODY, NULL},
	{"POST", "/api/v1/markings", cx_api_markings_create, SMALL_BODY, NULL},
	{"GET", "/api/v1/admin/users", cx_api_admin_users_list, NO_BODY, NULL},
	{"POST", "/api/v1/admin/users", cx_api_admin_user_create, SMALL_BODY, NULL},
	{"POST", "/api/v1/admin/users/{name}", cx_api_admin_user_update, SMALL_BODY, NULL},
	{"GET", "/api/v1/admin/partners", cx_api_admin_partners_list, NO_BODY, NULL},
	{"POST", "/api/v1/admin/partners", cx_api_admin_partner_create, SMALL_BODY, NULL},
	{"GET", "/api/v1/admin/tokens", cx_api_admin_tokens_list, NO_BODY, NULL},
	{"POST", "/api/v1/admin/tokens", cx_api_admin_token_create, SMALL_BODY, NULL},
	{"POST", "/api/v1/admin/tokens/{id}/disable", cx_api_admin_token_disable, SMALL_BODY,
	 NULL},
	{"GET", "/api/v1/admin/collections", cx_api_admin_collections_list, NO_BODY, NULL},
	{"POST", "/api/v1/admin/collections", cx_api_admin_collection_create, SMALL_BODY, NULL},
	{"POST", "/api/v1/admin/collections/{id}/grants", cx_api_admin_collection_grant,
	 SMALL_BODY, NULL},
	{"GET", "/api/v1/peers", cx_api_peers_list, NO_BODY, NULL},
	{"GET", "/api/v1/admin/audit", cx_api_admin_audit_list, NO_BODY, NULL},
	{"POST", "/api/v1/admin/audit/verify", cx_api_admin_audit_verify, SMALL_BODY, NULL},

	/* TAXII 2.1 */
	{"GET", "/taxii2/", cx_taxii_discovery, NO_BODY, TAXII},
	{"GET", "/{root}/", cx_taxii_api_root, NO_BODY, TAXII},
	{"GET", "/{root}/status/{id}/", cx_taxii_status, NO_BODY, TAXII},
	{"GET", "/{root}/collections/", cx_taxii_collections, NO_BODY, TAXII},
	{"GET", "/{root}/collections/{id}/", cx_taxii_collection_get, NO_BODY, TAXII},
	{"GET", "/{root}/collections/{id}/manifest/", cx_taxii_manifest, NO_BODY, TAXII},
	{"GET", "/{root}/collections/{id}/objects/", cx_taxii_objects_get, NO_BODY, TAXII},
	{"POST", "/{root}/collections/{id}/objects/", cx_taxii_objects_add, 0,
	 cx_taxii_body_limit, TAXII},
	{"GET", "/{root}/collections/{id}/objects/{object}/", cx_taxii_object_get, NO_BODY,
	 TAXII},
	{"DELETE", "/{root}/collections/{id}/objects/{object}/", cx_taxii_object_delete, NO_BODY,
	 TAXII},
	{"GET", "/{root}/collections/{id}/objects/{object}/versions/", cx_taxii_versions,
	 NO_BODY, TAXII},
};

const size_t cx_routes_count = sizeof(cx_routes) / sizeof(cx_routes[0]);
