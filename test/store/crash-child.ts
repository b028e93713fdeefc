// Child of the crash-safety test: opens the store of argv[2] and adds designs until it is
// killed, printing `added <id> <tag>` once each add has resolved.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DesignStore } from '../../src/store';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.length !== 2) {
    throw new Error('usage: crash-child <workspace> <round>');
  }
  const [ws, round] = args as [string, string];
  const base = readFileSync(join(ws, 'designs', 'gpt2', 'block.ts'), 'utf8');
  const store = await DesignStore.open(ws);
  process.stdout.write('open\n');
  for (let i = 0; ; i++) {
    const tag = `r${round}-${i}`;
    const rec = await store.add(`${base}\n// variant ${tag}\n`, {
      parents: ['gpt2'],
      operator: 'mutate',
      unit: 'RMSNorm',
      status: 'proposed',
      summary: tag,
    });
    process.stdout.write(`added ${rec.id} ${tag}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
