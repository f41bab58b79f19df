import type { Metadata } from "next";
import { TokensManager } from "@/components/tokens/tokens-manager";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  await requirePage("tokens.read");
  return <TokensManager />;
}
