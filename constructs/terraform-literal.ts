import { Token, Tokenization } from "cdktf";

/**
 * Text as Terraform must read it when it stands for itself. Terraform's JSON syntax parses every string argument (and
 * every key of a map such as `tags`) as a string template, so `${…}` in a display name is evaluated (`${file("…")}`
 * reads a file on the machine that runs Terraform) and `%{…}` is a directive. `$${` and `%%{` are the escapes for
 * literal `${` and `%{` (Terraform docs, language/expressions/strings.mdx, "Escape sequences", which apply to JSON
 * strings because each is parsed as a native template: language/syntax/json.mdx). cdktf 0.21 writes a plain string
 * unchanged, so without this the text would reach Terraform as code.
 *
 * cdktf tokens in `text` (references such as `app.clientId`, `Fn.*` calls, `TerraformVariable` values) stay
 * expressions; only the literal text around them is escaped. A literal `$` directly before a token is written as
 * `${"$"}`, because `$` followed by the token's `${` would read as the escape `$${`. A value that is a token object
 * rather than a string (`Fn.conditional` returns one, typed as a string) is an expression and returned unchanged.
 *
 * Constructs apply this where they write a free-text prop into a resource, so every caller's text reaches Entra
 * exactly as written, whichever construct it passes through. Never apply it twice to the same text.
 */
export function terraformLiteral(text: string): string {
  if (typeof text !== "string") return text;
  const tokens = Tokenization.reverseString(text).tokens;
  let written = "";
  let rest = text;
  for (const token of tokens) {
    // A token's marker is cached on the token, so it is the exact text cdktf put into the string.
    const marker = Token.asString(token);
    const at = rest.indexOf(marker);
    if (at < 0) continue;
    written += escapeTemplateSequences(rest.slice(0, at)).replace(/\$$/, '${"$"}') + marker;
    rest = rest.slice(at + marker.length);
  }
  return written + escapeTemplateSequences(rest);
}

/** Every key and value of a map (e.g. `tags`) through {@link terraformLiteral}. */
export function terraformLiteralMap(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map).map(([key, value]) => [terraformLiteral(key), terraformLiteral(value)]),
  );
}

/** `${` → `$${` and `%{` → `%%{`. A replacer function: in a replacement string, `$$` would mean a single `$`. */
function escapeTemplateSequences(literal: string): string {
  return literal.replace(/([$%])\{/g, (_match, sigil: string) => `${sigil}${sigil}{`);
}
