// The web platform of Node 22 as Actions use it. Every line's result goes in
// one claim; tests/node.rs compares it with web.expected.json, which
// tests/node22/record.mjs recorded by running this file on Node 22 itself.
const results = {};
async function check(name, fn) {
  try {
    results[name] = await fn();
  } catch (error) {
    results[name] = { threw: error && error.name, message: error && error.message };
  }
}
const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
const bytes = (text) => new TextEncoder().encode(text);

exports.onExecutePostLogin = async (event, api) => {
  // ---- FormData, Blob, File
  await check('formdata entries', () => {
    const form = new FormData();
    form.append('a', '1');
    form.append('a', '2');
    form.set('b', new Blob(['xyz'], { type: 'text/plain' }), 'b.txt');
    form.append('c', new File(['hello'], 'c.bin', { type: 'application/octet-stream', lastModified: 42 }));
    return [...form].map(([k, v]) => [k, typeof v === 'string' ? v : [v.constructor.name, v.name, v.size, v.type]]);
  });
  await check('formdata has/get/delete', () => {
    const form = new FormData();
    form.append('x', 'y');
    const had = form.has('x');
    form.delete('x');
    return [had, form.has('x'), form.get('x'), form.getAll('missing')];
  });
  await check('multipart body', async () => {
    const form = new FormData();
    form.append('field', 'value');
    form.append('file', new Blob(['content'], { type: 'text/plain' }), 'note.txt');
    const response = new Response(form);
    const type = response.headers.get('content-type');
    const boundary = type.split('boundary=')[1];
    const text = await response.text();
    return [type.split(';')[0], text.split(boundary).length, text.split(boundary).slice(1, 3).map((part) => part.replace(/\r\n/g, '|'))];
  });
  await check('multipart round trip', async () => {
    const form = new FormData();
    form.append('k', 'v');
    form.append('f', new File(['data'], 'f.txt', { type: 'text/plain' }));
    const parsed = await new Response(form).formData();
    const file = parsed.get('f');
    return [parsed.get('k'), file.name, file.type, await file.text()];
  });
  await check('urlencoded formData', async () => {
    const parsed = await new Response('a=1&b=x+y&a=2', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }).formData();
    return [...parsed];
  });
  await check('blob', async () => {
    const blob = new Blob(['ab', bytes('cd'), new Blob(['ef'])], { type: 'Text/Plain' });
    const slice = blob.slice(1, -1, 'x/y');
    return [blob.size, blob.type, await blob.text(), hex(await blob.arrayBuffer()), slice.size, slice.type, await slice.text(), Object.prototype.toString.call(blob)];
  });
  await check('blob stream', async () => {
    const reader = new Blob(['streamed']).stream().getReader();
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    return text;
  });
  await check('file', () => {
    const file = new File(['a'], 'name.txt', { lastModified: 1234 });
    return [file.name, file.lastModified, file.size, file instanceof Blob, file.type];
  });

  // ---- Headers, Request, Response
  await check('headers', () => {
    const headers = new Headers({ 'X-B': '2', 'x-a': '1' });
    headers.append('x-a', '3');
    headers.append('Set-Cookie', 'a=1');
    headers.append('Set-Cookie', 'b=2');
    return [[...headers], headers.get('X-A'), headers.getSetCookie(), headers.has('x-b'), headers.get('nope')];
  });
  await check('headers whitespace', () => new Headers({ 'x-a': ' \t padded \t ' }).get('x-a'));
  await check('headers bad name', () => new Headers([['x y', '1']]));
  await check('headers bad value', () => new Headers({ 'x-a': 'a\r\nInjected: 1' }));
  await check('request', async () => {
    const request = new Request('https://example.com/a?b=1#frag', { method: 'post', body: new URLSearchParams({ q: 'a b' }), headers: { 'x-k': 'v' } });
    return [request.method, request.url, request.headers.get('content-type'), await request.text(), request.bodyUsed, request.redirect, request.signal instanceof AbortSignal];
  });
  await check('request methods', () => ['get', 'Post', 'delete', 'patch', 'PROPFIND'].map((method) => new Request('https://a.example/', { method }).method));
  await check('request forbidden method', () => new Request('https://a.example/', { method: 'CONNECT' }));
  await check('request bad method', () => new Request('https://a.example/', { method: 'GET /x' }));
  await check('request get with body', () => new Request('https://a.example/', { body: 'x' }));
  await check('request relative url', () => new Request('/relative'));
  await check('request clone', async () => {
    const request = new Request('https://a.example/', { method: 'PUT', body: 'payload' });
    const copy = request.clone();
    return [await request.text(), await copy.text()];
  });
  await check('response', async () => {
    const response = new Response('{"a":1}', { status: 201, statusText: 'Made', headers: { 'content-type': 'application/json' } });
    const copy = response.clone();
    return [response.status, response.ok, response.statusText, await response.json(), await copy.text(), response.bodyUsed, response.type, response.url, response.redirected];
  });
  await check('response used twice', async () => {
    const response = new Response('x');
    await response.text();
    return response.text();
  });
  await check('response.json', async () => {
    const response = Response.json({ a: [1, 2] }, { status: 202 });
    return [response.status, response.headers.get('content-type'), await response.text()];
  });
  await check('response statics', () => {
    const redirect = Response.redirect('https://a.example/x', 301);
    const error = Response.error();
    return [redirect.status, redirect.headers.get('location'), error.type, error.status];
  });
  await check('response null body status', () => new Response('x', { status: 204 }));
  await check('response bad status', () => new Response('x', { status: 99 }));
  await check('response body stream', async () => {
    const stream = new ReadableStream({ start(c) { c.enqueue(bytes('a')); c.enqueue(bytes('b')); c.close(); } });
    const response = new Response(stream);
    return [response.body instanceof ReadableStream, await response.text()];
  });
  await check('response blob', async () => {
    const blob = await new Response('xyz', { headers: { 'content-type': 'text/x' } }).blob();
    return [blob.size, blob.type];
  });

  // ---- streams
  await check('transform pipe', async () => {
    const upper = new TransformStream({ transform(chunk, c) { c.enqueue(chunk.toUpperCase()); } });
    const source = new ReadableStream({ start(c) { ['a', 'b', 'c'].forEach((x) => c.enqueue(x)); c.close(); } });
    const out = [];
    await source.pipeThrough(upper).pipeTo(new WritableStream({ write(chunk) { out.push(chunk); } }));
    return out;
  });
  await check('text streams', async () => {
    const stream = new Blob(['h\u00e9llo']).stream().pipeThrough(new TextDecoderStream());
    let text = '';
    for await (const chunk of stream) text += chunk;
    return text;
  });
  await check('tee', async () => {
    const [a, b] = new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.close(); } }).tee();
    const ra = a.getReader();
    const rb = b.getReader();
    return [await ra.read(), await rb.read(), await ra.read(), await ra.read(), await rb.read()];
  });
  await check('cancel', async () => {
    let reason;
    const stream = new ReadableStream({ cancel(r) { reason = r; } });
    await stream.cancel('done');
    return reason;
  });
  await check('locked stream', () => {
    const stream = new ReadableStream();
    stream.getReader();
    return stream.getReader();
  });
  await check('queuing strategies', () => [new CountQueuingStrategy({ highWaterMark: 3 }).size(), new ByteLengthQueuingStrategy({ highWaterMark: 5 }).size(new Uint8Array(7))]);
  await check('compression round trip', async () => {
    const compressed = new Blob(['compress me '.repeat(20)]).stream().pipeThrough(new CompressionStream('gzip'));
    const back = await new Response(compressed.pipeThrough(new DecompressionStream('gzip'))).text();
    return back.length;
  });

  // ---- structuredClone
  await check('structuredClone', () => {
    const source = { d: new Date(0), m: new Map([[1, { x: 1 }]]), s: new Set(['a']), r: /a+/gi, u: new Uint8Array([1, 2]), n: null, big: 10n, nested: [1, [2, [3]]] };
    source.self = source;
    const copy = structuredClone(source);
    return [copy !== source, copy.self === copy, copy.d.getTime(), [...copy.m], [...copy.s], copy.r.source + copy.r.flags, [...copy.u], String(copy.big), JSON.stringify(copy.nested), copy.d instanceof Date];
  });
  await check('structuredClone function', () => structuredClone({ f() {} }));
  await check('structuredClone symbol', () => structuredClone(Symbol('s')));
  await check('structuredClone transfer', () => {
    const buffer = new ArrayBuffer(8);
    const copy = structuredClone(buffer, { transfer: [buffer] });
    return [buffer.byteLength, copy.byteLength];
  });
  await check('structuredClone error', () => {
    const copy = structuredClone(new RangeError('bad'));
    return [copy instanceof RangeError, copy.name, copy.message];
  });

  // ---- events and abort
  await check('event target', () => {
    const target = new EventTarget();
    const seen = [];
    target.addEventListener('ping', (e) => seen.push(['first', e.type, e.detail]), { once: true });
    target.addEventListener('ping', { handleEvent: (e) => seen.push(['object', e.eventPhase]) });
    const event = new CustomEvent('ping', { detail: 7, cancelable: true });
    const notCancelled = target.dispatchEvent(event);
    target.dispatchEvent(new CustomEvent('ping', { detail: 8 }));
    return [seen, notCancelled, event.defaultPrevented];
  });
  await check('abort controller', () => {
    const controller = new AbortController();
    const seen = [];
    controller.signal.addEventListener('abort', () => seen.push('abort'));
    controller.abort();
    controller.abort();
    const reason = controller.signal.reason;
    return [seen, controller.signal.aborted, reason.name, reason.message, reason instanceof DOMException, reason.code];
  });
  await check('abort reason', () => {
    const signal = AbortSignal.abort('why');
    try {
      signal.throwIfAborted();
    } catch (error) {
      return [signal.reason, error === signal.reason];
    }
    return 'no throw';
  });
  await check('AbortSignal.any', () => {
    const a = new AbortController();
    const b = new AbortController();
    const any = AbortSignal.any([a.signal, b.signal]);
    b.abort('b went');
    return [any.aborted, any.reason];
  });
  await check('AbortSignal.timeout', async () => {
    const signal = AbortSignal.timeout(5);
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
    return [signal.reason.name, signal.reason.message, signal.reason.code];
  });
  await check('DOMException', () => {
    const error = new DOMException('m', 'NotFoundError');
    return [error.name, error.message, error.code, error instanceof Error, DOMException.DATA_CLONE_ERR, Object.prototype.toString.call(error)];
  });

  // ---- encoding, URL, base64
  await check('text encoder', () => {
    const target = new Uint8Array(4);
    return [[...new TextEncoder().encode('h\u00e9')], new TextEncoder().encodeInto('h\u00e9llo', target), [...target]];
  });
  await check('text decoder', () => [
    new TextDecoder().decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69])),
    new TextDecoder('utf-16le').decode(new Uint8Array([0x68, 0, 0x69, 0])),
    new TextDecoder('latin1').encoding,
    new TextDecoder().decode(new Uint8Array([0xff])),
  ]);
  await check('text decoder fatal', () => new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff])));
  await check('text decoder label', () => new TextDecoder('nope'));
  await check('url', () => {
    const url = new URL('https://user:pw@EXAMPLE.com:443/a/../b?x=1#h');
    url.searchParams.append('y', 'a b');
    url.pathname = '/c d';
    return [url.href, url.origin, url.host, url.port, url.search, URL.canParse('nope'), new URL('http://xn--nxasmq6b.com/').hostname, new URL('https://b\u00fccher.example/').hostname];
  });
  await check('url invalid', () => new URL('not a url'));
  await check('url search params', () => {
    const params = new URLSearchParams('?a=1&b=2&a=3');
    params.sort();
    params.delete('b');
    return [params.toString(), params.getAll('a'), params.size, [...new URLSearchParams({ 'a b': 'c&d' })]];
  });
  await check('base64', () => [btoa('hello'), atob('aGVsbG8='), atob(' aGVs bG8 ')]);
  await check('atob invalid', () => atob('!'));

  // ---- WebCrypto
  const subtle = crypto.subtle;
  await check('digest', async () => Promise.all(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'].map(async (name) => hex(await subtle.digest(name, bytes('abc'))))));
  await check('hmac', async () => {
    const key = await subtle.importKey('raw', bytes('secret'), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign', 'verify']);
    const signature = await subtle.sign('HMAC', key, bytes('message'));
    const jwk = await subtle.exportKey('jwk', key);
    return [hex(signature), await subtle.verify('HMAC', key, signature, bytes('message')), jwk, key.type, key.extractable, key.algorithm, key.usages];
  });
  await check('aes-gcm', async () => {
    const key = await subtle.importKey('raw', new Uint8Array(16).fill(7), 'AES-GCM', false, ['encrypt', 'decrypt']);
    const iv = new Uint8Array(12).fill(1);
    const sealed = await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: bytes('ad') }, key, bytes('plain text'));
    const opened = await subtle.decrypt({ name: 'AES-GCM', iv, additionalData: bytes('ad') }, key, sealed);
    return [hex(sealed), new TextDecoder().decode(opened)];
  });
  await check('aes-gcm tamper', async () => {
    const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['decrypt']);
    return subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, key, new Uint8Array(20));
  });
  await check('aes-cbc and ctr', async () => {
    const raw = new Uint8Array(32).fill(3);
    const cbc = await subtle.importKey('raw', raw, 'AES-CBC', false, ['encrypt']);
    const ctr = await subtle.importKey('raw', raw, 'AES-CTR', false, ['encrypt']);
    return [
      hex(await subtle.encrypt({ name: 'AES-CBC', iv: new Uint8Array(16) }, cbc, bytes('sixteen byte msg!'))),
      hex(await subtle.encrypt({ name: 'AES-CTR', counter: new Uint8Array(16), length: 64 }, ctr, bytes('counter mode'))),
    ];
  });
  await check('aes-kw', async () => {
    const kek = await subtle.importKey('raw', new Uint8Array(16).fill(9), 'AES-KW', false, ['wrapKey', 'unwrapKey']);
    const key = await subtle.importKey('raw', new Uint8Array(16).fill(5), 'AES-GCM', true, ['encrypt']);
    const wrapped = await subtle.wrapKey('raw', key, kek, 'AES-KW');
    const back = await subtle.unwrapKey('raw', wrapped, kek, 'AES-KW', 'AES-GCM', true, ['encrypt']);
    return [hex(wrapped), hex(await subtle.exportKey('raw', back))];
  });
  await check('pbkdf2 and hkdf', async () => {
    const password = await subtle.importKey('raw', bytes('password'), 'PBKDF2', false, ['deriveBits']);
    const ikm = await subtle.importKey('raw', bytes('input key'), 'HKDF', false, ['deriveBits', 'deriveKey']);
    const derived = await subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: bytes('s'), info: bytes('i') }, ikm, { name: 'HMAC', hash: 'SHA-256', length: 256 }, true, ['sign']);
    return [
      hex(await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: bytes('salt'), iterations: 1000 }, password, 256)),
      hex(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: bytes('salt'), info: bytes('info') }, ikm, 128)),
      (await subtle.exportKey('jwk', derived)).k,
    ];
  });
  await check('ecdsa round trip', async () => {
    const results = [];
    for (const namedCurve of ['P-256', 'P-384']) {
      const hash = namedCurve === 'P-256' ? 'SHA-256' : 'SHA-384';
      const { publicKey, privateKey } = await subtle.generateKey({ name: 'ECDSA', namedCurve }, true, ['sign', 'verify']);
      const signature = await subtle.sign({ name: 'ECDSA', hash }, privateKey, bytes('data'));
      const spki = await subtle.exportKey('spki', publicKey);
      const imported = await subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve }, true, ['verify']);
      const jwk = await subtle.exportKey('jwk', imported);
      results.push([signature.byteLength, await subtle.verify({ name: 'ECDSA', hash }, imported, signature, bytes('data')), await subtle.verify({ name: 'ECDSA', hash }, imported, signature, bytes('other')), jwk.kty, jwk.crv, Object.keys(jwk).sort()]);
    }
    return results;
  });
  await check('ecdh', async () => {
    const a = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    const b = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    const ab = await subtle.deriveBits({ name: 'ECDH', public: b.publicKey }, a.privateKey, 256);
    const ba = await subtle.deriveBits({ name: 'ECDH', public: a.publicKey }, b.privateKey, 256);
    return [hex(ab) === hex(ba), ab.byteLength];
  });
  await check('rsa', async () => {
    const pair = (name, usages) => subtle.generateKey({ name, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, usages);
    const pkcs = await pair('RSASSA-PKCS1-v1_5', ['sign', 'verify']);
    const pss = await pair('RSA-PSS', ['sign', 'verify']);
    const oaep = await pair('RSA-OAEP', ['encrypt', 'decrypt']);
    const s1 = await subtle.sign('RSASSA-PKCS1-v1_5', pkcs.privateKey, bytes('m'));
    const s2 = await subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, pss.privateKey, bytes('m'));
    const sealed = await subtle.encrypt({ name: 'RSA-OAEP', label: bytes('l') }, oaep.publicKey, bytes('secret'));
    const pkcs8 = await subtle.exportKey('pkcs8', pkcs.privateKey);
    const again = await subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
    return [
      await subtle.verify('RSASSA-PKCS1-v1_5', pkcs.publicKey, s1, bytes('m')),
      await subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, pss.publicKey, s2, bytes('m')),
      new TextDecoder().decode(await subtle.decrypt({ name: 'RSA-OAEP', label: bytes('l') }, oaep.privateKey, sealed)),
      hex(await subtle.sign('RSASSA-PKCS1-v1_5', again, bytes('m'))) === hex(s1),
      pkcs.publicKey.algorithm.modulusLength,
      [...pkcs.publicKey.algorithm.publicExponent],
      (await subtle.exportKey('jwk', pkcs.publicKey)).alg,
    ];
  });
  await check('ed25519', async () => {
    const pkcs8 = new Uint8Array([48, 46, 2, 1, 0, 48, 5, 6, 3, 43, 101, 112, 4, 34, 4, 32, ...new Uint8Array(32).fill(1)]);
    const key = await subtle.importKey('pkcs8', pkcs8, 'Ed25519', true, ['sign']);
    const jwk = await subtle.exportKey('jwk', key);
    const publicKey = await subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, 'Ed25519', true, ['verify']);
    const signature = await subtle.sign('Ed25519', key, bytes('m'));
    return [hex(signature), jwk.x, await subtle.verify('Ed25519', publicKey, signature, bytes('m'))];
  });
  await check('wrong usage', async () => {
    const key = await subtle.importKey('raw', bytes('k'), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    return subtle.sign('HMAC', key, bytes('m'));
  });
  await check('unknown algorithm', () => subtle.digest('SHA-3', bytes('m')));
  await check('not extractable', async () => {
    const key = await subtle.importKey('raw', bytes('k'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return subtle.exportKey('raw', key);
  });
  await check('getRandomValues checks', () => {
    const results = [crypto.getRandomValues(new Uint8Array(4)).length];
    for (const bad of [() => crypto.getRandomValues(new Float32Array(1)), () => crypto.getRandomValues(new Uint8Array(65537))]) {
      try {
        bad();
      } catch (error) {
        results.push([error.name, error.message]);
      }
    }
    return results;
  });
  await check('randomUUID shape', () => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()));
  await check('node:crypto webcrypto', async () => {
    const nodeCrypto = require('crypto');
    return [nodeCrypto.webcrypto === crypto, nodeCrypto.subtle === crypto.subtle, hex(await nodeCrypto.subtle.digest('SHA-256', bytes('')))];
  });
  await check('instances', () => [typeof crypto.subtle, crypto instanceof Crypto, Object.prototype.toString.call(crypto.subtle), typeof CryptoKey, typeof SubtleCrypto]);

  // Through JSON here, so both sides turn values into claims alike.
  api.idToken.setCustomClaim('web', JSON.parse(JSON.stringify(results)));
};
