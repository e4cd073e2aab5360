// Questions on a terminal, or answers read line by line from piped input (--interactive). A hidden question
// (the passphrase) echoes nothing on a terminal.
import * as readline from "node:readline";
import { Writable } from "node:stream";

export interface Prompter {
    /** The answer, trimmed; `fallback` (or "") when the answer is empty; undefined when input has ended. */
    ask(question: string, options?: { fallback?: string; hidden?: boolean }): Promise<string | undefined>;
    close(): void;
}

export function createPrompter(input: NodeJS.ReadableStream & { isTTY?: boolean }, output: NodeJS.WritableStream): Prompter {
    let muted = false;
    // Readline echoes what is typed through this stream; muting it hides a passphrase as it is typed.
    const echo = new Writable({
        write(chunk, encoding, done) {
            if (!muted) output.write(chunk, encoding);
            done();
        },
    });
    const terminal = input.isTTY === true;
    const rl = readline.createInterface({ input, output: echo, terminal });
    const lines = rl[Symbol.asyncIterator]();
    return {
        async ask(question, options = {}) {
            const shown = options.fallback !== undefined && !options.hidden ? ` [${options.fallback}]` : "";
            output.write(`${question}${shown}: `);
            muted = options.hidden === true;
            const next = await lines.next();
            muted = false;
            if (options.hidden || !terminal) output.write("\n");
            if (next.done) return undefined;
            const answer = String(next.value).trim();
            return answer === "" ? (options.fallback ?? "") : answer;
        },
        close() {
            rl.close();
        },
    };
}
