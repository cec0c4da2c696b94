import { resolve } from 'node:path';
import { loadMapping, normalize } from '@exroute/exstream';
import type { Mapping } from '@exroute/exstream';
import type { Diagnostic, NormalizedEvent } from '@exroute/core';
import type { CliIo } from '../cli-io.js';
import type { OptionSpec, ParsedCommand } from '../command.js';
import { flag, stringValue } from '../command.js';
import { diagnosticsOfError } from './load-rules.js';

/** `--normalize`: the input is raw Exstream payloads. */
export const NORMALIZE_OPTION: OptionSpec = {
  type: 'boolean',
  description: 'the input is raw Exstream payloads: normalize them first',
};

/** `--mapping FILE`: the tenant's mapping file for normalizing raw payloads (implies --normalize). */
export const MAPPING_OPTION: OptionSpec = {
  type: 'string',
  valueName: 'FILE',
  description: 'mapping file for raw Exstream payloads (implies --normalize)',
};

/** How input JSON becomes a NormalizedEvent: taken as is, or normalized with a mapping. */
export interface EventReading {
  /** Normalize raw Exstream payloads first. */
  raw: boolean;
  /** The mapping to normalize with; the exstream package's default mapping when absent. */
  mapping?: Mapping;
}

/**
 * Reads `--normalize` and `--mapping` (which implies `--normalize`) and loads the mapping file,
 * relative to the working directory; throws the exstream package's MappingError when the file
 * is unreadable or invalid.
 */
export async function readEventReading(parsed: ParsedCommand, io: CliIo): Promise<EventReading> {
  const mappingPath = stringValue(parsed, 'mapping');
  if (mappingPath === undefined) return { raw: flag(parsed, 'normalize') };
  return { raw: true, mapping: await loadMapping(resolve(io.cwd, mappingPath)) };
}

/**
 * Turns one parsed JSON value into the event to route: as is, or through the Exstream
 * normalizer (with the reading's mapping) when `reading.raw` is set. Problems come back as
 * diagnostics positioned at `file` and `line`, never as exceptions.
 */
export function toEvent(
  value: unknown,
  reading: EventReading,
  file: string,
  line: number,
): { event: NormalizedEvent } | { diagnostics: Diagnostic[] } {
  if (reading.raw) {
    try {
      return {
        event: normalize(value, reading.mapping !== undefined ? { mapping: reading.mapping } : {}),
      };
    } catch (error) {
      return { diagnostics: diagnosticsOfError(error).map((d) => positioned(d, file, line)) };
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      diagnostics: [
        {
          code: 'EXR_CLI_NOT_AN_EVENT',
          severity: 'error',
          message:
            'expected a JSON object (a NormalizedEvent); use --normalize for raw Exstream payloads',
          file,
          line,
          column: 1,
        },
      ],
    };
  }
  return { event: value as NormalizedEvent };
}

/** Places a diagnostic about an event (which carries only a JSON Pointer) at its input line. */
export function positioned(diagnostic: Diagnostic, file: string, line: number): Diagnostic {
  if (diagnostic.file !== undefined) return diagnostic;
  const where =
    diagnostic.pointer !== undefined && diagnostic.pointer !== ''
      ? ` [at ${diagnostic.pointer}]`
      : '';
  return { ...diagnostic, message: `${diagnostic.message}${where}`, file, line, column: 1 };
}
