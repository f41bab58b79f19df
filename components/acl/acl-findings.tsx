"use client";
import { useQuery } from "@tanstack/react-query";
import { Card, CardHeader } from "@/components/ui/card";
import { api } from "@/lib/client/api";
import type { TFinding } from "@/lib/domain/acl/lint";
import { FindingsList } from "./findings-list";

/** The linter's findings about the fleet's stored roles, groups, defaults and devices. */
export function AclFindings() {
  const findings = useQuery({ queryKey: ["acl", "findings"], queryFn: () => api<{ findings: TFinding[] }>("GET", "/api/v1/acl/findings") });
  return (
    <Card>
      <CardHeader title="Findings" description="What is too open, never decides, is unused, or cannot be enforced exactly by the brokers' acl_file." />
      <div className="p-4">
        {findings.isError ? <p role="alert" className="text-danger">{findings.error.message}</p> : null}
        {findings.data ? <FindingsList findings={findings.data.findings} label="Findings" /> : <p className="text-xs text-muted">Checking…</p>}
      </div>
    </Card>
  );
}
