"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { TRole } from "@/lib/domain/permissions";
import { cn } from "@/lib/utils";
import { navigationFor } from "./navigation";

export function Sidebar({ role, enrolling }: { role: TRole; enrolling: boolean }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex w-52 shrink-0 flex-col border-r border-line bg-panel">
      <div className="flex h-12 items-center border-b border-line px-4 text-base font-semibold tracking-tight">Fleetward</div>
      <ul className="flex-1 space-y-0.5 p-2">
        {navigationFor(role, undefined, enrolling).map(({ href, label, icon: Icon }) => {
          const active = pathname === href || pathname.startsWith(href + "/");
          return (
            <li key={href}>
              <Link
                href={href}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "flex items-center gap-2.5 rounded-md px-2.5 py-1.5 text-muted hover:bg-gray-100 hover:text-ink",
                  active && "bg-blue-50 font-medium text-brand hover:bg-blue-50 hover:text-brand",
                )}
              >
                <Icon aria-hidden className="size-4" />
                {label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
