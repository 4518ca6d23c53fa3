import type { Construct } from "constructs";
import type { SiteConfig } from "../config/config-schema";
import { type MiradorePolicyChecksProps, MiradoreStack, type MiradoreStackProps } from "../constructs";
import { stackTerraformJson } from "./private/stack-terraform-json";
import { useSiteCiIdentity } from "./site-ci-identity";
import { configureStateBackend } from "./state-backend";

/** The stack name of a site: stable, derived from the site's name only. */
export function stackNameOf(siteName: string): string {
  return `miradore-${siteName}`;
}

/** The library's props for a validated site (config/config-schema.ts): the configuration file's names mapped. */
export function miradoreStackPropsOf(site: SiteConfig): MiradoreStackProps {
  const { keyVault } = site;
  return {
    tenantId: site.tenantId,
    displayName: site.displayName,
    groupFiltering: site.groupFiltering,
    additionalOwnerObjectIds: site.additionalOwnerObjectIds,
    secret: site.secret,
    existing: site.existing,
    keyVault: keyVault && {
      keyVaultId: keyVault.id,
      secretName: keyVault.secretName,
      tenantId: keyVault.tenantId,
      enabled: keyVault.enabled,
    },
  };
}

/** Properties of {@link SiteStack}. */
export interface SiteStackProps {
  /** The site's validated configuration. */
  readonly site: SiteConfig;

  /**
   * Settings of the policy checks.
   * @default - MiradoreStack's: the Miradore allowlist, the site's tenant maximum secret lifetime, log to stderr
   */
  readonly policy?: MiradorePolicyChecksProps;
}

/**
 * One configured site as this app synthesizes it: the library's MiradoreStack with the site's settings and its state
 * backend, written by a faster path than cdktf's that gives the same JSON (a fleet of 1000 sites is synthesized in
 * seconds; README "Tests and speed").
 */
export class SiteStack extends MiradoreStack {
  constructor(scope: Construct, id: string, props: SiteStackProps) {
    super(scope, id, { ...miradoreStackPropsOf(props.site), policy: props.policy });
    configureStateBackend(this, id, props.site.state);
    if (props.site.ciIdentity) useSiteCiIdentity(this, props.site.ciIdentity);
  }

  /**
   * cdktf resolves every element once more before synthesis only to discover references to other stacks. Sites never
   * reference each other (each has its own tenant and state), so that pass is skipped: it was a fifth of the time to
   * synthesize a fleet. A reference to another stack would render as an undeclared address, which the schema
   * validator and `terraform validate` reject.
   */
  public override prepareStack(): void {
    this.ensureBackendExists();
  }

  private hasStackOverrides = false;
  /** True while cdktf runs the stack's validations (the policy checks among them). */
  private validating = false;
  /** The JSON the validations resolved, kept for synthesis's own call right after them. */
  private validatedJson?: Record<string, unknown>;

  /** As cdktf's, and noted: a stack-level override may hold tokens, so toTerraform then leaves the stack to cdktf. */
  public override addOverride(path: string, value: unknown): void {
    this.hasStackOverrides = true;
    super.addOverride(path, value);
  }

  /** As cdktf's; what the validations resolve is kept for the write that follows them. */
  public override runAllValidations(): void {
    this.validatedJson = undefined;
    this.validating = true;
    try {
      super.runAllValidations();
    } finally {
      this.validating = false;
    }
  }

  /**
   * The stack's Terraform JSON, as cdktf's (stackTerraformJson gives the same JSON for a fraction of the work),
   * resolved once per synthesis: cdktf runs the validations (the policy checks read the JSON there, after every aspect
   * and escape hatch) and writes the JSON right after them, with nothing in between that could change the tree. Any
   * other call resolves afresh, so an override added at any time is always in the JSON.
   */
  public override toTerraform(): Record<string, unknown> {
    if (this.validating) return (this.validatedJson ??= stackTerraformJson(this, this.hasStackOverrides));
    const json = this.validatedJson ?? stackTerraformJson(this, this.hasStackOverrides);
    this.validatedJson = undefined;
    return json;
  }
}
