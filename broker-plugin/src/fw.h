/* Fleetward's Mosquitto plugin: the model it holds and the operations on it, shared by its parts.
 *
 * The model is the dynamic-security model Fleetward speaks (clients, groups, roles with their rules, the default
 * access), plus ${clientId}/${username} templates evaluated at check time, the revoked certificate serials and the
 * live views' credentials. One model per broker process, shared by every listener the plugin is loaded on; what
 * differs per listener (which credentials it accepts, whether it takes commands) is the listener's own `fw_listener`.
 */
#ifndef FW_H
#define FW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <uthash.h>

#define FW_CONTROL_TOPIC "$CONTROL/fleetward/v1"
#define FW_RESPONSE_TOPIC "$CONTROL/fleetward/v1/response"
#define FW_EVENTS_TOPIC "$CONTROL/fleetward/v1/events"
/* The first level of every topic Fleetward's control plane uses: no device may publish, subscribe or receive there. */
#define FW_RESERVED_PREFIX "fleetward"

enum fw_acltype { FW_PUB_SEND, FW_PUB_RECV, FW_SUB_LITERAL, FW_SUB_PATTERN, FW_UNSUB_LITERAL, FW_UNSUB_PATTERN, FW_ACLTYPES };
/* A device's password, PSK key or certificate; a live view's short-lived password; the TLS probe's PSK key. */
enum fw_credential { FW_CRED_PASSWORD, FW_CRED_PSK, FW_CRED_CERT, FW_CRED_LIVE, FW_CRED_PROBE };
/* What a listener is for: which credentials it accepts, and whether it takes Fleetward's commands. */
enum fw_listener_kind { FW_L_PASSWORD, FW_L_PSK, FW_L_CERT, FW_L_LIVE, FW_L_ADMIN };

struct fw_rule {
	char *topic;
	int priority;
	bool allow;
	bool templated; /* holds ${clientId} or ${username} */
	int index;      /* its place in the role's list as written */
};

struct fw_role {
	char *name;
	struct fw_rule *rules[FW_ACLTYPES]; /* each type's rules, priority descending, ties as written */
	int count[FW_ACLTYPES];
	unsigned char digest[32];
	UT_hash_handle hh;
};

struct fw_ref {
	char *name;
	int priority;
};

struct fw_group {
	char *name;
	struct fw_ref *roles; /* priority descending, then name */
	int role_count;
	unsigned char digest[32];
	UT_hash_handle hh;
};

struct fw_client {
	char *username;
	char *clientid;        /* the only client id it may connect with */
	enum fw_credential credential;
	char *secret;          /* password hash ($7$ or $6$), or the PSK key in hex; NULL for a certificate */
	bool disabled;
	time_t expires;        /* 0: never (live credentials expire) */
	struct fw_ref *roles;  /* priority descending, then name */
	int role_count;
	struct fw_ref *groups; /* priority descending, then name */
	int group_count;
	unsigned char digest[32];
	UT_hash_handle hh;
};

/* A revoked certificate: "<issuer hash>:<serial hex>", as fw_cert_key makes it. */
struct fw_revoked {
	char *key;
	unsigned char digest[32];
	UT_hash_handle hh;
};

struct fw_defaults {
	bool publish_send, publish_recv, subscribe, unsubscribe;
};

struct fw_model {
	struct fw_client *clients;
	struct fw_role *roles;
	struct fw_group *groups;
	struct fw_revoked *revoked;
	struct fw_defaults defaults;
	long long revision;
	/* The state digest: the XOR of every entry's SHA-256 (defaults included), so it is kept up to date entry by
	 * entry and does not depend on the order things were applied in (digest.c). */
	unsigned char digest[32];
};

struct fw_listener {
	enum fw_listener_kind kind;
	char *agent;  /* admin listener: the only identity whose commands are taken */
	void *pid;    /* mosquitto_plugin_id_t */
};

/* A connection the plugin has seen: the PSK identity its handshake gave, the key of its certificate. Kept from the
 * handshake (or login) to its disconnect, keyed by the broker's client pointer. */
struct fw_conn {
	const void *client;
	char *identity;
	char cert_key[160];
	bool logged_in;
	UT_hash_handle hh;
};

/* state.c */
struct fw_conn *fw_conn_find(const void *client);
struct fw_conn *fw_conn_get(const void *client);
void fw_conn_drop(const void *client);
void fw_conns_free(void);
extern struct fw_model fw_state;
void fw_state_init(void);
void fw_state_cleanup(void);
void fw_model_free(struct fw_model *m);
void fw_client_free(struct fw_client *c);
void fw_role_free(struct fw_role *r);
void fw_group_free(struct fw_group *g);
void fw_refs_sort(struct fw_ref *refs, int n);
void fw_role_sort(struct fw_role *r);
struct fw_client *fw_find_client(const char *username);
bool fw_is_revoked(const char *key);

/* acl.c */
/* Whether `c` may do `access` (MOSQ_ACL_*) on `topic` (a topic, or a filter for (un)subscribe), as dynsec decides. */
bool fw_acl_allows(const struct fw_client *c, const char *clientid, int access, const char *topic);
bool fw_sub_acl_check(const char *acl, const char *sub);
bool fw_reserved_topic(const char *topic);

/* auth.c */
bool fw_password_matches(const char *hash, const char *password);
/* "<issuer name hash>:<serial hex>" of an X509 certificate into out; false when it cannot be read. */
bool fw_cert_key(void *x509, char *out, size_t len);

/* digest.c */
void fw_digest_client(struct fw_client *c);
void fw_digest_role(struct fw_role *r);
void fw_digest_group(struct fw_group *g);
void fw_digest_revoked(struct fw_revoked *v);
void fw_digest_defaults(const struct fw_defaults *d, unsigned char out[32]);
void fw_digest_xor(unsigned char acc[32], const unsigned char d[32]);
void fw_digest_hex(const unsigned char d[32], char out[65]);

/* persist.c: the state folder (plugin_opt_state_dir): snapshot.jsonl (a header line, then one op per entry) and
 * journal.jsonl (each batch applied since, one per line), both fsynced. */
bool fw_persist_open(const char *dir);
bool fw_persist_batch(const char *payload, size_t len);
bool fw_persist_snapshot(void);
void fw_persist_close(void);

/* events.c */
struct mosquitto;
void fw_event_connect(const struct mosquitto *client, const struct fw_listener *l, const struct fw_client *c, const char *cert_key);
void fw_event_refused(const struct mosquitto *client, const struct fw_listener *l, const char *username, const char *reason, bool tls);
void fw_event_disconnect(const struct mosquitto *client, int reason);

/* commands.c */
void fw_model_init(struct fw_model *m);
bool fw_load_line(struct fw_model *m, const char *line, size_t len, bool is_batch);
/* Applies one command batch (JSON) whole, or refuses it and changes nothing; the reply (JSON) is malloc'd. */
char *fw_apply_batch(const char *payload, size_t len);

#endif
