"use client";
import { LogOut } from "lucide-react";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { api } from "@/lib/client/api";

/** Ends the server-side session (audited) first, then clears the cookie. */
export function SignOutButton() {
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant="ghost"
      size="sm"
      disabled={pending}
      onClick={async () => {
        setPending(true);
        await api("DELETE", "/api/v1/session").catch(() => undefined);
        // next-auth would redirect to an absolute URL of its own making (the server's idea of its host, which
        // behind a proxy or on 127.0.0.1 is not the browser's): clear the cookie, then go to the login page here.
        await signOut({ redirect: false });
        // A full page load, not a client transition: the ended session's cached pages must not survive.
        // eslint-disable-next-line @next/next/no-location-assign-relative-destination
        window.location.assign("/login");
      }}
    >
      <LogOut aria-hidden className="size-3.5" /> Sign out
    </Button>
  );
}
