/* Events from the broker itself, for the agent (which reports them to Fleetward as before): logins accepted and
 * refused, with the exact client id, username, address, listener and certificate; and every disconnect of a client
 * that logged in, with its reason. Published on $CONTROL/fleetward/v1/events, which only the admin listener's ACL
 * lets this broker's agent read and no device listener lets anyone read. Strings that came from the network are
 * JSON-escaped (cJSON), so no value can break the line Fleetward reads. */
#include <cjson/cJSON.h>
#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fw.h"

static const char *const LISTENERS[] = { "password", "psk", "cert", "live", "admin" };

static void publish(cJSON *e)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	cJSON_AddNumberToObject(e, "at", (double)now.tv_sec * 1000 + (double)(now.tv_nsec / 1000000));
	char *s = cJSON_PrintUnformatted(e);
	cJSON_Delete(e);
	if(!s) return;
	mosquitto_broker_publish_copy(NULL, FW_EVENTS_TOPIC, (int)strlen(s), s, 1, false, NULL);
	free(s);
}

static void add_text(cJSON *e, const char *key, const char *value)
{
	if(value) cJSON_AddStringToObject(e, key, value);
	else cJSON_AddNullToObject(e, key);
}

static const char *protocol(const struct mosquitto *client)
{
	switch(mosquitto_client_protocol_version(client)){
		case 3: return "MQTT 3.1";
		case 4: return "MQTT 3.1.1";
		case 5: return "MQTT 5";
		default: return "MQTT";
	}
}

void fw_event_connect(const struct mosquitto *client, const struct fw_listener *l, const struct fw_client *c, const char *cert_key)
{
	cJSON *e = cJSON_CreateObject();
	if(!e) return;
	cJSON_AddStringToObject(e, "kind", "connect");
	add_text(e, "clientId", mosquitto_client_id(client));
	add_text(e, "username", c->username);
	add_text(e, "ip", mosquitto_client_address(client));
	cJSON_AddStringToObject(e, "listener", LISTENERS[l->kind]);
	cJSON_AddStringToObject(e, "protocol", protocol(client));
	cJSON_AddBoolToObject(e, "cleanStart", mosquitto_client_clean_session(client));
	cJSON_AddNumberToObject(e, "keepalive", mosquitto_client_keepalive(client));
	if(cert_key){
		const char *serial = strchr(cert_key, ':');
		add_text(e, "certSerial", serial ? serial + 1 : NULL);
	}
	publish(e);
}

void fw_event_refused(const struct mosquitto *client, const struct fw_listener *l, const char *username, const char *reason, bool tls)
{
	cJSON *e = cJSON_CreateObject();
	if(!e) return;
	cJSON_AddStringToObject(e, "kind", "refused");
	add_text(e, "clientId", tls ? NULL : mosquitto_client_id(client));
	add_text(e, "username", username);
	add_text(e, "ip", mosquitto_client_address(client));
	cJSON_AddStringToObject(e, "listener", LISTENERS[l->kind]);
	cJSON_AddStringToObject(e, "reason", reason);
	if(tls) cJSON_AddBoolToObject(e, "tls", true);
	publish(e);
}

/* In the words Fleetward already uses for disconnects read from the broker's log (lib/domain/broker-log.ts).
 * Mosquitto 2.0.11 passes -1 for every disconnect (src/context.c); later versions pass the reason. */
static const char *disconnect_reason(int reason)
{
	switch(reason){
		case MOSQ_ERR_SUCCESS: return "closed its connection";
		case MOSQ_ERR_KEEPALIVE: return "keepalive timeout";
		case MOSQ_ERR_ADMINISTRATIVE_ACTION: return "disconnected by Fleetward";
		case MOSQ_ERR_CONN_LOST: return "connection lost";
		case MOSQ_ERR_PROTOCOL: return "protocol error";
		case MOSQ_ERR_MALFORMED_PACKET: return "malformed packet";
		case MOSQ_ERR_OVERSIZE_PACKET: return "packet too large";
		default: return "disconnected"; /* -1: not said */
	}
}

void fw_event_disconnect(const struct mosquitto *client, int reason)
{
	cJSON *e = cJSON_CreateObject();
	if(!e) return;
	cJSON_AddStringToObject(e, "kind", "disconnect");
	add_text(e, "clientId", mosquitto_client_id(client));
	add_text(e, "username", mosquitto_client_username(client));
	cJSON_AddStringToObject(e, "reason", disconnect_reason(reason));
	publish(e);
}
