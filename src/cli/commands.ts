/** The registry of commands, in the order `spec --help` lists them. A new command is one file and one line here. */
import type { Command } from "./command.ts";
import { validateCommand } from "./validate.ts";

export const commands: Command[] = [validateCommand];
