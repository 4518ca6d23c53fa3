import { TerraformResource } from "cdktf";
import type { Construct } from "constructs";

/**
 * Terraform's built-in `terraform_data` resource holding `input` in the state (Terraform 1.4 or later; the README
 * states what the stacks need). cdktf's own `DataResource` adds a validation that runs `terraform version` in a child
 * process for every stack it is in: nine tenths of the time to synthesize a fleet, and a failure where Terraform is
 * not installed, though synthesis never needs it.
 */
export class ScheduleRecord extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly input: Readonly<Record<string, number>>,
  ) {
    super(scope, id, {
      terraformResourceType: "terraform_data",
      terraformGeneratorMetadata: { providerName: "terraform" },
    });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { input: this.input };
  }
}
