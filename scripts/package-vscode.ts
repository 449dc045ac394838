/**
 * `npm run package:vscode [-- --out <folder>]`: the VS Code extension as a `.vsix`, built offline.
 * The extension's sources are type-checked, bundled with its language client into one CommonJS
 * file (esbuild; `vscode` stays external, the editor provides it) in a staging copy of
 * editors/vscode, and packaged there by vsce without dependencies, since the bundle holds them.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const extensionDir = join(root, "editors", "vscode");

function run(what: string, args: readonly string[], cwd: string): void {
  const result = spawnSync(process.execPath, args, { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${what} failed:\n${result.stdout}${result.stderr}`);
}

/** Builds the `.vsix` into `outDir`; returns its path. */
export function packageVscodeExtension(outDir: string): string {
  const manifest = JSON.parse(readFileSync(join(extensionDir, "package.json"), "utf8")) as { name: string; version: string };
  run("type-checking the extension", [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(extensionDir, "tsconfig.json")], root);
  const stage = mkdtempSync(join(tmpdir(), "syncspec-vscode-"));
  try {
    cpSync(extensionDir, stage, { recursive: true });
    buildSync({
      entryPoints: [join(extensionDir, "src", "extension.ts")],
      outfile: join(stage, "dist", "extension.js"),
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      external: ["vscode"],
      nodePaths: [join(root, "node_modules")],
      logLevel: "error",
    });
    mkdirSync(outDir, { recursive: true });
    const vsix = join(outDir, `${manifest.name}-${manifest.version}.vsix`);
    run("vsce package", [join(root, "node_modules", "@vscode", "vsce", "vsce"), "package", "--no-dependencies", "--out", vsix], stage);
    return vsix;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf("--out");
  const out = resolve(at >= 0 ? (process.argv[at + 1] ?? "dist") : join(root, "dist"));
  process.stdout.write(`${packageVscodeExtension(out)}\n`);
}
