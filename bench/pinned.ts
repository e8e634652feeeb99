// Runs the platform (or, with BARE=1, the bench's bare oidc-provider) pinned to one core with taskset (core 0, or
// BENCH_CORE: the scale-out line's second instance), forwarding SIGTERM, so that `npm run bench` measures one core.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const program = process.env.BARE ? join(__dirname, 'bare-provider.js') : join(__dirname, '..', 'src', 'main.js');
const child = spawn('taskset', ['-c', process.env.BENCH_CORE ?? '0', process.execPath, program], { stdio: 'inherit' });
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
