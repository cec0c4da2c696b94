import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// The packages as a user outside this repository gets them: `pnpm pack:all` tarballs installed
// with plain npm into a copy of this example (third-party dependencies from the npm registry),
// then the example's own CI script, the `exroute` binary, and an import of every public package
// from TypeScript, type-checked and run. Generic over packages/*: a new public package is packed,
// installed and imported without touching this test.
//
// Slow (about a minute of npm install) and it needs the npm registry, so it is one test and runs
// once, in CI: .ci/run sets EXROUTE_INSTALL_TEST=1. Elsewhere it is reported as skipped; run it
// with `EXROUTE_INSTALL_TEST=1 npx vitest run examples/compliance-repo/installed.test.ts`.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('.', import.meta.url));
const INSTALL_TIMEOUT_MS = 300_000;
const run = promisify(execFile);

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  exports?: Record<string, string | { types?: string; default?: string }>;
}

async function publicPackages(): Promise<Manifest[]> {
  const manifests: Manifest[] = [];
  for (const dir of (await readdir(join(ROOT, 'packages'))).sort()) {
    const path = join(ROOT, 'packages', dir, 'package.json');
    if (!existsSync(path)) continue;
    const manifest = JSON.parse(await readFile(path, 'utf8')) as Manifest;
    if (manifest.private !== true) manifests.push(manifest);
  }
  return manifests;
}

/** Every file an `exports` map points at, relative to the package. */
function exportTargets(manifest: Manifest): string[] {
  return Object.values(manifest.exports ?? {}).flatMap((target) =>
    typeof target === 'string'
      ? [target]
      : [target.types, target.default].filter((t): t is string => t !== undefined),
  );
}

let work: string | undefined;
afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('every public package', () => {
  it('is publishable as it is: metadata, README, licence, files that exist', async () => {
    const packages = await publicPackages();
    expect(packages.length).toBeGreaterThan(0);
    const versions = new Set(packages.map((p) => p.version));
    expect([...versions], 'one version for all packages').toHaveLength(1);
    for (const manifest of packages) {
      const dir = join(ROOT, 'packages', manifest.name.replace('@exroute/', ''));
      const full = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Manifest & {
        license?: string;
        engines?: { node?: string };
        repository?: { url?: string; directory?: string };
        publishConfig?: { access?: string };
        files?: string[];
        bin?: Record<string, string>;
      };
      const where = manifest.name;
      expect(full.license, where).toBe('Apache-2.0');
      expect(full.engines?.node, where).toMatch(/^>=20/);
      expect(full.repository?.url, where).toMatch(/^git\+https:\/\/github\.com\/.+\.git$/);
      expect(full.repository?.directory, where).toBe(`packages/${dir.split('/').at(-1)}`);
      expect(full.publishConfig?.access, where).toBe('public');
      expect(existsSync(join(dir, 'README.md')), `${where} README.md`).toBe(true);
      expect(existsSync(join(dir, 'LICENSE')), `${where} LICENSE`).toBe(true);
      for (const entry of (full.files ?? []).filter((f) => !f.startsWith('!'))) {
        expect(existsSync(join(dir, entry)), `${where} files: ${entry}`).toBe(true);
      }
      for (const target of Object.values(full.bin ?? {})) {
        expect(target.startsWith('./dist/'), `${where} bin ${target} is shipped`).toBe(true);
      }
    }
  });
});

describe.skipIf(process.env.EXROUTE_INSTALL_TEST !== '1')('installed from tarballs', () => {
  it(
    'the compliance repository works outside the monorepo, and every package imports',
    async () => {
      work = await mkdtemp(join(tmpdir(), 'exroute-installed-'));
      const packed = join(work, 'packed');
      const project = join(work, 'rules-repo');
      const { stdout: packOutput } = await run(
        process.execPath,
        [join(ROOT, 'scripts/pack-all.mjs'), '--out', packed],
        { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      );
      const tarballs = packOutput.trim().split('\n');
      const packages = await publicPackages();
      expect(tarballs).toHaveLength(packages.length);

      await cp(EXAMPLE, project, {
        recursive: true,
        filter: (source) => !source.endsWith('.test.ts') && !source.includes('node_modules'),
      });
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        NO_COLOR: '1',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
      };
      // pnpm passes its own npm_* settings down; plain npm must see a user's environment.
      for (const key of Object.keys(env)) {
        if (key.startsWith('npm_') && !['npm_config_audit', 'npm_config_fund'].includes(key)) {
          delete env[key];
        }
      }
      await run('npm', ['install', '--save-dev', '--no-package-lock', ...tarballs], {
        cwd: project,
        env,
        maxBuffer: 16 * 1024 * 1024,
      });

      // 1. The example's CI, exactly as its README says: npm test runs ./ci.sh with npx exroute.
      const ci = await run('npm', ['test'], { cwd: project, env });
      expect(ci.stdout).toContain('::: exroute test tests/');
      expect(ci.stdout).toMatch(/Coverage: \d+\/\d+ rules matched, 100%/);

      // 2. The binary, by its own name.
      const version = await run('npx', ['--no-install', 'exroute', '--version'], {
        cwd: project,
        env,
      });
      const cli = packages.find((p) => p.name === '@exroute/cli');
      expect(version.stdout.trim()).toBe(cli?.version);

      // 3. Every file each exports map names is in the installed package.
      for (const manifest of packages) {
        for (const target of exportTargets(manifest)) {
          expect(
            existsSync(join(project, 'node_modules', manifest.name, target)),
            `${manifest.name} ${target}`,
          ).toBe(true);
        }
      }

      // 4. A TypeScript import of every package: type-checked against the shipped .d.ts files
      //    (with the repository's compiler and Node types), compiled, and run.
      const source = [
        ...packages.map((p, i) => `import * as package${i} from '${p.name}';`),
        `const modules: Record<string, object> = { ${packages.map((p, i) => `'${p.name}': package${i}`).join(', ')} };`,
        `const empty = Object.entries(modules).filter(([, m]) => Object.keys(m).length === 0);`,
        `if (empty.length > 0) throw new Error('no exports: ' + empty.map(([n]) => n).join(', '));`,
        `console.log(Object.keys(modules).join(' '));`,
        '',
      ].join('\n');
      await writeFile(join(project, 'imports.ts'), source);
      await writeFile(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2022',
            strict: true,
            skipLibCheck: false,
            outDir: 'out',
            typeRoots: [join(ROOT, 'node_modules/@types')],
            types: ['node'],
          },
          files: ['imports.ts'],
        }),
      );
      await run(
        process.execPath,
        [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
        {
          cwd: project,
        },
      );
      const imported = await run(process.execPath, [join(project, 'out/imports.js')], {
        cwd: project,
      });
      expect(imported.stdout.trim().split(' ')).toEqual(packages.map((p) => p.name));
    },
    INSTALL_TIMEOUT_MS,
  );
});
