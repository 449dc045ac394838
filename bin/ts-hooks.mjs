// Module hooks that let Node 20 run the TypeScript sources directly: every import in the project
// names its file with the `.ts` extension, so resolution is Node's own; loading a `.ts` file
// strips its types with esbuild, keeping the result in node_modules/.cache keyed by the file's
// path, size and modification time. Everything else loads untouched.
import { createHash } from "node:crypto";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const cacheDir = fileURLToPath(new URL("../node_modules/.cache/syncspec-ts/", import.meta.url));
let esbuild;

// Generated TypeScript modules name each other by the `.js` files they become (NodeNext style);
// in a checkout that keeps them as `.ts`, such a name falls back to the `.ts` file beside it.
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const parent = context.parentURL ?? "";
    if (error?.code !== "ERR_MODULE_NOT_FOUND" || !/^\.\.?\//.test(specifier) || !specifier.endsWith(".js") || !parent.endsWith(".ts") || parent.includes("/node_modules/")) throw error;
    return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts") || url.includes("/node_modules/")) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const info = await stat(path);
  const key = createHash("sha1").update(`${path}\0${info.size}\0${info.mtimeMs}`).digest("hex");
  const cached = `${cacheDir}${key}.mjs`;
  try {
    return { format: "module", source: await readFile(cached, "utf8"), shortCircuit: true };
  } catch {
    // Not cached yet.
  }
  esbuild ??= await import("esbuild");
  const { code } = await esbuild.transform(await readFile(path, "utf8"), {
    loader: "ts",
    format: "esm",
    target: "node20",
    sourcemap: "inline",
    sourcefile: path,
  });
  try {
    await mkdir(cacheDir, { recursive: true });
    await writeFile(`${cached}.${process.pid}`, code);
    const { rename } = await import("node:fs/promises");
    await rename(`${cached}.${process.pid}`, cached);
  } catch {
    // A read-only install still runs, only slower.
  }
  return { format: "module", source: code, shortCircuit: true };
}
