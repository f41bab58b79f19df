"use client";
import * as D from "@radix-ui/react-dialog";
import { X } from "lucide-react";
import type { ReactNode } from "react";

type TDialogProps = { open: boolean; onOpenChange: (open: boolean) => void; title: string; description?: string; children: ReactNode; wide?: boolean; side?: boolean };

const CENTERED = "left-1/2 top-1/2 -translate-x-1/2 -translate-y-1/2 rounded-lg";
/** A drawer: full height on the right, scrolling on its own. */
const SIDE = "right-0 top-0 h-full overflow-y-auto border-l border-line";

export function Dialog({ open, onOpenChange, title, description, children, wide = false, side = false }: TDialogProps) {
  return (
    <D.Root open={open} onOpenChange={onOpenChange}>
      <D.Portal>
        <D.Overlay className="fixed inset-0 bg-black/40" />
        <D.Content className={`fixed ${side ? SIDE : CENTERED} ${wide ? "w-[min(52rem,calc(100vw-2rem))]" : "w-[min(32rem,calc(100vw-2rem))]"} bg-panel p-5 shadow-xl`}>
          <div className="mb-4 flex items-start justify-between gap-4">
            <div>
              <D.Title className="text-base font-semibold">{title}</D.Title>
              {description ? <D.Description className="mt-1 text-sm text-muted">{description}</D.Description> : <D.Description className="sr-only">{title}</D.Description>}
            </div>
            <D.Close aria-label="Close" className="rounded p-1 text-muted hover:bg-gray-100">
              <X className="size-4" />
            </D.Close>
          </div>
          {children}
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}
