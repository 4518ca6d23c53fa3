// Checks a JSON value from cdk.tf.json against a Terraform (cty) type, reporting each mismatch by its JSON path.
import type { CtyType, SchemaAttribute } from "./provider-schemas";

/** One way a cdk.tf.json does not match the provider schemas. */
export interface ValidationProblem {
  /** JSON path, e.g. `resource.azuread_application.app.required_resource_access[0].resource_access[1].type`. */
  readonly path: string;
  /** What is wrong: the value given and what is expected. */
  readonly message: string;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** cdktf writes references and functions as `${...}` strings; Terraform converts their result to any type. */
export function isInterpolation(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

/** `path.key`, or `path["key"]` when the key is not an identifier. */
export function childPath(path: string, key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === "" ? key : `${path}.${key}`;
}

/** The value for a message: its JSON kind and, unless sensitive, its (shortened) JSON text. */
export function describeValue(value: unknown, sensitive = false): string {
  const kind = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  if (sensitive) return `${kind} (sensitive value not shown)`;
  const text = JSON.stringify(value) ?? String(value);
  return `${kind} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

export function typeName(type: CtyType): string {
  if (typeof type === "string") return type;
  if (type[0] === "object") return `object({${Object.keys(type[1]).join(", ")}})`;
  if (type[0] === "tuple") return `tuple([${type[1].map(typeName).join(", ")}])`;
  return `${type[0]}(${typeName(type[1])})`;
}

/** An attribute's type; protocol-6 nested attributes are turned into the equivalent object type. */
export function attributeType(attribute: SchemaAttribute): CtyType {
  if (attribute.type !== undefined) return attribute.type;
  if (attribute.nested_type === undefined) return "dynamic";
  const { attributes, nesting_mode } = attribute.nested_type;
  const optional = Object.keys(attributes).filter((name) => attributes[name]?.required !== true);
  const objectType: CtyType = ["object", mapValues(attributes, attributeType), optional];
  return nesting_mode === "single" ? objectType : [nesting_mode, objectType];
}

/** Whether the type can hold a JSON object (so an object given for it is not a misplaced block). */
export function acceptsObject(type: CtyType): boolean {
  return type === "dynamic" || (typeof type !== "string" && (type[0] === "map" || type[0] === "object"));
}

/**
 * Pushes a problem for every place `value` does not fit `type`. Null fits every type (requiredness is checked by the
 * caller). Strict on primitives: Terraform would convert 5 to "5", but cdktf's typed bindings always write the
 * schema's own type, so a mismatch means something bypassed them.
 */
export function checkValue(
  value: unknown,
  type: CtyType,
  path: string,
  problems: ValidationProblem[],
  sensitive = false,
): void {
  if (value === null || type === "dynamic" || isInterpolation(value)) return;
  const mismatch = () =>
    problems.push({ path, message: `expected ${typeName(type)}, got ${describeValue(value, sensitive)}` });
  if (typeof type === "string") {
    if (typeof value !== (type === "bool" ? "boolean" : type)) mismatch();
    return;
  }
  switch (type[0]) {
    case "list":
    case "set": {
      if (!Array.isArray(value)) return void mismatch();
      const elementType = type[1];
      value.forEach((element, i) => checkValue(element, elementType, `${path}[${i}]`, problems, sensitive));
      return;
    }
    case "map": {
      if (!isPlainObject(value)) return void mismatch();
      const elementType = type[1];
      for (const [key, element] of Object.entries(value)) {
        checkValue(element, elementType, childPath(path, key), problems, sensitive);
      }
      return;
    }
    case "object": {
      if (!isPlainObject(value)) return void mismatch();
      const [, attributeTypes, optional = []] = type;
      for (const [key, element] of Object.entries(value)) {
        const attributeType = attributeTypes[key];
        if (attributeType === undefined) {
          problems.push({
            path: childPath(path, key),
            message: `unexpected attribute; ${typeName(type)} has no "${key}"`,
          });
        } else {
          checkValue(element, attributeType, childPath(path, key), problems, sensitive);
        }
      }
      for (const key of Object.keys(attributeTypes)) {
        if (!(key in value) && !optional.includes(key)) {
          problems.push({
            path: childPath(path, key),
            message: `missing attribute "${key}" required by ${typeName(type)}`,
          });
        }
      }
      return;
    }
    case "tuple": {
      const elementTypes = type[1];
      if (!Array.isArray(value) || value.length !== elementTypes.length) return void mismatch();
      value.forEach((element, i) => checkValue(element, elementTypes[i]!, `${path}[${i}]`, problems, sensitive));
      return;
    }
  }
}

function mapValues<T, U>(record: Readonly<Record<string, T>>, f: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, f(value)]));
}
