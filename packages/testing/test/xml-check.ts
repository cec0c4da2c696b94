/** One element of a parsed XML document: enough structure for assertions on JUnit reports. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#[0-9]+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    const value = ENTITIES[name];
    if (value === undefined) throw new Error(`unknown entity ${whole}`);
    return value;
  });
}

/**
 * A strict little XML parser for tests: throws on anything not well-formed (unbalanced or
 * mismatched tags, bare `&` or `<` in text, duplicate attributes, control characters).
 */
export function parseXml(xml: string): XmlElement {
  for (const char of xml) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 && code !== 0x9 && code !== 0xa && code !== 0xd) {
      throw new Error('control character');
    }
  }
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: XmlElement = { name: '#root', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const token = /<\/([\w:-]+)\s*>|<([\w:-]+)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let position = 0;
  while (position < body.length) {
    token.lastIndex = position;
    const match = token.exec(body);
    if (match === null) throw new Error(`not well-formed at offset ${position}`);
    position = token.lastIndex;
    const top = stack[stack.length - 1]!;
    if (match[1] !== undefined) {
      if (top.name !== match[1]) throw new Error(`</${match[1]}> closes <${top.name}>`);
      stack.pop();
    } else if (match[2] !== undefined) {
      const attributes: Record<string, string> = {};
      for (const attribute of (match[3] ?? '').matchAll(/([\w:-]+)="([^"]*)"/g)) {
        if (attribute[1]! in attributes) throw new Error(`duplicate attribute ${attribute[1]}`);
        attributes[attribute[1]!] = decode(attribute[2]!);
      }
      const element: XmlElement = { name: match[2], attributes, children: [], text: '' };
      top.children.push(element);
      if (match[4] !== '/') stack.push(element);
    } else {
      const text = match[5]!;
      if (/&(?!(#[0-9]+|[a-z]+);)/.test(text)) {
        throw new Error('bare & in text');
      }
      top.text += decode(text);
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root.children.length !== 1) throw new Error('exactly one root element expected');
  return root.children[0]!;
}
