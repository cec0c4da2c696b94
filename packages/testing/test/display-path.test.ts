import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayDiagnostic, formatDiagnosticLine } from '@exroute/testing';

describe('displayDiagnostic', () => {
  const cwd = join('/work', 'repo');
  const diagnostic = {
    code: 'EXR_DUPLICATE_RULE_ID',
    severity: 'error' as const,
    message: `rule id 'a' is already defined at ${join(cwd, 'rules', 'one.yaml')}:3:5`,
    hint: `rename one of them; see ${join(cwd, 'rules', 'one.yaml')}`,
    file: join(cwd, 'rules', 'two.yaml'),
    line: 7,
    column: 5,
  };

  it('shows the file and the paths the message and hint mention all relative to cwd', () => {
    const shown = displayDiagnostic(diagnostic, cwd);
    expect(shown.file).toBe(join('rules', 'two.yaml'));
    expect(shown.message).toBe(
      `rule id 'a' is already defined at ${join('rules', 'one.yaml')}:3:5`,
    );
    expect(shown.hint).toBe(`rename one of them; see ${join('rules', 'one.yaml')}`);
    expect(formatDiagnosticLine(diagnostic, cwd)).not.toContain(cwd);
  });

  it('leaves every path absolute when the file is outside cwd', () => {
    const elsewhere = join('/elsewhere');
    const shown = displayDiagnostic(diagnostic, elsewhere);
    expect(shown.file).toBe(diagnostic.file);
    expect(shown.message).toBe(diagnostic.message);
  });
});
