import { ShieldOff } from "lucide-react";
import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="flex min-h-full items-center justify-center p-8">
      <div className="max-w-sm text-center">
        <ShieldOff aria-hidden className="mx-auto mb-3 size-8 text-danger" />
        <h1 className="text-lg font-semibold">Not allowed</h1>
        <p className="mt-1 text-muted">Your role does not give access to this page. Ask an admin if you need it.</p>
        <Link href="/overview" className="mt-4 inline-block text-brand underline">Back to the overview</Link>
      </div>
    </main>
  );
}
