import type { LucideIcon } from "lucide-react";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "./page-header";

type TEmptyAreaProps = { title: string; description: string; icon: LucideIcon; emptyTitle: string; emptyText: string };

/** A console area with nothing in it yet: what it is for and what fills it. */
export function EmptyArea({ title, description, icon, emptyTitle, emptyText }: TEmptyAreaProps) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <Card>
        <EmptyState icon={icon} title={emptyTitle}>
          {emptyText}
        </EmptyState>
      </Card>
    </>
  );
}
