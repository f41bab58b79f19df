// Control characters (C0, U+0000-U+001F, and DEL, U+007F) have no place in a topic, a name, a client id or a
// username: each broker file is line-based (a line feed in a topic would start a new `user` block of the acl file),
// Postgres cannot store U+0000, and Mosquitto refuses them in any MQTT string. Pure; shared by the schemas, the topic
// rules and the browser's own checks.

export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export const NO_CONTROL_CHARACTERS = "must not contain control characters (U+0000-U+001F, U+007F)";

export const hasControlCharacter = (s: string) => CONTROL_CHARACTERS.test(s);

/** Free text (a note) may keep tabs and line breaks, never the other control characters. */
export const TEXT_CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export const NO_TEXT_CONTROL_CHARACTERS = "must not contain control characters other than tabs and line breaks (U+0000-U+001F, U+007F)";
