#include "stix/vocab.h"

#include <stddef.h>
#include <string.h>

bool cx_vocab_has(const char *const *vocab, const char *s)
{
	if (!vocab || !s)
		return false;
	for (; *vocab; vocab++) {
		if (strcmp(*vocab, s) == 0)
			return true;
	}
	return false;
}

/* Enumerations (STIX 2.1 section 10). */

const char *const cx_vocab_encryption_algorithm[] = {
    "AES-256-GCM",
    "ChaCha20-Poly1305",
    "mime-type-indicated",
    NULL,
};

const char *const cx_vocab_extension_type[] = {
    "new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension", NULL,
};

const char *const cx_vocab_network_socket_address_family[] = {
    "AF_UNSPEC", "AF_INET", "AF_IPX", "AF_APPLETALK", "AF_NETBIOS",
    "AF_INET6",  "AF_IRDA", "AF_BTH", NULL,
};

const char *const cx_vocab_network_socket_type[] = {
    "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM", "SOCK_SEQPACKET", NULL,
};

const char *const cx_vocab_opinion[] = {
    "strongly-disagree", "disagree", "neutral", "agree", "strongly-agree", NULL,
};

const char *const cx_vocab_windows_integrity_level[] = {
    "low", "medium", "high", "system", NULL,
};

const char *const cx_vocab_windows_registry_datatype[] = {
    "REG_NONE",
    "REG_SZ",
    "REG_EXPAND_SZ",
    "REG_BINARY",
    "REG_DWORD",
    "REG_DWORD_BIG_ENDIAN",
    "REG_DWORD_LITTLE_ENDIAN",
    "REG_LINK",
    "REG_MULTI_SZ",
    "REG_RESOURCE_LIST",
    "REG_FULL_RESOURCE_DESCRIPTION",
    "REG_RESOURCE_REQUIREMENTS_LIST",
    "REG_QWORD",
    "REG_INVALID_TYPE",
    NULL,
};

const char *const cx_vocab_windows_service_start_type[] = {
    "SERVICE_AUTO_START", "SERVICE_BOOT_START",   "SERVICE_DEMAND_START",
    "SERVICE_DISABLED",   "SERVICE_SYSTEM_ALERT", NULL,
};

const char *const cx_vocab_windows_service_type[] = {
    "SERVICE_KERNEL_DRIVER",
    "SERVICE_FILE_SYSTEM_DRIVER",
    "SERVICE_WIN32_OWN_PROCESS",
    "SERVICE_WIN32_SHARE_PROCESS",
    NULL,
};

const char *const cx_vocab_windows_service_status[] = {
    "SERVICE_CONTINUE_PENDING", "SERVICE_PAUSE_PENDING", "SERVICE_PAUSED",  "SERVICE_RUNNING",
    "SERVICE_START_PENDING",    "SERVICE_STOP_PENDING",  "SERVICE_STOPPED", NULL,
};

/* Open vocabularies (STIX 2.1 section 10): suggested values only. */

const char *const cx_vocab_account_type[] = {
    "facebook", "ldap",    "nis",  "openid",        "radius",         "skype",
    "tacacs",   "twitter", "unix", "windows-local", "windows-domain", NULL,
};

const char *const cx_vocab_attack_motivation[] = {
    "accidental",
    "coercion",
    "dominance",
    "ideology",
    "notoriety",
    "organizational-gain",
    "personal-gain",
    "personal-satisfaction",
    "revenge",
    "unpredictable",
    NULL,
};

const char *const cx_vocab_attack_resource_level[] = {
    "individual", "club", "contest", "team", "organization", "government", NULL,
};

const char *const cx_vocab_grouping_context[] = {
    "suspicious-activity",
    "malware-analysis",
    "unspecified",
    NULL,
};

const char *const cx_vocab_hash_algorithm[] = {
    "MD5", "SHA-1", "SHA-256", "SHA-512", "SHA3-256", "SHA3-512", "SSDEEP", "TLSH", NULL,
};

const char *const cx_vocab_identity_class[] = {
    "individual", "group", "system", "organization", "class", "unknown", NULL,
};

const char *const cx_vocab_implementation_language[] = {
    "applescript",  "bash",       "c",      "c++",         "c#",    "go",
    "java",         "javascript", "lua",    "objective-c", "perl",  "php",
    "powershell",   "python",     "ruby",   "scala",       "swift", "typescript",
    "visual-basic", "x86-32",     "x86-64", NULL,
};

const char *const cx_vocab_indicator_type[] = {
    "anomalous-activity", "anonymization", "benign",  "compromised",
    "malicious-activity", "attribution",   "unknown", NULL,
};

const char *const cx_vocab_industry_sector[] = {
    "agriculture",
    "aerospace",
    "automotive",
    "chemical",
    "commercial",
    "communications",
    "construction",
    "defense",
    "education",
    "energy",
    "entertainment",
    "financial-services",
    "government",
    "emergency-services",
    "government-local",
    "government-national",
    "government-public-services",
    "government-regional",
    "healthcare",
    "hospitality-leisure",
    "infrastructure",
    "dams",
    "nuclear",
    "water",
    "insurance",
    "manufacturing",
    "mining",
    "non-profit",
    "pharmaceuticals",
    "retail",
    "technology",
    "telecommunications",
    "transportation",
    "utilities",
    NULL,
};

const char *const cx_vocab_infrastructure_type[] = {
    "amplification",
    "anonymization",
    "botnet",
    "command-and-control",
    "control-system",
    "exfiltration",
    "firewall",
    "hosting-malware",
    "hosting-target-lists",
    "phishing",
    "reconnaissance",
    "routers-switches",
    "staging",
    "workstation",
    "unknown",
    NULL,
};

const char *const cx_vocab_malware_result[] = {
    "malicious", "suspicious", "benign", "unknown", NULL,
};

const char *const cx_vocab_malware_capabilities[] = {
    "accesses-remote-machines",
    "anti-debugging",
    "anti-disassembly",
    "anti-emulation",
    "anti-memory-forensics",
    "anti-sandbox",
    "anti-vm",
    "captures-input-peripherals",
    "captures-output-peripherals",
    "captures-system-state-data",
    "cleans-traces-of-infection",
    "commits-fraud",
    "communicates-with-c2",
    "compromises-data-availability",
    "compromises-data-integrity",
    "compromises-system-availability",
    "controls-local-machine",
    "degrades-security-software",
    "degrades-system-updates",
    "determines-c2-server",
    "emails-spam",
    "escalates-privileges",
    "evades-av",
    "exfiltrates-data",
    "fingerprints-host",
    "hides-artifacts",
    "hides-executing-code",
    "infects-files",
    "infects-remote-machines",
    "installs-other-components",
    "persists-after-system-reboot",
    "prevents-artifact-access",
    "prevents-artifact-deletion",
    "probes-network-environment",
    "self-modifies",
    "steals-authentication-credentials",
    "violates-system-operational-integrity",
    NULL,
};

const char *const cx_vocab_malware_type[] = {
    "adware",
    "backdoor",
    "bot",
    "bootkit",
    "ddos",
    "downloader",
    "dropper",
    "exploit-kit",
    "keylogger",
    "ransomware",
    "remote-access-trojan",
    "resource-exploitation",
    "rogue-security-software",
    "rootkit",
    "screen-capture",
    "spyware",
    "trojan",
    "unknown",
    "virus",
    "webshell",
    "wiper",
    "worm",
    NULL,
};

const char *const cx_vocab_pattern_type[] = {
    "stix", "pcre", "sigma", "snort", "suricata", "yara", NULL,
};

const char *const cx_vocab_processor_architecture[] = {
    "alpha", "arm", "ia-64", "mips", "powerpc", "sparc", "x86", "x86-64", NULL,
};

const char *const cx_vocab_region[] = {
    "africa",
    "eastern-africa",
    "middle-africa",
    "northern-africa",
    "southern-africa",
    "western-africa",
    "americas",
    "latin-america-caribbean",
    "south-america",
    "caribbean",
    "central-america",
    "northern-america",
    "asia",
    "central-asia",
    "eastern-asia",
    "southern-asia",
    "south-eastern-asia",
    "western-asia",
    "europe",
    "eastern-europe",
    "northern-europe",
    "southern-europe",
    "western-europe",
    "oceania",
    "antarctica",
    "australia-new-zealand",
    "melanesia",
    "micronesia",
    "polynesia",
    NULL,
};

const char *const cx_vocab_report_type[] = {
    "attack-pattern", "campaign",     "identity",      "indicator", "intrusion-set", "malware",
    "observed-data",  "threat-actor", "threat-report", "tool",      "vulnerability", NULL,
};

const char *const cx_vocab_threat_actor_type[] = {
    "activist",
    "competitor",
    "crime-syndicate",
    "criminal",
    "hacker",
    "insider-accidental",
    "insider-disgruntled",
    "nation-state",
    "sensationalist",
    "spy",
    "terrorist",
    "unknown",
    NULL,
};

const char *const cx_vocab_threat_actor_role[] = {
    "agent",
    "director",
    "independent",
    "infrastructure-architect",
    "infrastructure-operator",
    "malware-author",
    "sponsor",
    NULL,
};

const char *const cx_vocab_threat_actor_sophistication[] = {
    "none", "minimal", "intermediate", "advanced", "expert", "innovator", "strategic", NULL,
};

const char *const cx_vocab_tool_type[] = {
    "denial-of-service",
    "exploitation",
    "information-gathering",
    "network-capture",
    "credential-exploitation",
    "remote-access",
    "vulnerability-scanning",
    "unknown",
    NULL,
};

const char *const cx_vocab_windows_pebinary_type[] = {
    "dll",
    "exe",
    "sys",
    NULL,
};
