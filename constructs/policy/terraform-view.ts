import { TerraformDataSource, TerraformLocal, TerraformOutput, TerraformResource, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};

/** One block of a stack's Terraform JSON. */
export interface TerraformBlock {
  readonly kind: "resource" | "data" | "output" | "local";
  /** Resource or data source type (`azuread_application`); empty for outputs and locals. */
  readonly type: string;
  /** The block's name in Terraform (the element's friendly unique id). */
  readonly name: string;
  /** Address as expressions use it: `azuread_application.x`, `data.azuread_client_config.x`, `output.x`, `local.x`. */
  readonly address: string;
  /** The block's resolved body (for a local: `{ value }`), overrides included, tokens rendered as `${...}`. */
  readonly config: Json;
}

/**
 * A stack's Terraform JSON exactly as synthesis will write it (escape-hatch overrides included), so rules judge what
 * Terraform will read rather than construct properties that an override can silently replace.
 */
export class TerraformView {
  /** Resolves the whole stack once: `TerraformStack.toTerraform()` is the same call synthesis makes. */
  public static fromStack(stack: TerraformStack): TerraformView {
    return new TerraformView(stack.toTerraform());
  }

  private readonly byAddress = new Map<string, TerraformBlock>();

  constructor(json: unknown) {
    const root = asRecord(json);
    for (const kind of ["resource", "data"] as const) {
      for (const [type, blocks] of Object.entries(asRecord(root[kind]))) {
        for (const [name, config] of Object.entries(asRecord(blocks))) {
          const address = `${kind === "data" ? "data." : ""}${type}.${name}`;
          this.byAddress.set(address, { kind, type, name, address, config: asRecord(config) });
        }
      }
    }
    for (const [name, config] of Object.entries(asRecord(root.output))) {
      this.byAddress.set(`output.${name}`, {
        kind: "output",
        type: "",
        name,
        address: `output.${name}`,
        config: asRecord(config),
      });
    }
    for (const [name, value] of Object.entries(asRecord(root.locals))) {
      this.byAddress.set(`local.${name}`, {
        kind: "local",
        type: "",
        name,
        address: `local.${name}`,
        config: { value },
      });
    }
  }

  /** The block at an address, e.g. `data.azuread_service_principal.graph`. */
  public block(address: string): TerraformBlock | undefined {
    return this.byAddress.get(address);
  }

  /** Every block of a kind, and for resources and data sources of a type. */
  public blocks(kind: TerraformBlock["kind"], type = ""): TerraformBlock[] {
    return [...this.byAddress.values()].filter((block) => block.kind === kind && (type === "" || block.type === type));
  }

  private readonly blocksOfNodes = new WeakMap<IConstruct, TerraformBlock | undefined>();

  /** The block a construct synthesizes to, or `undefined` for constructs that are not Terraform blocks. */
  public blockOf(node: IConstruct): TerraformBlock | undefined {
    // Every rule asks this for every construct: find each construct's block once.
    if (!this.blocksOfNodes.has(node)) this.blocksOfNodes.set(node, this.findBlockOf(node));
    return this.blocksOfNodes.get(node);
  }

  private findBlockOf(node: IConstruct): TerraformBlock | undefined {
    if (TerraformResource.isTerraformResource(node)) {
      return this.block(`${node.terraformResourceType}.${node.friendlyUniqueId}`);
    }
    if (TerraformDataSource.isTerraformDataSource(node)) {
      return this.block(`data.${node.terraformResourceType}.${node.friendlyUniqueId}`);
    }
    if (TerraformOutput.isTerraformOutput(node)) return this.block(`output.${node.friendlyUniqueId}`);
    if (node instanceof TerraformLocal) return this.block(`local.${node.friendlyUniqueId}`);
    return undefined;
  }
}
