/**
 * Watching spec folders the way editors and git change them. A watch on a file follows the inode,
 * so a save that writes a new file and renames it over the old one (`sed -i`, `git checkout`,
 * vim, many IDEs) leaves it watching a file that is gone. Watching every directory instead sees
 * each entry created, renamed, rewritten or removed, whatever the save does; a folder that appears
 * is watched from then on and one that goes away is let go.
 */
import { type Dirent, type FSWatcher, readdirSync, statSync, watch } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** A running tree watch. */
export interface TreeWatcher {
  close(): void;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A directory's entries, or none when it went away meanwhile. */
function entriesOf(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** `root` and every directory under it, skipping hidden ones and node_modules. */
function directoriesUnder(root: string): string[] {
  if (!isDirectory(root)) return [];
  const found = [root];
  for (let i = 0; i < found.length; i++) {
    const dir = found[i] as string;
    for (const entry of entriesOf(dir)) if (entry.isDirectory() && !entry.name.startsWith(".") && entry.name !== "node_modules") found.push(join(dir, entry.name));
  }
  return found;
}

/**
 * Watches `roots` (folders or single files) and calls `onChange` with the absolute path of every
 * entry created, changed, renamed or removed under them. Each root's parent is watched too, so a
 * root folder or file that is replaced as a whole is picked up again.
 */
export function watchTree(roots: readonly string[], onChange: (path: string) => void): TreeWatcher {
  const watchers = new Map<string, FSWatcher>();
  const absolute = roots.map((r) => resolve(r));
  const parents = new Set(absolute.map((r) => dirname(r)));
  const underRoot = (path: string) => absolute.some((r) => path === r || path.startsWith(`${r}/`));

  const stop = (dir: string) => {
    watchers.get(dir)?.close();
    watchers.delete(dir);
  };
  const start = (dir: string) => {
    if (watchers.has(dir)) return;
    try {
      const w = watch(dir, (event, name) => changed(dir, name === null ? undefined : name.toString(), event));
      // A watched directory that is removed ends its watch with an error on some systems.
      w.on("error", () => stop(dir));
      watchers.set(dir, w);
    } catch {
      // Gone between listing and watching: the next sync finds its replacement.
    }
  };
  /** Brings the watched set in line with the directories that exist now. */
  const sync = () => {
    const wanted = new Set(absolute.flatMap(directoriesUnder));
    for (const parent of parents) if (isDirectory(parent)) wanted.add(parent);
    for (const dir of [...watchers.keys()]) if (!wanted.has(dir)) stop(dir);
    for (const dir of wanted) start(dir);
  };
  const changed = (dir: string, name: string | undefined, event: string) => {
    const path = name === undefined ? dir : join(dir, name);
    // A parent is watched only to see its root come back; its other entries are not specs.
    if (!underRoot(path)) return;
    // Only a `rename` event creates, removes or replaces an entry; a folder's `change` is its own
    // metadata, and what changed inside it is reported by its own watch.
    if (event === "change" && isDirectory(path)) return;
    if (event === "rename" && (isDirectory(path) || watchers.has(path))) {
      // A folder created, removed or renamed into place: the watches on the old one (if any)
      // follow inodes that are gone, so every watch at and below it starts again.
      for (const dir of [...watchers.keys()]) if (dir === path || dir.startsWith(`${path}/`)) stop(dir);
      sync();
      for (const sub of directoriesUnder(path)) for (const entry of entriesOf(sub)) onChange(join(sub, entry.name));
    }
    onChange(path);
  };
  sync();
  return {
    close() {
      for (const dir of [...watchers.keys()]) stop(dir);
    },
  };
}
