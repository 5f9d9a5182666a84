import type { DuckDBConnection } from '@duckdb/node-api';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { IngestError } from '../errors.ts';
import { streamText } from '../source-file.ts';
import { type DeclaredTypes, finishStaging, type OcelSummary, openWriters } from './tables.ts';

/**
 * Reads an OCEL 2.0 XML file (plain or gzip) as a stream with saxes:
 * `<log>` holding `<object-types>`/`<event-types>` (each `<attribute name type>`
 * declared), `<objects>` (`<object id type>` with `<attribute name time>value</attribute>`
 * and `<relationship object-id qualifier>`) and `<events>` (`<event id type time>`
 * with attributes and relationships). An attribute's type is what its object or
 * event type declares, else string. Ordinal = document order of `<event>`.
 */
export async function stageOcelXml(connection: DuckDBConnection, path: string, file: string): Promise<OcelSummary> {
  const declared = { event: new Map() as DeclaredTypes, object: new Map() as DeclaredTypes };
  const writers = await openWriters(connection);
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: string[] = [];
  let failure: IngestError | undefined;
  let ordinal = 0;
  // The type declaration, object or event being read, and the attribute whose text is being gathered.
  let declaring: Map<string, string> | undefined;
  let owner: { kind: 'object' | 'event'; id: string; type: string } | undefined;
  let attribute: { name: string; time: string | null; text: string } | undefined;

  const required = (tag: SaxesTagPlain, name: string): string => {
    const value = tag.attributes[name];
    if (value === undefined) {
      failure ??= new IngestError(file, `<${tag.name}> without the ${name} attribute`, parser.line, name);
      return '';
    }
    return value;
  };

  parser.on('opentag', (tag: SaxesTagPlain) => {
    const parent = stack[stack.length - 1];
    const grand = stack[stack.length - 2];
    stack.push(tag.name);
    if (failure) return;
    if ((tag.name === 'object-type' && parent === 'object-types') || (tag.name === 'event-type' && parent === 'event-types')) {
      declaring = new Map();
      declared[tag.name === 'object-type' ? 'object' : 'event'].set(required(tag, 'name'), declaring);
    } else if (tag.name === 'attribute' && declaring && parent === 'attributes') {
      declaring.set(required(tag, 'name'), tag.attributes.type ?? 'string');
    } else if (tag.name === 'object' && parent === 'objects' && grand === 'log') {
      owner = { kind: 'object', id: required(tag, 'id'), type: required(tag, 'type') };
      writers.objects.add(owner.id, owner.type);
    } else if (tag.name === 'event' && parent === 'events') {
      owner = { kind: 'event', id: required(tag, 'id'), type: required(tag, 'type') };
      writers.events.add(owner.id, owner.type, tag.attributes.time ?? null, ordinal, parser.line);
      ordinal += 1;
    } else if (tag.name === 'attribute' && owner && parent === 'attributes') {
      attribute = { name: required(tag, 'name'), time: tag.attributes.time ?? null, text: '' };
    } else if (tag.name === 'relationship' && owner && parent === 'objects') {
      const target = required(tag, 'object-id');
      const qualifier = tag.attributes.qualifier ?? null;
      if (owner.kind === 'event') writers.e2o.add(owner.id, target, qualifier);
      else writers.o2o.add(owner.id, target, qualifier);
    }
  });
  const gather = (text: string) => {
    if (attribute) attribute.text += text;
  };
  parser.on('text', gather);
  parser.on('cdata', gather);
  parser.on('closetag', (tag: SaxesTagPlain) => {
    stack.pop();
    if (failure) return;
    if (tag.name === 'object-type' || tag.name === 'event-type') declaring = undefined;
    else if ((tag.name === 'object' || tag.name === 'event') && owner?.kind === tag.name) owner = undefined;
    else if (tag.name === 'attribute' && attribute && owner) {
      const type = declared[owner.kind].get(owner.type)?.get(attribute.name) ?? 'string';
      if (owner.kind === 'event') writers.eventAttributes.add(owner.id, attribute.name, attribute.text, type);
      else writers.objectAttributes.add(owner.id, attribute.name, attribute.text, type, attribute.time);
      attribute = undefined;
    }
  });
  parser.on('error', (error: Error) => {
    failure ??= new IngestError(file, `not well-formed XML: ${error.message.replace(/^[^:]*:\d+:\d+: /, '')}`, parser.line);
  });

  try {
    await streamText(path, file, (text) => parser.write(text), () => failure !== undefined);
    if (!failure) parser.close();
  } finally {
    writers.close();
  }
  if (failure) throw failure;
  return finishStaging(connection, file, 'ocel2-xml', { eventTypes: declared.event.keys(), objectTypes: declared.object.keys() });
}
