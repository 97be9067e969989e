import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { classifyAddress, decodeProcNetAddress, parseProcNet } from '../../client/src/cluster/procnet';

test('decodes IPv4 host-order little-endian addresses and ports', () => {
  assert.deepEqual(decodeProcNetAddress('0100007F:1F90'), { family: 4, address: '127.0.0.1', port: 8080 });
  assert.deepEqual(decodeProcNetAddress('0F01F40A:A9F8'), { family: 4, address: '10.244.1.15', port: 43512 });
  assert.deepEqual(decodeProcNetAddress('00000000:0000'), { family: 4, address: '0.0.0.0', port: 0 });
  // big-endian hosts print the words in network order
  assert.equal(decodeProcNetAddress('7F000001:0050', false).address, '127.0.0.1');
});

test('decodes IPv6 as four host-order 32-bit words, incl. v4-mapped', () => {
  assert.equal(decodeProcNetAddress('B80D0120EFBEADDE0000000050000000:01BB').address, '2001:db8:dead:beef::50');
  assert.equal(decodeProcNetAddress('00000000000000000000000001000000:0016').address, '::1');
  const m = decodeProcNetAddress('0000000000000000FFFF00000F01F40A:1F90');
  assert.equal(m.family, 6);
  assert.equal(classifyAddress(m.address).address, '10.244.1.15');
  assert.equal(classifyAddress(m.address).mapped, true);
  assert.throws(() => decodeProcNetAddress('zz:1'));
});

test('parses states, uid, inode; skips headers and garbage', () => {
  const text = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 10001        0 100001 1 0000000000000000 100 0 0 10 0',
    '   1: 0F01F40A:A9F8 327100CB:115C 01 00000000:00000000 00:00000000 00000000 10001        0 100015 1 0000000000000000 20 0 0 10 -1',
    '   2: 0F01F40A:8D72 0A00600A:0035 06 00000000:00000000 00:00000000 00000000     0        0 100036 1 0000000000000000 20 0 0 10 -1',
    '   3: 0F01F40A:AC44 176433C6:0016 02 00000000:00000000 00:00000000 00000000 10001        0 100043 1 0000000000000000 20 0 0 10 -1',
    'garbage line',
    '   4: 0F01F40A:AC44 176433C6:0016 0C 00000000:00000000 00:00000000 00000000 10001        0 7 1',
  ].join('\n');
  const r = parseProcNet(text, 'tcp');
  assert.deepEqual(r.sockets.map((s) => s.state), ['LISTEN', 'ESTABLISHED', 'TIME_WAIT', 'SYN_SENT', 'NEW_SYN_RECV']);
  assert.equal(r.sockets[1].remote.address, '203.0.113.50');
  assert.equal(r.sockets[1].remote.port, 4444);
  assert.equal(r.sockets[1].uid, 10001);
  assert.equal(r.sockets[1].inode, 100015);
  assert.equal(r.sockets[2].remote.address, '10.96.0.10');
  assert.equal(r.sockets[2].remote.port, 53);
  assert.equal(r.skipped.length, 1);
  assert.equal(parseProcNet('', 'udp6').sockets.length, 0);
  assert.equal(parseProcNet('   0: 0F01F40A:9470 076433C6:0035 07 00000000:00000000 00:00000000 00000000 1 0 5 2 0 0', 'udp').sockets[0].protocol, 'UDP');
});

test('classifies addresses with ipaddr.js', () => {
  const c = (a: string) => classifyAddress(a).class;
  assert.equal(c('10.1.2.3'), 'private');
  assert.equal(c('192.168.1.1'), 'private');
  assert.equal(c('fd00::1'), 'private');
  assert.equal(c('127.0.0.1'), 'loopback');
  assert.equal(c('::1'), 'loopback');
  assert.equal(c('169.254.169.254'), 'link-local');
  assert.equal(c('fe80::1'), 'link-local');
  assert.equal(c('100.64.0.1'), 'cgnat');
  assert.equal(c('8.8.8.8'), 'public');
  assert.equal(c('2606:4700::1111'), 'public');
  assert.equal(c('0.0.0.0'), 'unspecified');
  assert.equal(c('::'), 'unspecified');
  assert.equal(c('224.0.0.1'), 'multicast');
  assert.equal(c('ff02::1'), 'multicast');
  assert.equal(c('::ffff:8.8.8.8'), 'public');
  assert.equal(c('::ffff:10.0.0.1'), 'private');
  assert.equal(c('203.0.113.50'), 'public');
  assert.ok(classifyAddress('203.0.113.50').note);
  assert.equal(c('198.18.0.1'), 'reserved');
});
