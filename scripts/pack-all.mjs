// `pnpm pack:all`: writes one installable tarball per public package (every packages/* whose
// package.json is not "private") to packed/ (or --out DIR), and prints their paths.
//
// pnpm pack rewrites `workspace:*` to the packages' versions and `catalog:` to the catalog's
// ranges, so the tarballs install with plain npm outside this repository:
//
//   npm install ./packed/exroute-core-0.1.0.tgz ./packed/exroute-cli-0.1.0.tgz …
//
// Run `pnpm build` first (`pnpm pack:all` does): the tarballs hold dist/.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: { out: { type: 'string', default: join(root, 'packed') } },
});
const out = resolve(values.out);
mkdirSync(out, { recursive: true });

// Inside `pnpm run`, npm_execpath is the running pnpm; otherwise fetch the pinned one.
const execPath = process.env.npm_execpath ?? '';
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager;
const [command, ...prefix] = basename(execPath).startsWith('pnpm')
  ? /\.[cm]?js$/.test(execPath)
    ? [process.execPath, execPath]
    : [execPath]
  : ['npx', '-y', pinned];

const selected = [];
for (const name of readdirSync(join(root, 'packages')).sort()) {
  const dir = join(root, 'packages', name);
  const manifestPath = join(dir, 'package.json');
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (manifest.private === true) continue;
  if (!existsSync(join(dir, 'dist'))) {
    console.error(`pack:all: ${manifest.name} has no dist/; run pnpm build first`);
    process.exit(2);
  }
  selected.push(manifest);
}

// One pnpm run packs them all (starting pnpm is most of the time).
execFileSync(
  command,
  [
    ...prefix,
    '--recursive',
    ...selected.flatMap((manifest) => ['--filter', manifest.name]),
    'pack',
    '--pack-destination',
    out,
  ],
  { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
);
for (const manifest of selected) {
  const file = join(
    out,
    `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`,
  );
  if (!existsSync(file)) {
    console.error(`pack:all: expected ${file} after packing ${manifest.name}`);
    process.exit(1);
  }
  console.log(file);
}
