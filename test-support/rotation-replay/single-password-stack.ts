import { ApplicationPasswordA as ApplicationPassword } from "@cdktf/provider-azuread/lib/application-password";
import { DataAzureadClientConfig } from "@cdktf/provider-azuread/lib/data-azuread-client-config";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { TimeProvider } from "@cdktf/provider-time/lib/provider";
import { Rotating } from "@cdktf/provider-time/lib/rotating";
import { Fn, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { SiteConfig } from "../../config/config-schema";
import { MiradoreApplication, miradoreGraphAppRoles } from "../../constructs";

/** Properties of {@link SinglePasswordStack}. */
export interface SinglePasswordStackProps {
  /** The site whose app, tenant and secret settings (lifetime, interval, handoff) the stack uses. */
  readonly site: SiteConfig;

  /**
   * Whether the password has `lifecycle { create_before_destroy = true }`. The provider's documentation omits it;
   * with it, the new password is made first, but the old one is still destroyed in the same apply.
   * @default true
   */
  readonly createBeforeDestroy?: boolean;
}

/**
 * The rotation the azuread provider documents (one `time_rotating`, `rotation_days = rotationIntervalDays`, whose id
 * feeds one `azuread_application_password`'s `rotate_when_changed`), on the same app and providers as MiradoreStack,
 * with the outputs the replay reads. Built only to prove through Terraform that it breaks Miradore's connection.
 */
export class SinglePasswordStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: SinglePasswordStackProps) {
    super(scope, id);
    const { site } = props;
    new AzureadProvider(this, "azuread", { tenantId: site.tenantId });
    new TimeProvider(this, "time", {});
    const deployer = new DataAzureadClientConfig(this, "deployer");
    const app = new MiradoreApplication(this, "app", {
      displayName: site.displayName,
      ownerObjectIds: [deployer.objectId],
      graphAppRoles: miradoreGraphAppRoles(site.groupFiltering),
    });
    const rotation = new Rotating(this, "rotation", { rotationDays: site.secret.rotationIntervalDays });
    const password = new ApplicationPassword(this, "password", {
      applicationId: app.application.id,
      displayName: "Miradore connection (single password, managed by Terraform)",
      endDate: Fn.timeadd(rotation.rfc3339, `${site.secret.lifetimeDays * 24}h`),
      rotateWhenChanged: { rotation: rotation.id },
      lifecycle: { createBeforeDestroy: props.createBeforeDestroy ?? true },
    });
    new TerraformOutput(this, "client_secret", { value: password.value, sensitive: true });
    new TerraformOutput(this, "client_secret_key_id", { value: password.keyId });
    new TerraformOutput(this, "handoff_deadline", {
      value: Fn.timeadd(password.startDate, `${site.secret.handoffDays * 24}h`),
    });
  }
}
