"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils";

export function SubNav({ items }: { items: { href: string; label: string }[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Section" className="mb-4 flex gap-1 border-b border-line">
      {items.map(({ href, label }) => (
        <Link
          key={href}
          href={href}
          aria-current={pathname === href ? "page" : undefined}
          className={cn(
            "-mb-px border-b-2 border-transparent px-3 py-2 text-muted hover:text-ink",
            pathname === href && "border-brand font-medium text-brand",
          )}
        >
          {label}
        </Link>
      ))}
    </nav>
  );
}
