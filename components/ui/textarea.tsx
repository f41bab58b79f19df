import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

export function Textarea({ className, ...props }: ComponentProps<"textarea">) {
  return (
    <textarea
      className={cn("w-full rounded-md border border-line bg-panel px-3 py-2 font-mono text-xs text-ink aria-[invalid=true]:border-danger", className)}
      {...props}
    />
  );
}
