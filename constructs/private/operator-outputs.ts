import { Fn } from "cdktf";
import type { GraphAppRole } from "../graph-facts";
import type { RotatingClientSecret } from "../rotating-client-secret";

/** Makes one output: its name (before any prefix), value, description, and whether it is sensitive. */
export type AddOutput = (name: string, value: string, description: string, sensitive: boolean) => void;

/** What {@link addOperatorOutputs} reports. */
export interface OperatorOutputsProps {
  /** The app registration's client (application) id. */
  readonly clientId: string;
  /** The tenant the app is registered in. */
  readonly tenantId: string;
  /** The rotating client secret (its schedule says how long the operator has to paste a new secret). */
  readonly secret: RotatingClientSecret;
  /** The Graph permissions granted. */
  readonly graphAppRoles: readonly GraphAppRole[];
}

/**
 * The outputs of a Miradore connection: exactly what an operator types into Miradore (client id, tenant id, the
 * newest secret, which alone is sensitive) and what tells, without reading any secret, what is due: key ids, dates,
 * the handoff deadline. Output names are a public contract (pipelines and the expiry check read them).
 */
export function addOperatorOutputs(output: AddOutput, props: OperatorOutputsProps): void {
  const { secret } = props;
  output("client_id", props.clientId, "Miradore: Client ID (Application ID of the app registration).", false);
  output("tenant_id", props.tenantId, "Miradore: Tenant ID (the directory the app is registered in).", false);
  output(
    "client_secret",
    secret.current((s) => s.password.value),
    "Miradore: Client secret (the newest).",
    true,
  );
  output(
    "client_secret_key_id",
    secret.current((s) => s.password.keyId),
    "Key id of the newest secret (not secret).",
    false,
  );
  output(
    "client_secret_start_date",
    secret.current((s) => s.password.startDate),
    "When the newest secret became valid.",
    false,
  );
  output(
    "client_secret_end_date",
    secret.current((s) => s.password.endDate),
    "When the newest secret expires.",
    false,
  );
  output(
    "handoff_deadline",
    Fn.timeadd(
      secret.current((s) => s.password.startDate),
      `${secret.schedule.handoffDays * 24}h`,
    ),
    "Paste the newest secret into Miradore before this time (its start plus the handoff window).",
    false,
  );
  output("next_rotation_date", secret.nextRotationRfc3339, "When the next scheduled run makes a new secret.", false);
  output(
    "previous_client_secret_key_id",
    secret.previous((s) => s.password.keyId),
    "Key id of the previous secret.",
    false,
  );
  output(
    "previous_client_secret_end_date",
    secret.previous((s) => s.password.endDate),
    "When the previous secret expires, unless its slot's next rotation (next_rotation_date) deletes it first.",
    false,
  );
  output(
    "graph_permissions",
    props.graphAppRoles.map((role) => role.value).join(","),
    "Graph application permissions granted.",
    false,
  );
}
