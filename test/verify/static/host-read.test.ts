// static/host-read: tensor values never reach the host.
import { test } from 'node:test';
import { assertInvalid, assertValid, inForward } from './helpers';

const ID = 'static/host-read';

void test('host-read: shapes, numbers and strings are fine', () => {
  assertValid(
    ID,
    inForward(
      'const n = x.shape[0]!;',
      "const s = `${x.shape.join(',')} ${n.toString()} ${String(x.rank)}`;",
      'if (s.length < 0) { throw new Error(s); }',
    ),
  );
});

const invalid: [string, number, string][] = [
  ['const v = x.dataSync();', 17, '`.dataSync`'],
  ['const v = x.data();', 17, '`.data`'],
  ['const v = x.array();', 17, '`.array`'],
  ['const v = x.arraySync();', 17, '`.arraySync`'],
  ['const v = x.buffer();', 17, '`.buffer`'],
  ['const v = x.bufferSync();', 17, '`.bufferSync`'],
  ['x.print();', 7, '`.print`'],
  ['const v = (x as any).dataSync();', 26, '`.dataSync`'],
  ["const v = (x as any)['arraySync']();", 26, "`['arraySync']`"],
  ['const s = `${x}`;', 18, 'template literal'],
  ['const s = String(x);', 15, 'String(tensor)'],
  ['const s = x.toString();', 17, '`.toString()`'],
];

for (const [line, column, message] of invalid) {
  void test(`host-read: ${line}`, () => {
    assertInvalid(ID, inForward(line), [{ line: 8, column, message }]);
  });
}
