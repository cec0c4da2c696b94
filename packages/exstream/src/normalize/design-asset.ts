import type { NormalizedEvent } from '@exroute/core';
import { DEFAULT_MAPPING } from '../mapping/default-mapping.js';
import { resolveMappedFields } from '../mapping/resolve-fields.js';
import { FieldReader, clip } from '../raw/field-reader.js';
import { contentHashId } from '../raw/stable-id.js';
import { buildEvent, compact } from './build-event.js';
import type { NormalizeOptions } from './options.js';
import { requireRawRecord } from './require-raw-record.js';

/** DAS workflow states (`WorkflowState` in OpenText's Communications SDK). */
export const WORKFLOW_STATES = ['DRAFT', 'REVIEW', 'APPROVED', 'REJECTED'] as const;

/** One DAS workflow state. */
export type WorkflowState = (typeof WORKFLOW_STATES)[number];

/** The kind of design asset, from the DAS resource `type`, as rules see it in `data.kind`. */
const ASSET_KINDS: Readonly<Record<string, string>> = {
  exstrapplication: 'template',
  exstrdocument: 'template',
  exstremail: 'template',
  exstrhtml5: 'template',
  versionedtemplate: 'template',
  exstrcommunicationset: 'communication-set',
  exstrparagraph: 'clause',
  exstrparagraphsection: 'clause-section',
  exstrtextmessage: 'message',
  exstrgraphicalmessage: 'message',
  exstrcomponentobj: 'content-component',
  exstrrule: 'rule',
  image: 'image',
  flowmodel: 'flow-model',
};

/** The asset kind for a DAS resource type; `other` for types exroute has no name for. */
export function assetKind(resourceType: string): string {
  return Object.prototype.hasOwnProperty.call(ASSET_KINDS, resourceType)
    ? ASSET_KINDS[resourceType]!
    : 'other';
}

type Transition =
  | { type: 'content.review_requested' }
  | { type: 'lifecycle.changed'; stage: string }
  | { type: 'content.updated'; changeKind: 'created' | 'new-version'; fromVersion?: number };

/**
 * Normalizes a design-asset (DAS resource) state change — the resource as the Design API returns
 * it plus `previousState` / `previousVersion` — into `content.review_requested` (DRAFT→REVIEW),
 * `lifecycle.changed` (→APPROVED, →REJECTED, REJECTED→DRAFT) or `content.updated` (a new version).
 */
export function normalizeDesignAssetChange(
  raw: unknown,
  options: NormalizeOptions = {},
): NormalizedEvent {
  return normalizeDesignAssetRecord(requireRawRecord(raw, 'a design-asset change'), options);
}

/** The design-asset normalizer after the structural checks (shared with `normalize`). */
export function normalizeDesignAssetRecord(
  raw: Record<string, unknown>,
  options: NormalizeOptions,
): NormalizedEvent {
  const mapping = options.mapping ?? DEFAULT_MAPPING;
  const reader = new FieldReader();
  const resourceId = reader.requiredString(raw, 'id', '');
  const name = reader.requiredString(raw, 'name', '');
  const resourceType = reader.requiredString(raw, 'type', '');
  const version = reader.optionalCount(raw, 'version', '');
  if (version === undefined && !reader.reported('/version')) {
    reader.missing('/version', "number 'version'");
  }
  const state = readState(reader, raw, 'state', true);
  const previousState = readState(reader, raw, 'previousState', false);
  const previousVersion = reader.optionalCount(raw, 'previousVersion', '');
  const domain = reader.requiredString(raw, 'domain', '');
  const time = reader.optionalTime(raw, 'lastModifiedDate', '');
  if (time === undefined && !reader.reported('/lastModifiedDate')) {
    reader.missing('/lastModifiedDate', "timestamp 'lastModifiedDate'");
  }
  const comment =
    reader.optionalString(raw, 'auditedComment', '') ??
    reader.optionalString(raw, 'stateComment', '');
  const modifiedBy = reader.optionalString(raw, 'lastModifiedBy', '');
  const tenant = reader.optionalString(raw, 'tenant', '');
  const eventId = reader.optionalString(raw, 'eventId', '');
  reader.throwIfFailed();
  if (
    resourceId === undefined ||
    name === undefined ||
    resourceType === undefined ||
    version === undefined ||
    state === undefined ||
    domain === undefined ||
    time === undefined
  ) {
    return reader.fail();
  }

  const transition = classifyTransition(reader, state, previousState, version, previousVersion);
  if (transition === undefined) return reader.fail();
  const source = tenant !== undefined ? `exstream/${tenant}` : `exstream/das/${domain}`;
  const fields = resolveMappedFields(
    mapping,
    {
      eventType: transition.type,
      source,
      resourceName: name,
      resourceType,
      domain,
      tenant,
    },
    { ...(tenant !== undefined ? { fallback: { tenant } } : {}), reader, manifestPointer: '' },
  );
  reader.throwIfFailed();

  const kind = assetKind(resourceType);
  const data = compact({
    resource: { id: resourceId, name, type: resourceType, version, kind },
    kind,
    state,
    previousState,
    stage: transition.type === 'lifecycle.changed' ? transition.stage : undefined,
    changeKind: transition.type === 'content.updated' ? transition.changeKind : undefined,
    fromVersion: transition.type === 'content.updated' ? transition.fromVersion : undefined,
    toVersion: transition.type === 'content.updated' ? version : undefined,
    comment,
    modifiedBy,
    domain,
  });
  return buildEvent({
    id: eventId ?? contentHashId(raw),
    source,
    type: transition.type,
    time,
    fields,
    subject: resourceId,
    data,
  });
}

function readState(
  reader: FieldReader,
  raw: Record<string, unknown>,
  key: string,
  required: boolean,
): WorkflowState | undefined {
  const text = required ? reader.requiredString(raw, key, '') : reader.optionalString(raw, key, '');
  if (text === undefined) return undefined;
  if ((WORKFLOW_STATES as readonly string[]).includes(text)) return text as WorkflowState;
  reader.report(
    'EXR_UNKNOWN_STATE',
    `/${key}`,
    `'${key}' must be one of ${WORKFLOW_STATES.join(', ')}, got '${clip(text)}'`,
  );
  return undefined;
}

/**
 * Maps a DAS workflow move onto an event type. The allowed moves are DRAFT→REVIEW, REVIEW→APPROVED,
 * REVIEW→REJECTED, REJECTED→DRAFT and APPROVED→DRAFT (which creates a new version); the simple
 * workflow also allows DRAFT→APPROVED. Anything else is reported, never guessed.
 */
function classifyTransition(
  reader: FieldReader,
  state: WorkflowState,
  previousState: WorkflowState | undefined,
  version: number,
  previousVersion: number | undefined,
): Transition | undefined {
  const from = previousState ?? 'unknown';
  const refuse = (hint: string): undefined => {
    reader.report(
      'EXR_UNSUPPORTED_TRANSITION',
      previousState === undefined ? '/state' : '/previousState',
      `a ${from} → ${state} change at version ${version} is not a workflow move exroute can report`,
      hint,
    );
    return undefined;
  };
  switch (state) {
    case 'REVIEW':
      if (previousState === undefined || previousState === 'DRAFT') {
        return { type: 'content.review_requested' };
      }
      return refuse('only DRAFT → REVIEW submits a resource for review');
    case 'APPROVED':
      if (previousState === undefined || previousState === 'REVIEW' || previousState === 'DRAFT') {
        return { type: 'lifecycle.changed', stage: 'template.approved' };
      }
      return refuse('a resource is approved from REVIEW (or DRAFT in the simple workflow)');
    case 'REJECTED':
      if (previousState === undefined || previousState === 'REVIEW') {
        return { type: 'lifecycle.changed', stage: 'template.rejected' };
      }
      return refuse('a resource is rejected from REVIEW');
    case 'DRAFT':
      if (previousVersion !== undefined && version > previousVersion) {
        return { type: 'content.updated', changeKind: 'new-version', fromVersion: previousVersion };
      }
      if (previousState === 'APPROVED') {
        return {
          type: 'content.updated',
          changeKind: 'new-version',
          ...(previousVersion !== undefined ? { fromVersion: previousVersion } : {}),
        };
      }
      if (previousState === 'REJECTED') {
        return { type: 'lifecycle.changed', stage: 'template.returned_to_draft' };
      }
      if (previousState === undefined && previousVersion === undefined && version === 1) {
        return { type: 'content.updated', changeKind: 'created' };
      }
      return refuse(
        'a DRAFT is reported when it is a new version: give previousVersion (lower than version) or previousState APPROVED',
      );
  }
}
