/**
 * `node dist/bench/heap.js <file.heapsnapshot>`: what a heap snapshot taken by `BENCH_HEAP_SNAPSHOT=<folder> npm run
 * bench` holds, by kind of object (constructor name for objects, V8's category otherwise) and by self size, with the
 * largest strings' beginnings. Prints; asserts nothing. Self sizes, not retained sizes: enough to see which kind of
 * object grows between an idle and a loaded snapshot.
 */
import { readFileSync } from 'node:fs';

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] }; node_count: number };
  nodes: number[];
  strings: string[];
}

function summarise(file: string): void {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
  const fields = heap.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = heap.snapshot.meta.node_types[0];
  const kinds = new Map<string, { count: number; bytes: number }>();
  const strings: Array<{ bytes: number; text: string }> = [];
  let total = 0;
  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = types[heap.nodes[i + typeAt]];
    const name = heap.strings[heap.nodes[i + nameAt]];
    const bytes = heap.nodes[i + sizeAt];
    total += bytes;
    const kind =
      type === 'object' || type === 'closure' || type === 'native'
        ? `${type} ${name.slice(0, 60)}`
        : type === 'hidden' || type === 'array' || type === 'code'
          ? `${type} ${name.replace(/\d+/g, 'N').slice(0, 60)}`
          : type;
    const entry = kinds.get(kind) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += bytes;
    kinds.set(kind, entry);
    if ((type === 'string' || type === 'concatenated string' || type === 'sliced string') && bytes > 20_000) {
      strings.push({ bytes, text: name.slice(0, 80).replace(/\s+/g, ' ') });
    }
  }
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2).padStart(7);
  console.log(`\n${file} : ${heap.snapshot.node_count} objets, ${mb(total).trim()} Mo (tailles propres)`);
  console.log('Par sorte d’objet :');
  for (const [kind, { count, bytes }] of [...kinds.entries()].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 40)) {
    console.log(`  ${mb(bytes)} Mo  ${String(count).padStart(8)}  ${kind}`);
  }
  if (strings.length) {
    console.log('Chaînes de plus de 20 ko :');
    for (const { bytes, text } of strings.sort((a, b) => b.bytes - a.bytes).slice(0, 15)) {
      console.log(`  ${mb(bytes)} Mo  ${text}`);
    }
  }
}

for (const file of process.argv.slice(2)) summarise(file);
