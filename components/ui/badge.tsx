import type { ComponentProps } from "react";
import { cva, type VariantProps } from "class-variance-authority";
import { cn } from "@/lib/utils";

const badge = cva("inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset", {
  variants: {
    tone: {
      neutral: "bg-gray-50 text-gray-700 ring-gray-300",
      ok: "bg-emerald-50 text-emerald-800 ring-emerald-300",
      warn: "bg-amber-50 text-amber-800 ring-amber-300",
      danger: "bg-red-50 text-red-800 ring-red-300",
      info: "bg-blue-50 text-blue-800 ring-blue-300",
    },
  },
  defaultVariants: { tone: "neutral" },
});

export function Badge({ className, tone, ...props }: ComponentProps<"span"> & VariantProps<typeof badge>) {
  return <span className={cn(badge({ tone }), className)} {...props} />;
}
