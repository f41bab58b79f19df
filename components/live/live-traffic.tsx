"use client";
import { useLiveFleet } from "@/lib/live/use-live-fleet";
import { TrafficCard } from "./traffic-card";

/** The fleet's traffic as it happens, for pages other than Live (which shares one live channel with its table). */
export function LiveTraffic() {
  const { load, error } = useLiveFleet();
  return (
    <>
      {error ? <p role="alert" className="text-xs text-danger">Live traffic unavailable: {error}</p> : null}
      <TrafficCard load={load} />
    </>
  );
}
