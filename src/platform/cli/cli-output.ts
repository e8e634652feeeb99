import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';

/** Where a command writes: the process's own streams, or a client of the running instance's socket. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: CliOutput = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

const current = new AsyncLocalStorage<CliOutput>();
let installed = false;

/**
 * Runs `work` with `console.log`/`console.error` (what the commands print with) sent to `output`. In the running
 * instance several commands may run at once beside the HTTP traffic: each keeps its own output through the async
 * context, and everything else still goes to the process's streams.
 */
export function withCliOutput<T>(output: CliOutput, work: () => Promise<T>): Promise<T> {
  if (!installed) {
    installed = true;
    for (const [method, stream] of [
      ['log', 'out'],
      ['info', 'out'],
      ['warn', 'err'],
      ['error', 'err'],
    ] as const) {
      const original = console[method].bind(console);
      console[method] = (...args: unknown[]) => {
        const target = current.getStore();
        if (target) target[stream](`${format(...args)}\n`);
        else original(...args);
      };
    }
  }
  return current.run(output, work);
}
