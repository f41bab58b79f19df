import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-full items-center justify-center p-8">
      <div className="text-center">
        <h1 className="text-lg font-semibold">Page not found</h1>
        <Link href="/overview" className="mt-3 inline-block text-brand underline">Back to the overview</Link>
      </div>
    </main>
  );
}
