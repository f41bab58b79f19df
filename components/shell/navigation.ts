import { Activity, FileLock2, Gauge, KeyRound, ScrollText, Server, Settings, ShieldAlert, ShieldCheck, Smartphone } from "lucide-react";
import type { LucideIcon } from "lucide-react";
import { can, type TPermission, type TRole } from "@/lib/domain/permissions";

export type TNavItem = { href: string; label: string; icon: LucideIcon; permission: TPermission };

/** The sidebar, as data: an item shows only to roles holding its permission. */
export const NAVIGATION: readonly TNavItem[] = [
  { href: "/overview", label: "Overview", icon: Gauge, permission: "overview.read" },
  { href: "/devices", label: "Devices", icon: Smartphone, permission: "inventory.read" },
  { href: "/roles", label: "Roles & ACLs", icon: ShieldCheck, permission: "inventory.read" },
  { href: "/certificates", label: "Certificates", icon: FileLock2, permission: "inventory.read" },
  { href: "/brokers", label: "Brokers", icon: Server, permission: "inventory.read" },
  { href: "/live", label: "Live", icon: Activity, permission: "overview.read" },
  { href: "/audit", label: "Audit", icon: ScrollText, permission: "audit.read" },
  { href: "/security", label: "Security", icon: ShieldAlert, permission: "security.read" },
  { href: "/settings", label: "Settings", icon: Settings, permission: "session.read" },
];

export const SETTINGS_NAVIGATION: readonly TNavItem[] = [
  { href: "/settings", label: "Account", icon: Settings, permission: "session.read" },
  { href: "/settings/users", label: "Users", icon: KeyRound, permission: "users.read" },
  { href: "/settings/tokens", label: "API tokens", icon: KeyRound, permission: "tokens.read" },
];

/** `enrolling`: a user who must enrol a second factor first sees only their own account. */
export const navigationFor = (role: TRole, items: readonly TNavItem[] = NAVIGATION, enrolling = false) =>
  items.filter((i) => can(role, i.permission) && (!enrolling || i.permission === "session.read"));
