import { remembered } from '../raw/remembered.js';
import type { Mapping } from './model.js';

// Ordered: the first keyword found in the lower-cased, punctuation-free name decides the channel.
const CHANNEL_KEYWORDS: readonly (readonly [string, string])[] = [
  ['email', 'email'],
  ['smtp', 'email'],
  ['whatsapp', 'whatsapp'],
  ['sms', 'sms'],
  ['fax', 'fax'],
  ['print', 'print'],
  ['postal', 'print'],
  ['archive', 'archive'],
  ['portal', 'web'],
  ['web', 'web'],
  ['mobile', 'mobile'],
  ['push', 'mobile'],
  ['file', 'file'],
];

const GENERIC_SUFFIXES = ['outputchannel', 'deliverychannel', 'channel', 'queue', 'output'];

/**
 * The exroute channel for an Exstream channel or output-queue name (`Email`, `FileOutputChannel`,
 * `PrintQueue`): an exact entry in `mapping.channels` first, then the first built-in keyword the
 * name contains, then the name itself lower-cased without generic suffixes such as `Channel`.
 */
export function channelFromName(name: string, mapping: Mapping): string {
  // A stream repeats a handful of channel names: each mapping remembers its answers.
  let known = channelsOf.get(mapping);
  if (known === undefined) {
    known = remembered((key) => channelOf(key, mapping));
    channelsOf.set(mapping, known);
  }
  return known(name);
}

const channelsOf = new WeakMap<Mapping, (name: string) => string>();

function channelOf(name: string, mapping: Mapping): string {
  const mapped = Object.prototype.hasOwnProperty.call(mapping.channels, name)
    ? mapping.channels[name]
    : undefined;
  if (mapped !== undefined) return mapped;
  const compact = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  for (const [keyword, channel] of CHANNEL_KEYWORDS) {
    if (compact.includes(keyword)) return channel;
  }
  for (const suffix of GENERIC_SUFFIXES) {
    if (compact.endsWith(suffix) && compact.length > suffix.length) {
      return compact.slice(0, -suffix.length);
    }
  }
  return compact === '' ? 'unknown' : compact;
}
