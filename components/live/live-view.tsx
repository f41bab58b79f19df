"use client";
import { useState } from "react";
import { useLiveFleet } from "@/lib/live/use-live-fleet";
import { ConnectionsView } from "./connections-view";

/** The Live page: one live channel for its connections and traffic views; the devices' traffic is watched under `#` until narrowed. */
export function LiveView({ canDisconnect, canDecrypt }: { canDisconnect: boolean; canDecrypt: boolean }) {
  const [filter, setFilter] = useState<string | null>("#");
  const live = useLiveFleet({ traffic: filter });
  return <ConnectionsView live={live} canDisconnect={canDisconnect} canDecrypt={canDecrypt} onWatch={setFilter} />;
}
