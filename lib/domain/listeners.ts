// A broker's listeners as Fleetward names them (the browser's forms list them too). Pure, no crypto.
export type TListenerName = "admin" | "tlsPassword" | "mtls" | "psk" | "wss" | "live";
export type TBrokerPorts = Record<TListenerName, number>;
export const LISTENERS: readonly TListenerName[] = ["admin", "tlsPassword", "mtls", "psk", "wss", "live"];
