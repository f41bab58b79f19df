import { caDirFiles, sha256, MANAGED_FILES, type TBrokerFiles, type TManagedFile } from "./broker-files";

// A secret-free view of a managed file, comparable line by line: passwd, live-passwd and psk lines become "<name> <digest of
// the line>" (a changed password shows as the same name with another digest), the ACL stays as text, the CRL is
// one digest, each device CA its capath file name and digest.
export type TFileSummary = string[];

export function summarizeFile(name: TManagedFile, content: string | null): TFileSummary {
  if (content === null) return [];
  if (name === "crl.pem") return [`crl ${sha256(content).slice(0, 16)}`];
  if (name === "cas.pem") return Object.entries(caDirFiles(content)).map(([file, pem]) => `ca ${file} ${sha256(pem).slice(0, 16)}`);
  const lines = content.split("\n").filter((l) => l.trim() !== "");
  if (name === "acl" || name === "live-acl") return lines;
  return lines.map((l) => `${l.split(":")[0]} ${sha256(l).slice(0, 16)}`);
}

export const summarizeFiles = (files: Partial<Record<TManagedFile, string | null>>) =>
  Object.fromEntries(MANAGED_FILES.map((f) => [f, summarizeFile(f, files[f] ?? null)])) as Record<TManagedFile, TFileSummary>;

export type TFileDiff = { file: TManagedFile; missing: string[]; unexpected: string[] };

/** What the broker lacks (desired, not there) and holds without reason (there, not desired), per file. */
export function diffSummaries(desired: TBrokerFiles, actual: Record<TManagedFile, TFileSummary>): TFileDiff[] {
  const want = summarizeFiles(desired);
  const out: TFileDiff[] = [];
  for (const file of MANAGED_FILES) {
    const have = new Set(actual[file] ?? []);
    const need = new Set(want[file]);
    const missing = [...need].filter((l) => !have.has(l));
    const unexpected = [...have].filter((l) => !need.has(l));
    if (missing.length || unexpected.length) out.push({ file, missing, unexpected });
  }
  return out;
}
