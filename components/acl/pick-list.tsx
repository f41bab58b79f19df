import type { ReactNode } from "react";
import { cn } from "@/lib/utils";

/** The named things of a manager (roles, groups) to pick one from; the picked one is highlighted. */
export function PickList<T extends { id: string; name: string }>({ label, items, picked, onPick, title, detail }: { label: string; items: readonly T[]; picked: string | null; onPick: (name: string) => void; title?: (item: T) => ReactNode; detail: (item: T) => string }) {
  if (!items.length) return null;
  return (
    <ul className="border-r border-line" aria-label={label}>
      {items.map((item) => (
        <li key={item.id}>
          <button type="button" onClick={() => onPick(item.name)} className={cn("w-full border-b border-line px-4 py-2 text-left text-sm hover:bg-gray-50", picked === item.name ? "bg-blue-50" : "")}>
            {title ? title(item) : <span className="font-medium">{item.name}</span>}
            <span className="block text-xs text-muted">{detail(item)}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

export const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
