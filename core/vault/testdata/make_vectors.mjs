// make_vectors.mjs writes subtle_vectors.json: records sealed by WebCrypto
// (Node's SubtleCrypto, the browser's API) under the layout that
// core/vault/seal.go documents, written without any of this repository's Go,
// so that Go's crypto/aes reading them checks the layout independently.
//
//   node core/vault/testdata/make_vectors.mjs > core/vault/testdata/subtle_vectors.json
const { subtle } = globalThis.crypto;
const getRandomValues = (a) => globalThis.crypto.getRandomValues(a);
const enc = new TextEncoder();
const b64 = (u8) => Buffer.from(u8).toString('base64');

// aad: the id's bytes, a zero byte, the schema version as 2 big-endian bytes.
function aad(id, version) {
  const idb = enc.encode(id);
  const out = new Uint8Array(idb.length + 3);
  out.set(idb);
  out[idb.length + 1] = version >> 8;
  out[idb.length + 2] = version & 0xff;
  return out;
}

// seal: version (2 bytes) ‖ IV (12) ‖ AES-GCM ciphertext and 16-byte tag.
async function seal(rawKey, id, plaintext, version = 1) {
  const key = await subtle.importKey('raw', rawKey, 'AES-GCM', false, ['encrypt']);
  const iv = getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad(id, version), tagLength: 128 }, key, plaintext));
  const out = new Uint8Array(2 + 12 + ct.length);
  out[0] = version >> 8;
  out[1] = version & 0xff;
  out.set(iv, 2);
  out.set(ct, 14);
  return out;
}

const descriptor = Array.from({ length: 128 }, (_, i) => Math.fround(Math.sin(i + 1) / 10));
const record = {
  version: 1, id: '0123456789abcdef0123456789abcdef', name: 'Ada', encoder: 'dlib', created: 1700000000000,
  descriptors: [descriptor], thumbnail: { width: 1, height: 1, rgba: b64(new Uint8Array([1, 2, 3, 255])) },
};
const recordKey = 'person/' + record.id;
const dataKey = getRandomValues(new Uint8Array(32));
const plaintext = enc.encode(JSON.stringify(record));

// A passphrase-protected gallery file, as FileFormat documents it.
const passphrase = 'correct horse battery staple';
const salt = getRandomValues(new Uint8Array(16));
const iterations = 600000;
const base = await subtle.importKey('raw', enc.encode(passphrase), 'PBKDF2', false, ['deriveBits']);
const kek = new Uint8Array(await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, 256));
const settings = enc.encode(JSON.stringify({ version: 1, threshold: 0.45 }));
const file = {
  format: 'visage-gallery', version: 1,
  key: { kdf: 'PBKDF2-HMAC-SHA256', iterations, salt: b64(salt), wrapped: b64(await seal(kek, 'data-key', dataKey)) },
  records: { settings: b64(await seal(dataKey, 'settings', settings)), [recordKey]: b64(await seal(dataKey, recordKey, plaintext)) },
};

// HKDF-SHA256 of a PRF output, empty salt, info "visage vault key-encryption key".
const prf = getRandomValues(new Uint8Array(32));
const hkdfBase = await subtle.importKey('raw', prf, 'HKDF', false, ['deriveBits']);
const prfKek = new Uint8Array(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: enc.encode('visage vault key-encryption key') }, hkdfBase, 256));

console.log(JSON.stringify({
  key: b64(dataKey), id: recordKey, plaintext: b64(plaintext), sealed: b64(await seal(dataKey, recordKey, plaintext)),
  passphrase, salt: b64(salt), iterations, kek: b64(kek), file: JSON.stringify(file),
  prf: b64(prf), prfKek: b64(prfKek),
}, null, 1));
