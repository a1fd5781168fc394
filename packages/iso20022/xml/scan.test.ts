import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Iso20022Error } from '../errors.ts';
import { DEFAULT_LIMITS, sizedText } from './limits.ts';
import { scanRoot, scanXml } from './scan.ts';

const scan = (xml: string) => scanXml(xml, DEFAULT_LIMITS);

function refused(xml: string, code: string, message?: RegExp): void {
  assert.throws(
    () => scan(xml),
    (e: unknown) => e instanceof Iso20022Error && e.code === code && (message === undefined || message.test(e.message)),
    `${JSON.stringify(xml.slice(0, 60))} should be refused as ${code}`,
  );
}

describe('scanXml: what it reads', () => {
  test('elements, namespaces, text and attributes', () => {
    const root = scan(
      '<?xml version="1.0" encoding="UTF-8"?>\n<p:Doc xmlns:p="urn:a" xmlns="urn:b"><p:A x="1" p:y="2">t</p:A><B/></p:Doc>',
    );
    assert.equal(root.ns, 'urn:a');
    assert.equal(root.name, 'Doc');
    const [a, b] = root.children;
    assert.deepEqual([a?.ns, a?.name, a?.text], ['urn:a', 'A', 't']);
    assert.deepEqual(a?.attrs, [
      { ns: '', name: 'x', value: '1' },
      { ns: 'urn:a', name: 'y', value: '2' },
    ]);
    assert.deepEqual([b?.ns, b?.name], ['urn:b', 'B']);
  });

  test('references, CDATA and line endings are decoded as XML requires', () => {
    const root = scan('<a>&lt;&gt;&amp;&quot;&apos;&#65;&#x1F600;&#13;<![CDATA[&amp;<b>]]>x\r\ny\rz</a>');
    assert.equal(root.text, '<>&"\'A😀\r&amp;<b>x\ny\nz');
  });

  test('attribute values: whitespace normalised, character references kept', () => {
    const root = scan('<a v="x\ty\r\nz&#10;"/>');
    assert.equal(root.attrs?.[0]?.value, 'x y z\n');
  });

  test('BOM, comments and surrounding whitespace are fine', () => {
    assert.equal(scan('\uFEFF<!-- hi -->\n<a><!-- in --></a>\n<!-- after -->\n').name, 'a');
  });

  test('scanRoot stops at the root start tag', () => {
    const root = scanRoot('<Document xmlns="urn:x"><unclosed>', DEFAULT_LIMITS);
    assert.deepEqual([root.name, root.ns], ['Document', 'urn:x']);
  });

  test('errors carry the line', () => {
    assert.throws(
      () => scan('<a>\n\n<b></a>'),
      (e: unknown) => e instanceof Iso20022Error && e.details?.[0]?.line === 3,
    );
  });
});

describe('scanXml: hostile input', () => {
  test('DOCTYPE (XXE, billion laughs) is refused before anything else', () => {
    refused('<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>', 'xml-hostile');
    refused(
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><a>&lol2;</a>',
      'xml-hostile',
    );
  });

  test('entity declarations anywhere are refused', () => {
    refused('<a><!ENTITY x "y"></a>', 'xml-hostile');
  });

  test('processing instructions are refused, including a late XML declaration', () => {
    refused('<?xml-stylesheet href="x.xsl"?><a/>', 'xml-hostile');
    refused('<a><?php echo 1; ?></a>', 'xml-hostile');
    refused('<a/><?xml version="1.0"?>', 'xml-hostile');
  });

  test('undeclared entities are refused (there is no DTD to declare them)', () => {
    refused('<a>&xxe;</a>', 'xml-malformed', /not defined/);
  });

  test('depth is bounded while reading', () => {
    const deep = (n: number) => `${'<a>'.repeat(n)}${'</a>'.repeat(n)}`;
    assert.doesNotThrow(() => scan(deep(64)));
    refused(deep(65), 'xml-too-deep');
    // Unclosed nesting still stops at the limit, not at the end of input.
    refused('<a>'.repeat(100_000), 'xml-too-deep');
    assert.throws(
      () => scanXml(deep(6), { ...DEFAULT_LIMITS, maxDepth: 5 }),
      (e: unknown) => e instanceof Iso20022Error && e.code === 'xml-too-deep',
    );
  });

  test('size is bounded before reading', () => {
    const big = `<a>${'x'.repeat(2000)}</a>`;
    assert.throws(
      () => sizedText(big, 1000),
      (e: unknown) => e instanceof Iso20022Error && e.code === 'xml-too-large',
    );
    // Multi-byte characters count as bytes.
    assert.throws(
      () => sizedText('ж'.repeat(600), 1000),
      (e: unknown) => e instanceof Iso20022Error && e.code === 'xml-too-large',
    );
    assert.equal(sizedText('ж'.repeat(500), 1000).length, 500);
    assert.throws(
      () => sizedText(new Uint8Array(1001), 1000),
      (e: unknown) => e instanceof Iso20022Error && e.code === 'xml-too-large',
    );
  });

  test('bytes must be UTF-8', () => {
    assert.throws(
      () => sizedText(new Uint8Array([0x3c, 0x61, 0xff, 0x2f, 0x3e]), 100),
      (e: unknown) => e instanceof Iso20022Error && e.code === 'xml-malformed',
    );
  });
});

describe('scanXml: malformed input', () => {
  const cases: [string, string][] = [
    ['', 'no root'],
    ['text', 'text outside'],
    ['<a>', 'not closed'],
    ['<a></b>', 'does not match'],
    ['</a>', 'no start tag'],
    ['<a/><b/>', 'after the root'],
    ['<a x="1" x="2"/>', 'repeated'],
    ['<a x="1"y="2"/>', 'whitespace'],
    ['<a x=1/>', 'quoted'],
    ['<a x="<"/>', "'<'"],
    ['<a>]]></a>', "']]>'"],
    ['<a><!-- a -- b --></a>', "'--'"],
    ['<a>&#0;</a>', 'legal XML character'],
    ['<a>&#xD800;</a>', 'legal XML character'],
    ['<a>&amp</a>', 'reference'],
    ['<a>\u0001</a>', 'character XML does not allow'],
    ['<a>\uD800</a>', 'character XML does not allow'],
    ['<p:a/>', 'not declared'],
    ['<a xmlns:p=""/>', 'empty namespace'],
    ['<a:b:c/>', 'malformed name'],
    ['<1a/>', 'expected a name'],
    ['<?xml version="1.0" encoding="ISO-8859-1"?><a/>', 'UTF-8'],
    ['<?xml version="2.0"?><a/>', 'declaration'],
    ['<![CDATA[x]]><a/>', 'CDATA outside'],
    ['<a><!FOO></a>', "'<!'"],
  ];
  for (const [xml, message] of cases) {
    test(JSON.stringify(xml), () => refused(xml, 'xml-malformed', new RegExp(message.replace(/[[\]()]/g, '\\$&'))));
  }
});
