import type { Metadata } from "next";
import { UsersManager } from "@/components/users/users-manager";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const { actor } = await requirePage("users.read");
  return <UsersManager currentUserId={actor.id ?? ""} />;
}
