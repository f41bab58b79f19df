import type { ComponentProps } from "react";
import { ROLE_LABELS, ROLES } from "@/lib/domain/permissions";
import { Select } from "./field";

export function RoleSelect(props: ComponentProps<"select">) {
  return (
    <Select {...props}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {ROLE_LABELS[r]}
        </option>
      ))}
    </Select>
  );
}
