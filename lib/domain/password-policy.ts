// What a password a user chooses must be. Generated passwords (first admin, new users, resets) are 24 random
// characters and always pass. Length is what makes a password hard to guess (NIST SP 800-63B); composition rules
// are not, so there are none. The limit above matches what the sign-in form accepts.
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

// Control characters cannot be typed into a password field, and would not survive every place a password is typed.
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Why this password may not be chosen, as said beside the field, or null. `email`: the account's, which the
 * password must not contain (nor its part before the @, when that is long enough to guess from).
 */
export function passwordProblem(password: string, context: { email?: string } = {}): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (CONTROL.test(password)) return "must not contain control characters (such as a line break or a tab)";
  if (new Set(password).size < 4) return "must not be mostly one character repeated";
  const email = context.email?.toLowerCase();
  if (email) {
    const local = email.split("@")[0] ?? "";
    const lower = password.toLowerCase();
    if (lower.includes(email) || (local.length >= 4 && lower.includes(local))) return "must not contain your e-mail address";
  }
  return null;
}
