import type { DataAzureadClientConfig } from "@cdktf/provider-azuread/lib/data-azuread-client-config";
import type { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import type { TimeProvider } from "@cdktf/provider-time/lib/provider";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { ExistingInstallationProps } from "./existing-installation";
import type { GraphAdminConsent } from "./graph-admin-consent";
import type { GraphAppRole } from "./graph-facts";
import type { MiradoreApplication } from "./miradore-application";
import { MiradorePolicyChecks, type MiradorePolicyChecksProps } from "./policy/miradore-policy-checks";
import { addConnectionParts } from "./private/miradore-connection-parts";
import { assertProps } from "./private/prop-problems";
import type { RotatingClientSecret, RotatingClientSecretOptions } from "./rotating-client-secret";

/** What a Miradore connection is: the same settings for {@link MiradoreConnection} and {@link MiradoreStack}. */
export interface MiradoreConnectionOptions {
  /**
   * The app's name in the Entra admin center, 1-256 characters; changing it renames the app in place.
   * @default "Miradore MDM"
   */
  readonly displayName?: string;

  /**
   * Whether Miradore filters the users it imports by group: requests and grants Group.Read.All besides User.Read.All
   * (`miradoreGraphAppRoles`).
   * @default true
   */
  readonly groupFiltering?: boolean;

  /**
   * Object ids (GUIDs) of the app's owners besides the identity that runs Terraform, which is always the first.
   * @default - none
   */
  readonly additionalOwnerObjectIds?: readonly string[];

  /**
   * How the client secret rotates (days; every field has its default).
   * @default - a new secret every 60 days, each valid 180 days, 21 days to hand it over, runs at most 35 days apart
   */
  readonly secret?: RotatingClientSecretOptions;

  /**
   * A Miradore app made by hand in the portal, to be taken over (Terraform `import` blocks) instead of created.
   * @default - a new app is created
   */
  readonly existing?: ExistingInstallationProps;
}

/** The providers a Miradore connection's resources use, where a stack has more than one configuration of them. */
export interface MiradoreConnectionProviders {
  /**
   * The azuread provider (of this stack) for the app, its consent and secrets; one with an alias selects that
   * configuration, and so the tenant.
   * @default - the stack's default azuread provider (the one without an alias)
   */
  readonly azureadProvider?: AzureadProvider;

  /**
   * The time provider (of this stack) that keeps the rotation schedule.
   * @default - the stack's default time provider (the one without an alias)
   */
  readonly timeProvider?: TimeProvider;
}

/** Properties of {@link MiradoreConnection}. */
export interface MiradoreConnectionProps extends MiradoreConnectionOptions, MiradoreConnectionProviders {
  /**
   * Prefix of the outputs' names (`<prefix>client_id`, `<prefix>client_secret`, …): letters, digits, `_` and `-`,
   * starting with a letter or `_`, or empty. Two connections in one stack need different prefixes.
   * @default "miradore_"
   */
  readonly outputNamePrefix?: string;

  /**
   * Settings of the policy checks run on the connection's constructs at synthesis.
   * @default - Graph permissions limited to MIRADORE_GRAPH_APP_ROLES, secrets valid at most `secret.tenantMaxLifetimeDays`
   */
  readonly policy?: MiradorePolicyChecksProps;
}

/**
 * Miradore's connection to Microsoft Entra ID, inside any stack: the app registration and its service principal
 * (owned by the identity that runs Terraform), admin consent for the Graph permissions, the two-slot rotating client
 * secret, and outputs with exactly what an operator types into Miradore (`<prefix>client_id`, `<prefix>tenant_id`,
 * `<prefix>client_secret`, which alone is sensitive) and what is due when (`<prefix>handoff_deadline`,
 * `<prefix>next_rotation_date`, …). Uses the stack's azuread and time providers, or the ones passed in. Policy checks
 * judge the connection's constructs at synthesis. For a stack of its own, see {@link MiradoreStack}.
 */
export class MiradoreConnection extends Construct {
  /** The identity running Terraform (`data.azuread_client_config`): the app's first owner. */
  public readonly deployer: DataAzureadClientConfig;
  /** The app registration and its service principal. */
  public readonly app: MiradoreApplication;
  /** Admin consent: one app role assignment per Graph permission. */
  public readonly consent: GraphAdminConsent;
  /** The two-slot rotating client secret; `secret.current(...)` reads the newest one. */
  public readonly secret: RotatingClientSecret;
  /** The Graph application permissions requested and granted. */
  public readonly graphAppRoles: readonly GraphAppRole[];
  /** The outputs, by name (prefix included). */
  public readonly outputs: ReadonlyMap<string, TerraformOutput>;
  /** The policy checks (an Aspect) on the connection's constructs. */
  public readonly policyChecks: MiradorePolicyChecks;

  constructor(scope: Construct, id: string, props: MiradoreConnectionProps = {}) {
    super(scope, id);
    const prefix = props.outputNamePrefix ?? "miradore_";
    assertProps(this, [
      [
        "outputNamePrefix",
        prefix,
        /^([A-Za-z_][A-Za-z0-9_-]*)?$/.test(prefix)
          ? undefined
          : "must be empty or start an output name: letters, digits, `_` and `-`, starting with a letter or `_`",
      ],
    ]);
    const outputs = new Map<string, TerraformOutput>();
    const parts = addConnectionParts(this, props, (name, value, description, sensitive) => {
      const output = new TerraformOutput(this, name, { value, description, sensitive });
      output.overrideLogicalId(`${prefix}${name}`);
      outputs.set(`${prefix}${name}`, output);
    });
    this.deployer = parts.deployer;
    this.app = parts.app;
    this.consent = parts.consent;
    this.secret = parts.secret;
    this.graphAppRoles = parts.graphAppRoles;
    this.outputs = outputs;
    this.node.addValidation({ validate: () => this.outputNameClashes() });

    this.policyChecks = new MiradorePolicyChecks({
      maxSecretLifetimeDays: this.secret.schedule.tenantMaxLifetimeDays,
      ...props.policy,
    });
    Aspects.of(this).add(this.policyChecks);
  }

  /** The app's client (application) id: Miradore's "Client ID". */
  public get clientId(): string {
    return this.app.application.clientId;
  }

  /** The tenant the app is registered in: Miradore's "Tenant ID". */
  public get tenantId(): string {
    return this.deployer.tenantId;
  }

  /** Terraform keeps one output per name: another output of the stack with one of these names would replace it. */
  private outputNameClashes(): string[] {
    const stack = TerraformStack.of(this);
    const others = stack.node
      .findAll()
      .filter((node) => TerraformOutput.isTerraformOutput(node) && !node.node.path.startsWith(`${this.node.path}/`));
    return others
      .map((other) => (other as TerraformOutput).friendlyUniqueId)
      .filter((name) => this.outputs.has(name))
      .map(
        (name) =>
          `the stack has another output named ${name}, but the connection's outputs must have names of their own; ` +
          "set outputNamePrefix",
      );
  }
}
