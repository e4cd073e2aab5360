import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** One source file: its path relative to the project folder (forward slashes) and its bytes. */
export interface SourceFile {
    path: string;
    content: Buffer | string;
}

/** Folders that hold build output or editor state, never sources. */
export const EXCLUDED_DIRS: readonly string[] = ["bin", "obj", ".vs", ".idea", "TestResults"];

/**
 * SHA-256 over the files sorted by path; each entry contributes its path, its length and its bytes, so
 * renaming a file or moving bytes between files changes the hash, while the order files are read in does not.
 */
export function sourceHash(files: readonly SourceFile[]): string {
    const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (let i = 1; i < sorted.length; i++) {
        if (sorted[i].path === sorted[i - 1].path) {
            throw new Error(`sourceHash: the path "${sorted[i].path}" appears twice`);
        }
    }
    const hash = createHash("sha256");
    for (const file of sorted) {
        const bytes = typeof file.content === "string" ? Buffer.from(file.content, "utf8") : file.content;
        hash.update(`${file.path}\0${bytes.length}\0`);
        hash.update(bytes);
    }
    return hash.digest("hex");
}

/** Machine-local files (git-ignored): they differ between machines and never ship. */
export const EXCLUDED_FILES: readonly RegExp[] = [/^local\.settings\.json$/, /\.user$/];

/** Whether a path relative to the project folder is build output, editor state or a machine-local file. */
export function isExcluded(relativePath: string): boolean {
    const segments = relativePath.split("/");
    const file = segments[segments.length - 1];
    return segments.some((segment) => EXCLUDED_DIRS.includes(segment)) || EXCLUDED_FILES.some((re) => re.test(file));
}

/** Reads every file under `dir` except build output, with paths relative to `dir`. */
export function readSourceFiles(dir: string): SourceFile[] {
    const files: SourceFile[] = [];
    const walk = (current: string, relative: string): void => {
        for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
            const rel = relative ? `${relative}/${entry.name}` : entry.name;
            if (isExcluded(rel)) continue;
            const full = path.join(current, entry.name);
            if (entry.isDirectory()) walk(full, rel);
            else if (entry.isFile()) files.push({ path: rel, content: fs.readFileSync(full) });
        }
    };
    walk(dir, "");
    return files;
}

/** Files outside the function app folder that change its build: SDK pin, package versions, compiler settings. */
export const SHARED_BUILD_FILES: readonly string[] = ["global.json", "Directory.Build.props", "Directory.Packages.props"];

/**
 * The hash of everything the function app's build reads: every source file under `<root>/<appDir>` (paths
 * prefixed with `<appDir>/`) and the shared build files at the root that exist.
 */
export function hashFunctionAppBuild(root: string, appDir: string): string {
    const files = readSourceFiles(path.join(root, appDir)).map((f) => ({ ...f, path: `${appDir}/${f.path}` }));
    for (const name of SHARED_BUILD_FILES) {
        const full = path.join(root, name);
        if (fs.existsSync(full)) files.push({ path: name, content: fs.readFileSync(full) });
    }
    return sourceHash(files);
}

/** The hash of a folder's sources: `sourceHash(readSourceFiles(dir))`. */
export function hashSourceDir(dir: string): string {
    return sourceHash(readSourceFiles(dir));
}

/**
 * The nearest folder at or above `start` that contains `marker` (e.g. the Pulumi project folder, found
 * from a program that may run from `infra/` through ts-node or from `build/infra/` compiled).
 */
export function findUp(start: string, marker: string): string {
    let dir = path.resolve(start);
    for (;;) {
        if (fs.existsSync(path.join(dir, marker))) return dir;
        const parent = path.dirname(dir);
        if (parent === dir) throw new Error(`No ${marker} in ${start} or any folder above it.`);
        dir = parent;
    }
}
