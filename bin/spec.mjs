#!/usr/bin/env node
// The `spec` command: loads the TypeScript sources through tsx so the CLI always runs the code in src/.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
