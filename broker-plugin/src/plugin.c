/* Fleetward's Mosquitto plugin: loaded on each listener (per_listener_settings true) with
 *   plugin_opt_listener password|psk|cert|live|admin   which credentials the listener takes
 *   plugin_opt_agent fleetward-agent-<broker>            (admin) the only identity whose commands are taken
 *   plugin_opt_state_dir <folder>                        (admin) where the state is kept across restarts (persist.c)
 * The model is the process's own, shared by every listener; each listener keeps its kind behind its userdata. */
#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>
#include "fw.h"

static int listeners_loaded;

int mosquitto_plugin_version(int supported_version_count, const int *supported_versions)
{
	for(int i = 0; i < supported_version_count; i++) if(supported_versions[i] == 5) return 5;
	return -1;
}

static bool credential_for(const struct fw_listener *l, const struct fw_client *c)
{
	switch(l->kind){
		case FW_L_PASSWORD: return c->credential == FW_CRED_PASSWORD;
		case FW_L_PSK: return c->credential == FW_CRED_PSK || c->credential == FW_CRED_PROBE;
		case FW_L_CERT: return c->credential == FW_CRED_CERT;
		case FW_L_LIVE: return c->credential == FW_CRED_LIVE && c->expires > time(NULL);
		case FW_L_ADMIN: return false;
	}
	return false;
}

/* Who a login on this listener says it is: the password listeners' username; the PSK identity of the handshake;
 * the certificate's CN (the broker leaves the username alone on those two: use_identity_as_username is off, so the
 * plugin sees every login). */
static const char *claimed_identity(const struct fw_listener *l, struct mosquitto *client, struct fw_conn *conn, const char *username, char *cn, size_t cap)
{
	if(l->kind == FW_L_PSK) return conn->identity;
	if(l->kind != FW_L_CERT) return username;
	X509 *cert = mosquitto_client_certificate(client);
	int n = cert ? X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, (int)cap) : -1;
	if(!cert || !fw_cert_key(cert, conn->cert_key, sizeof(conn->cert_key))) conn->cert_key[0] = '\0';
	X509_free(cert);
	return n > 0 && (size_t)n < cap && strlen(cn) == (size_t)n ? cn : NULL;
}

static int refuse(const struct fw_listener *l, struct mosquitto *client, const char *who, const char *reason)
{
	fw_event_refused(client, l, who, reason, false);
	return MOSQ_ERR_AUTH;
}

static int on_basic_auth(int event, void *event_data, void *userdata)
{
	(void)event;
	struct mosquitto_evt_basic_auth *ed = event_data;
	const struct fw_listener *l = userdata;
	char cn[256];
	struct fw_conn *conn = fw_conn_get(ed->client);
	if(!conn) return MOSQ_ERR_NOMEM;
	const char *who = claimed_identity(l, ed->client, conn, ed->username, cn, sizeof(cn));
	const char *id = mosquitto_client_id(ed->client);
	struct fw_client *c = fw_find_client(who);
	if(!c || !credential_for(l, c)) return refuse(l, ed->client, who ? who : ed->username, "unknown client");
	if(c->disabled) return refuse(l, ed->client, who, "disabled");
	if(!id || strcmp(id, c->clientid)) return refuse(l, ed->client, who, "its client id is not the one it was given");
	if(l->kind == FW_L_CERT || l->kind == FW_L_PSK){
		/* Its identity is its certificate or key; a username sent beside it must be the same. */
		if(ed->username && strcmp(ed->username, c->username)) return refuse(l, ed->client, who, "its username is not its identity");
		if(l->kind == FW_L_CERT && (!conn->cert_key[0] || fw_is_revoked(conn->cert_key))) return refuse(l, ed->client, who, "certificate revoked");
		if(!ed->username && mosquitto_set_username(ed->client, c->username) != MOSQ_ERR_SUCCESS) return MOSQ_ERR_NOMEM;
	}else if(!fw_password_matches(c->secret, ed->password)){
		return refuse(l, ed->client, who, "wrong password");
	}
	conn->logged_in = true;
	fw_event_connect(ed->client, l, c, l->kind == FW_L_CERT ? conn->cert_key : NULL);
	return MOSQ_ERR_SUCCESS;
}

static int on_psk_key(int event, void *event_data, void *userdata)
{
	(void)event;
	struct mosquitto_evt_psk_key *ed = event_data;
	const struct fw_listener *l = userdata;
	struct fw_client *c = fw_find_client(ed->identity);
	if(!c || c->disabled || (c->credential != FW_CRED_PSK && c->credential != FW_CRED_PROBE) || (int)strlen(c->secret) >= ed->max_key_len){
		fw_event_refused(ed->client, l, ed->identity, c && c->disabled ? "disabled" : "unknown PSK identity", true);
		return MOSQ_ERR_AUTH;
	}
	/* The login that follows the handshake is this identity's (the broker does not say which key it used). */
	struct fw_conn *conn = fw_conn_get(ed->client);
	char *identity = conn ? strdup(ed->identity) : NULL;
	if(!identity) return MOSQ_ERR_NOMEM;
	free(conn->identity);
	conn->identity = identity;
	memcpy(ed->key, c->secret, strlen(c->secret) + 1);
	return MOSQ_ERR_SUCCESS;
}

static int on_disconnect(int event, void *event_data, void *userdata)
{
	(void)event;
	(void)userdata;
	struct mosquitto_evt_disconnect *ed = event_data;
	struct fw_conn *conn = fw_conn_find(ed->client);
	if(conn && conn->logged_in) fw_event_disconnect(ed->client, ed->reason);
	fw_conn_drop(ed->client);
	return MOSQ_ERR_SUCCESS;
}

static int on_acl_check(int event, void *event_data, void *userdata)
{
	(void)event;
	struct mosquitto_evt_acl_check *ed = event_data;
	const struct fw_listener *l = userdata;
	struct fw_client *c = fw_find_client(mosquitto_client_username(ed->client));
	const char *id = mosquitto_client_id(ed->client);
	if(!c || c->disabled || !credential_for(l, c) || !id || strcmp(id, c->clientid) || c->credential == FW_CRED_PROBE) return MOSQ_ERR_ACL_DENIED;
	if(c->credential == FW_CRED_CERT){
		/* A revoked certificate is refused on its next packet, whatever its TLS session says. */
		const struct fw_conn *conn = fw_conn_find(ed->client);
		if(!conn || !conn->cert_key[0] || fw_is_revoked(conn->cert_key)) return MOSQ_ERR_ACL_DENIED;
	}
	return fw_acl_allows(c, id, ed->access, ed->topic) ? MOSQ_ERR_SUCCESS : MOSQ_ERR_ACL_DENIED;
}

static int on_control(int event, void *event_data, void *userdata)
{
	(void)event;
	struct mosquitto_evt_control *ed = event_data;
	const struct fw_listener *l = userdata;
	const char *username = mosquitto_client_username(ed->client);
	const char *id = mosquitto_client_id(ed->client);
	if(l->kind != FW_L_ADMIN || !l->agent || !username || strcmp(username, l->agent) || !id){
		mosquitto_log_printf(MOSQ_LOG_WARNING, "fleetward: refused a command from a client that is not this broker's agent");
		return MOSQ_ERR_ACL_DENIED;
	}
	char *out = fw_apply_batch(ed->payload, ed->payloadlen);
	if(!out) return MOSQ_ERR_NOMEM;
	mosquitto_broker_publish_copy(id, FW_RESPONSE_TOPIC, (int)strlen(out), out, 1, false, NULL);
	free(out);
	return MOSQ_ERR_SUCCESS;
}

static const char *option(struct mosquitto_opt *opts, int n, const char *key)
{
	for(int i = 0; i < n; i++) if(!strcmp(opts[i].key, key)) return opts[i].value;
	return NULL;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata, struct mosquitto_opt *opts, int opt_count)
{
	static const char *const KINDS[] = { "password", "psk", "cert", "live", "admin" };
	const char *kind = option(opts, opt_count, "listener");
	int k = 0;
	while(kind && k < 5 && strcmp(kind, KINDS[k])) k++;
	if(!kind || k == 5){
		mosquitto_log_printf(MOSQ_LOG_ERR, "fleetward: plugin_opt_listener must be password, psk, cert, live or admin");
		return MOSQ_ERR_INVAL;
	}
	struct fw_listener *l = calloc(1, sizeof(*l));
	if(!l) return MOSQ_ERR_NOMEM;
	l->kind = (enum fw_listener_kind)k;
	l->pid = identifier;
	if(l->kind == FW_L_ADMIN){
		const char *agent = option(opts, opt_count, "agent");
		if(!agent || !(l->agent = strdup(agent))){
			mosquitto_log_printf(MOSQ_LOG_ERR, "fleetward: the admin listener needs plugin_opt_agent (the agent's certificate CN)");
			free(l);
			return MOSQ_ERR_INVAL;
		}
	}
	if(listeners_loaded++ == 0) fw_state_init();
	const char *state_dir = option(opts, opt_count, "state_dir");
	if(state_dir && !fw_persist_open(state_dir)){
		free(l->agent);
		free(l);
		listeners_loaded--;
		return MOSQ_ERR_UNKNOWN;
	}
	*userdata = l;
	int rc = MOSQ_ERR_SUCCESS;
	if(l->kind == FW_L_ADMIN){
		rc = mosquitto_callback_register(identifier, MOSQ_EVT_CONTROL, on_control, FW_CONTROL_TOPIC, l);
	}else{
		/* Every device and live listener: logins, ACL checks, disconnects; the PSK listener's keys too. */
		rc = mosquitto_callback_register(identifier, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL, l);
		if(!rc) rc = mosquitto_callback_register(identifier, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL, l);
		if(!rc) rc = mosquitto_callback_register(identifier, MOSQ_EVT_DISCONNECT, on_disconnect, NULL, l);
		if(!rc && l->kind == FW_L_PSK) rc = mosquitto_callback_register(identifier, MOSQ_EVT_PSK_KEY, on_psk_key, NULL, l);
	}
	mosquitto_log_printf(MOSQ_LOG_INFO, "fleetward: plugin loaded on a %s listener", KINDS[k]);
	return rc;
}

int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *opts, int opt_count)
{
	(void)opts;
	(void)opt_count;
	struct fw_listener *l = userdata;
	if(l){
		if(l->kind == FW_L_ADMIN){
			mosquitto_callback_unregister(l->pid, MOSQ_EVT_CONTROL, on_control, FW_CONTROL_TOPIC);
		}else{
			mosquitto_callback_unregister(l->pid, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL);
			mosquitto_callback_unregister(l->pid, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL);
			mosquitto_callback_unregister(l->pid, MOSQ_EVT_DISCONNECT, on_disconnect, NULL);
			if(l->kind == FW_L_PSK) mosquitto_callback_unregister(l->pid, MOSQ_EVT_PSK_KEY, on_psk_key, NULL);
		}
		free(l->agent);
		free(l);
	}
	if(--listeners_loaded == 0){
		fw_persist_close();
		fw_state_cleanup();
	}
	return MOSQ_ERR_SUCCESS;
}
