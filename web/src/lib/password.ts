// The server enforces 12..72 characters; the dashboard also asks for three of four character
// classes and shows the rules as a checklist while the operator types.

export interface PasswordCheck {
  label: string;
  ok: boolean;
}

export function passwordChecks(password: string, confirm: string): PasswordCheck[] {
  const length = [...password].length;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  return [
    { label: "12 to 72 characters", ok: length >= 12 && length <= 72 },
    { label: "at least three of: lower case, upper case, digit, symbol", ok: classes >= 3 },
    { label: "both entries match", ok: password.length > 0 && password === confirm },
  ];
}

export function passwordAcceptable(password: string, confirm: string): boolean {
  return passwordChecks(password, confirm).every((c) => c.ok);
}
