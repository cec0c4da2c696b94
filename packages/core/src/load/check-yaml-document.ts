import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Diagnostic } from '../model/diagnostic.js';
import { findStructureProblems } from '../validate/structure-walk.js';
import { toPointer } from '../validate/json-pointer.js';
import { LocatedReporter } from '../validate/located-reporter.js';
import { describeSchemaErrors } from '../validate/schema-diagnostics.js';
import { MAX_YAML_DEPTH } from './limits.js';
import { parseYamlSource } from './parse-yaml.js';
import type { RuleSource } from './parse-yaml.js';
import type { SourcePositions } from './source-positions.js';

/** A YAML document checked against a JSON Schema: its data when valid, and every diagnostic. */
export interface CheckedYamlDocument {
  /** The parsed data; present only when there is no error diagnostic. */
  value?: unknown;
  diagnostics: Diagnostic[];
}

const validators = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  let validate = validators.get(schema);
  if (validate === undefined) {
    // The same ajv settings as the rule-file schema: strict, no `$data`, errors with parent schemas
    // (for "did you mean" on unknown keys); callers pass small, size-capped files only.
    validate = new Ajv({
      strict: true,
      allowUnionTypes: true,
      $data: false,
      allErrors: true,
      verbose: true,
    }).compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}

/**
 * Parses a YAML file other than a rule file (a service configuration, say) with the rule files'
 * hardened reader, rejects prototype keys and validates it against `schema`; every problem comes
 * back as a located diagnostic (`file:line:column`, JSON Pointer). Never throws on bad input.
 */
export function checkYamlDocument(source: RuleSource, schema: object): CheckedYamlDocument {
  const diagnostics: Diagnostic[] = [];
  const report = (diagnostic: Diagnostic): void => {
    diagnostics.push(diagnostic);
  };
  const parsed = parseYamlSource(source, report);
  if (parsed === undefined) return { diagnostics };
  const positions = new Map<string, SourcePositions>([[parsed.file, parsed.positions]]);
  const reporter = new LocatedReporter(positions, report);
  const validate = validatorFor(schema);
  reportStructureAndSchema(parsed.value, parsed.file, reporter, (value) =>
    validate(value) ? [] : (validate.errors ?? []),
  );
  return diagnostics.some((d) => d.severity === 'error')
    ? { diagnostics }
    : { value: parsed.value, diagnostics };
}

/**
 * Reports prototype keys (at the key) and JSON Schema errors (with "did you mean" hints) of one
 * parsed file; an unknown-key error on a prototype key is left out, it is already reported.
 */
export function reportStructureAndSchema(
  value: unknown,
  file: string,
  reporter: LocatedReporter,
  schemaErrors: (value: unknown) => readonly ErrorObject[],
): void {
  const forbidden = new Set<string>();
  for (const finding of findStructureProblems(value, MAX_YAML_DEPTH + 1)) {
    // Depth is bounded by the YAML parser already; only prototype keys are reported here.
    if (finding.problem !== 'forbidden-key') continue;
    forbidden.add(toPointer(finding.path));
    reporter.error(
      'EXR_FORBIDDEN_KEY',
      `the key '${String(finding.path[finding.path.length - 1])}' is not allowed anywhere in the file (it could reach object prototypes); rename it`,
      { file, segments: finding.path },
      { at: 'key' },
    );
  }
  for (const problem of describeSchemaErrors(schemaErrors(value))) {
    if (
      problem.code === 'EXR_SCHEMA_UNKNOWN_KEY' &&
      forbidden.has(toPointer(problem.target.segments))
    ) {
      continue;
    }
    reporter.error(
      problem.code,
      problem.message,
      { file, segments: problem.target.segments },
      { at: problem.target.at, hint: problem.hint },
    );
  }
}
