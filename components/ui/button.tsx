import { Slot } from "@radix-ui/react-slot";
import { cva, type VariantProps } from "class-variance-authority";
import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

const buttonVariants = cva(
  "inline-flex items-center justify-center gap-1.5 rounded-md font-medium transition-colors disabled:opacity-50 disabled:pointer-events-none whitespace-nowrap",
  {
    variants: {
      variant: {
        primary: "bg-brand text-brand-ink hover:bg-blue-800",
        secondary: "border border-line bg-panel text-ink hover:bg-gray-50",
        danger: "bg-danger text-white hover:bg-red-800",
        ghost: "text-muted hover:bg-gray-100 hover:text-ink",
      },
      size: { sm: "h-7 px-2.5 text-xs", md: "h-9 px-3.5 text-sm" },
    },
    defaultVariants: { variant: "primary", size: "md" },
  },
);

export type TButtonProps = ComponentProps<"button"> & VariantProps<typeof buttonVariants> & { asChild?: boolean };

export function Button({ className, variant, size, asChild, ...props }: TButtonProps) {
  const Comp = asChild ? Slot : "button";
  return <Comp className={cn(buttonVariants({ variant, size }), className)} {...props} />;
}
