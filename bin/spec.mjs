#!/usr/bin/env node
// The `spec` command. It runs the TypeScript sources in src/ directly (types stripped on load),
// so what runs is always what is checked in.
import "./register.mjs";

const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
