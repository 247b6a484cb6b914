/* The STIX 2.1 vocabularies (section 10), as NULL-terminated lists of
 * strings.
 *
 * Enumerations ("-enum") are closed: a value outside the list is invalid.
 * Open vocabularies ("-ov") list suggested values only; the validators use
 * them for the few places where STIX gives them a MUST (hash algorithm names
 * select a value format) and otherwise accept any string. */
#ifndef CX_STIX_VOCAB_H
#define CX_STIX_VOCAB_H

#include <stdbool.h>

/* True when s is one of the strings in vocab (exact, case-sensitive match). */
bool cx_vocab_has(const char *const *vocab, const char *s);

/* Closed vocabularies (enumerations). */
extern const char *const cx_vocab_encryption_algorithm[];
extern const char *const cx_vocab_extension_type[];
extern const char *const cx_vocab_network_socket_address_family[];
extern const char *const cx_vocab_network_socket_type[];
extern const char *const cx_vocab_opinion[];
extern const char *const cx_vocab_windows_integrity_level[];
extern const char *const cx_vocab_windows_registry_datatype[];
extern const char *const cx_vocab_windows_service_start_type[];
extern const char *const cx_vocab_windows_service_type[];
extern const char *const cx_vocab_windows_service_status[];

/* Open vocabularies (suggested values). */
extern const char *const cx_vocab_account_type[];
extern const char *const cx_vocab_attack_motivation[];
extern const char *const cx_vocab_attack_resource_level[];
extern const char *const cx_vocab_grouping_context[];
extern const char *const cx_vocab_hash_algorithm[];
extern const char *const cx_vocab_identity_class[];
extern const char *const cx_vocab_implementation_language[];
extern const char *const cx_vocab_indicator_type[];
extern const char *const cx_vocab_industry_sector[];
extern const char *const cx_vocab_infrastructure_type[];
extern const char *const cx_vocab_malware_result[];
extern const char *const cx_vocab_malware_capabilities[];
extern const char *const cx_vocab_malware_type[];
extern const char *const cx_vocab_pattern_type[];
extern const char *const cx_vocab_processor_architecture[];
extern const char *const cx_vocab_region[];
extern const char *const cx_vocab_report_type[];
extern const char *const cx_vocab_threat_actor_type[];
extern const char *const cx_vocab_threat_actor_role[];
extern const char *const cx_vocab_threat_actor_sophistication[];
extern const char *const cx_vocab_tool_type[];
extern const char *const cx_vocab_windows_pebinary_type[];

#endif
