import type { Metadata } from "next";
import { ContentKeys } from "@/components/security/content-keys";
import { DetectionSettings } from "@/components/security/detection-settings";
import { FindingsView } from "@/components/security/findings-view";
import { SecurityPolicySettings } from "@/components/security/security-policy-settings";
import { SignedTopicsSettings } from "@/components/security/signed-topics-settings";
import { WebhooksView } from "@/components/security/webhooks-view";
import { PageHeader } from "@/components/shell/page-header";
import { can } from "@/lib/domain/permissions";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "Security" };

export default async function SecurityPage() {
  const { role } = await requirePage("security.read");
  const canManage = can(role, "security.manage");
  return (
    <>
      <PageHeader title="Security findings" description="What the detection rules saw in the brokers' connection events (brute force, credential stuffing, client id collisions, revoked credentials still trying, new networks) and what the hourly posture checks found weak (certificates expiring, weak keys, old or shared credentials, devices unseen, unused tokens, permissive ACLs) and what the message verifier found in signed traffic (invalid signatures, replays, unsigned messages on signed-only topics)." />
      <div className="space-y-4">
        <FindingsView canManage={canManage} />
        <DetectionSettings canManage={canManage} />
        <SignedTopicsSettings canManage={canManage} />
        <ContentKeys canManage={canManage} />
        <WebhooksView canManage={canManage} />
        <SecurityPolicySettings canManage={canManage} />
      </div>
    </>
  );
}
