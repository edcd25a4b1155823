// Refuses what would let the workflow compile without the schema's types: `any`, type
// assertions (`x as T`, `<T>x`, the non-null `x!`) and comments that silence the compiler.
// `as const` is allowed: it narrows, it does not override.
//   node check-no-escapes.mjs FILE.ts...
import { readFileSync } from "node:fs";
import ts from "typescript";

const SILENCERS = /@ts-(ignore|expect-error|nocheck)/;

function escapesIn(path) {
  const text = readFileSync(path, "utf8");
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const report = (node, what) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    found.push(`${path}:${line + 1}: ${what}: ${node.getText(source)}`);
  };
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) report(node, "`any`");
    if (ts.isAsExpression(node) && !ts.isConstTypeReference(node.type)) report(node, "a cast");
    if (ts.isTypeAssertionExpression(node)) report(node, "a cast");
    if (ts.isNonNullExpression(node)) report(node, "a non-null assertion");
    ts.forEachChild(node, visit);
  };
  visit(source);
  text.split("\n").forEach((line, index) => {
    if (SILENCERS.test(line)) found.push(`${path}:${index + 1}: a silenced check: ${line.trim()}`);
  });
  return found;
}

const found = process.argv.slice(2).flatMap(escapesIn);
if (found.length > 0) {
  console.error(["Type escapes are not allowed in the typed workflow:", ...found].join("\n"));
  process.exit(1);
}
