import { describe, expect, it } from "vitest";
import { passwordProblem, PASSWORD_MAX_LENGTH } from "./password-policy";

describe("password policy", () => {
  it("takes a long passphrase or a generated password", () => {
    expect(passwordProblem("correct horse battery staple")).toBeNull();
    expect(passwordProblem("Xq7LwP2mZrT9vKc4bN8sHd3f")).toBeNull();
    expect(passwordProblem("ünïcødé–pässwörd")).toBeNull();
  });

  it("says why a password is refused", () => {
    expect(passwordProblem("short-pass1")).toBe("must be at least 12 characters");
    // Counted in characters, not UTF-16 units: six emoji are six characters.
    expect(passwordProblem("🔑".repeat(6))).toBe("must be at least 12 characters");
    expect(passwordProblem("x".repeat(PASSWORD_MAX_LENGTH + 1))).toBe("must be at most 1024 characters");
    expect(passwordProblem("a long password\nwith a break")).toMatch(/control characters/);
    expect(passwordProblem("aaaaaaaaaaaaaaaaab")).toMatch(/one character repeated/);
    expect(passwordProblem("ababababababab")).toMatch(/one character repeated/);
  });

  it("refuses the account's e-mail address, or its name before the @", () => {
    expect(passwordProblem("Alice@Example.com-2026", { email: "alice@example.com" })).toBe("must not contain your e-mail address");
    expect(passwordProblem("my name is alice, hello", { email: "alice@example.com" })).toBe("must not contain your e-mail address");
    expect(passwordProblem("bob is a builder, yes", { email: "bob@example.com" })).toBeNull();
  });
});
