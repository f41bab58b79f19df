"use client";
import { useEffect, useState } from "react";
import { useLiveFleet } from "@/lib/live/use-live-fleet";
import { AuthFailureAlert } from "./auth-failure-alert";
import { TrafficCard } from "./traffic-card";

/** The fleet's traffic and auth-failure spikes as they happen, for pages other than Live (which has its own channel). */
export function LiveTraffic() {
  const { load, refusals, error } = useLiveFleet();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5_000);
    return () => clearInterval(t);
  }, []);
  return (
    <div className="space-y-2">
      {error ? <p role="alert" className="text-xs text-danger">Live traffic unavailable: {error}</p> : null}
      <AuthFailureAlert refusals={refusals} now={now} />
      <TrafficCard load={load} />
    </div>
  );
}
