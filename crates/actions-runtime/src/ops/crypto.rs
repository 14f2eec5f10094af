//! `crypto` ops: the native half of Node's `crypto` module
//! (`js-runtime/node/crypto.js`). Hashing and HMAC go through the RustCrypto
//! crates; random bytes come from a ChaCha20 generator seeded with the flow's
//! seed, so a flow replays byte for byte. Nothing here reads the OS's entropy
//! or keeps any state besides that generator ([`CryptoState`]).
//!
//! Argument checking and Node's `ERR_*` errors for bad arguments live in the
//! JS half; these ops only reject what the JS half cannot know, an algorithm
//! name this emulator does not implement, with the message Node gives.

use deno_core::{op2, OpDecl, OpState};
use hmac::{Hmac, Mac};
use md5::Md5;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512, Sha512_224, Sha512_256};
use subtle::ConstantTimeEq;

use crate::state::HostState;

/// A rejected `crypto` call, with the class and message Node 22 throws.
#[derive(Debug, thiserror::Error, deno_error::JsError)]
pub(crate) enum CryptoError {
    /// `createHash('nope')`: Node throws a plain `Error` with no `code`.
    #[class(generic)]
    #[error("Digest method not supported")]
    DigestNotSupported,
    /// `createHmac('nope', key)`: Node throws a `TypeError`.
    #[class(type)]
    #[property("code" = "ERR_CRYPTO_INVALID_DIGEST")]
    #[error("Invalid digest: {0}")]
    InvalidDigest(String),
}

/// The digests this emulator implements. Node takes OpenSSL's names, which
/// are case-insensitive and have aliases (`RSA-SHA256`, `sha2-256`,
/// `sha256WithRSAEncryption`, the OID); [`HashAlgorithm::from_node_name`]
/// accepts the same spellings Node 22 accepts for these digests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HashAlgorithm {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Sha512_224,
    Sha512_256,
}

impl HashAlgorithm {
    /// Looks up a Node/OpenSSL digest name; `None` for anything else.
    pub(crate) fn from_node_name(name: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        let algorithm = match lower.as_str() {
            "md5" | "rsa-md5" | "md5withrsaencryption" | "ssl3-md5" | "1.2.840.113549.2.5" => {
                Self::Md5
            }
            "sha1"
            | "sha-1"
            | "rsa-sha1"
            | "rsa-sha1-2"
            | "sha1withrsaencryption"
            | "ssl3-sha1"
            | "1.3.14.3.2.26" => Self::Sha1,
            "sha224"
            | "sha-224"
            | "sha2-224"
            | "rsa-sha224"
            | "sha224withrsaencryption"
            | "2.16.840.1.101.3.4.2.4" => Self::Sha224,
            "sha256"
            | "sha-256"
            | "sha2-256"
            | "rsa-sha256"
            | "sha256withrsaencryption"
            | "2.16.840.1.101.3.4.2.1" => Self::Sha256,
            "sha384"
            | "sha-384"
            | "sha2-384"
            | "rsa-sha384"
            | "sha384withrsaencryption"
            | "2.16.840.1.101.3.4.2.2" => Self::Sha384,
            "sha512"
            | "sha-512"
            | "sha2-512"
            | "rsa-sha512"
            | "sha512withrsaencryption"
            | "2.16.840.1.101.3.4.2.3" => Self::Sha512,
            "sha512-224"
            | "sha-512/224"
            | "sha2-512/224"
            | "rsa-sha512/224"
            | "sha512-224withrsaencryption"
            | "2.16.840.1.101.3.4.2.5" => Self::Sha512_224,
            "sha512-256"
            | "sha-512/256"
            | "sha2-512/256"
            | "rsa-sha512/256"
            | "sha512-256withrsaencryption"
            | "2.16.840.1.101.3.4.2.6" => Self::Sha512_256,
            _ => return None,
        };
        Some(algorithm)
    }

    /// The digest of `data`.
    pub(crate) fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Md5 => Md5::digest(data).to_vec(),
            Self::Sha1 => Sha1::digest(data).to_vec(),
            Self::Sha224 => Sha224::digest(data).to_vec(),
            Self::Sha256 => Sha256::digest(data).to_vec(),
            Self::Sha384 => Sha384::digest(data).to_vec(),
            Self::Sha512 => Sha512::digest(data).to_vec(),
            Self::Sha512_224 => Sha512_224::digest(data).to_vec(),
            Self::Sha512_256 => Sha512_256::digest(data).to_vec(),
        }
    }

    /// HMAC (RFC 2104) of `data` under `key`, with this digest.
    pub(crate) fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        match self {
            Self::Md5 => mac::<Hmac<Md5>>(key, data),
            Self::Sha1 => mac::<Hmac<Sha1>>(key, data),
            Self::Sha224 => mac::<Hmac<Sha224>>(key, data),
            Self::Sha256 => mac::<Hmac<Sha256>>(key, data),
            Self::Sha384 => mac::<Hmac<Sha384>>(key, data),
            Self::Sha512 => mac::<Hmac<Sha512>>(key, data),
            Self::Sha512_224 => mac::<Hmac<Sha512_224>>(key, data),
            Self::Sha512_256 => mac::<Hmac<Sha512_256>>(key, data),
        }
    }
}

fn mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length (longer ones are hashed first), so
    // `new_from_slice` cannot fail here.
    let mut mac = <M as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// `createHash(algorithm).update(data).digest()`.
pub(crate) fn digest(algorithm: &str, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    HashAlgorithm::from_node_name(algorithm)
        .map(|algorithm| algorithm.digest(data))
        .ok_or(CryptoError::DigestNotSupported)
}

/// `createHmac(algorithm, key).update(data).digest()`.
pub(crate) fn hmac(algorithm: &str, key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    HashAlgorithm::from_node_name(algorithm)
        .map(|found| found.hmac(key, data))
        .ok_or_else(|| CryptoError::InvalidDigest(algorithm.to_owned()))
}

/// Constant-time equality of two byte strings of the same length (the JS half
/// rejects different lengths first, as Node does).
pub(crate) fn timing_safe_equal(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// The flow's random generator. A host runs one flow and starts without
/// one, and [`fill_random`] rebuilds it whenever the flow's seed differs from
/// the one it was built from, so a flow's random bytes depend only on its
/// seed.
pub(crate) struct CryptoState {
    rng: ChaCha20Rng,
    seed: u32,
}

impl CryptoState {
    /// A generator at the start of the stream for `seed`.
    pub(crate) fn new(seed: u32) -> Self {
        // The seed fills the first four bytes of the ChaCha20 key, the rest is
        // zero: explicit, so the stream does not depend on how a `rand_core`
        // version expands a `u64` seed.
        let mut key = [0u8; 32];
        key[..4].copy_from_slice(&seed.to_le_bytes());
        Self {
            rng: ChaCha20Rng::from_seed(key),
            seed,
        }
    }

    /// Fills `buffer` with the generator's next bytes.
    pub(crate) fn fill(&mut self, buffer: &mut [u8]) {
        self.rng.fill_bytes(buffer);
    }
}

/// Fills `buffer` from the flow's generator, (re)seeding it from
/// [`HostState::seed`] when it is missing or was built from another seed.
pub(crate) fn fill_random(state: &mut OpState, buffer: &mut [u8]) {
    let seed = state.borrow::<HostState>().seed;
    let current = matches!(state.try_borrow::<CryptoState>(), Some(crypto) if crypto.seed == seed);
    if !current {
        state.put(CryptoState::new(seed));
    }
    state.borrow_mut::<CryptoState>().fill(buffer);
}

/// `createHash(algorithm)…digest()` over the bytes the JS half accumulated.
#[op2]
#[buffer]
pub(crate) fn op_crypto_digest(
    #[string] algorithm: &str,
    #[buffer] data: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    digest(algorithm, data)
}

/// `createHmac(algorithm, key)…digest()` over the accumulated bytes.
#[op2]
#[buffer]
pub(crate) fn op_crypto_hmac(
    #[string] algorithm: &str,
    #[buffer] key: &[u8],
    #[buffer] data: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    hmac(algorithm, key, data)
}

/// `randomFillSync` and everything built on it: fills the view in place.
#[op2(fast)]
pub(crate) fn op_crypto_random_fill(state: &mut OpState, #[buffer] buffer: &mut [u8]) {
    fill_random(state, buffer);
}

/// `timingSafeEqual` once the JS half has checked the lengths.
#[op2(fast)]
pub(crate) fn op_crypto_timing_safe_equal(#[buffer] a: &[u8], #[buffer] b: &[u8]) -> bool {
    timing_safe_equal(a, b)
}

/// Every `crypto` op, for the extension's `ops_fn`.
pub(crate) fn crypto_op_decls() -> Vec<OpDecl> {
    vec![
        op_crypto_digest(),
        op_crypto_hmac(),
        op_crypto_random_fill(),
        op_crypto_timing_safe_equal(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn digests_match_known_vectors() {
        let cases: &[(&str, &[u8], &str)] = &[
            ("md5", b"", "d41d8cd98f00b204e9800998ecf8427e"),
            ("md5", b"abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("sha1", b"abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
            ("sha224", b"abc", "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"),
            ("sha256", b"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("sha384", b"abc", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"),
            ("sha512", b"abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
            ("sha512-224", b"abc", "4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa"),
            ("sha512-256", b"abc", "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23"),
        ];
        for (algorithm, data, expected) in cases {
            assert_eq!(
                hex(&digest(algorithm, data).unwrap()),
                *expected,
                "{algorithm}"
            );
        }
    }

    #[test]
    fn digest_names_follow_openssl() {
        let sha256 = Some(HashAlgorithm::Sha256);
        for name in [
            "sha256",
            "SHA256",
            "Sha256",
            "SHA-256",
            "sha2-256",
            "RSA-SHA256",
            "sha256WithRSAEncryption",
            "2.16.840.1.101.3.4.2.1",
        ] {
            assert_eq!(HashAlgorithm::from_node_name(name), sha256, "{name}");
        }
        assert_eq!(
            HashAlgorithm::from_node_name("RSA-SHA512/256"),
            Some(HashAlgorithm::Sha512_256)
        );
        assert_eq!(
            HashAlgorithm::from_node_name("ssl3-md5"),
            Some(HashAlgorithm::Md5)
        );
        // Node (OpenSSL 3) rejects these spellings too.
        for name in ["sha512/256", " sha256", "sha_256", "id-sha256", ""] {
            assert_eq!(HashAlgorithm::from_node_name(name), None, "{name:?}");
        }
    }

    #[test]
    fn every_name_get_hashes_lists_is_implemented() {
        // js-runtime/node/crypto.js answers `getHashes()` from HASH_NAMES.
        let js = include_str!("../../../../js-runtime/node/crypto.js");
        let start = js
            .find("const HASH_NAMES = ObjectFreeze([")
            .expect("HASH_NAMES in crypto.js");
        let list = &js[start..start + js[start..].find("]);").expect("end of HASH_NAMES")];
        let names: Vec<&str> = list.split('"').skip(1).step_by(2).collect();
        assert!(names.len() >= 20, "{names:?}");
        for name in names {
            assert!(HashAlgorithm::from_node_name(name).is_some(), "{name}");
        }
    }

    #[test]
    fn unknown_algorithms_carry_node_messages() {
        assert_eq!(
            digest("sha3-256", b"").unwrap_err().to_string(),
            "Digest method not supported"
        );
        assert_eq!(
            hmac("nope", b"k", b"").unwrap_err().to_string(),
            "Invalid digest: nope"
        );
        let error = hmac("nope", b"k", b"").unwrap_err();
        assert_eq!(deno_error::JsErrorClass::get_class(&error), "TypeError");
        assert_eq!(
            deno_error::JsErrorClass::get_class(&CryptoError::DigestNotSupported),
            "Error"
        );
    }

    #[test]
    fn hmac_sha256_matches_rfc_4231_test_case_2() {
        let mac = hmac("sha256", b"Jefe", b"what do ya want for nothing?").unwrap();
        assert_eq!(
            hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn hmac_hashes_keys_longer_than_a_block() {
        // RFC 4231 test case 6: a 131-byte key.
        let key = [0xaa; 131];
        let mac = hmac(
            "sha256",
            &key,
            b"Test Using Larger Than Block-Size Key - Hash Key First",
        )
        .unwrap();
        assert_eq!(
            hex(&mac),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn timing_safe_equal_compares_bytes() {
        assert!(timing_safe_equal(b"abc", b"abc"));
        assert!(!timing_safe_equal(b"abc", b"abd"));
        assert!(timing_safe_equal(b"", b""));
    }

    #[test]
    fn a_seed_gives_the_same_bytes_and_another_seed_others() {
        let draw = |seed| {
            let mut bytes = [0u8; 32];
            CryptoState::new(seed).fill(&mut bytes);
            bytes
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
        assert_ne!(draw(7), [0u8; 32]);
    }

    #[test]
    fn the_generator_follows_the_flow_seed() {
        let mut state = OpState::new(None);
        state.put(HostState {
            seed: 7,
            ..HostState::default()
        });
        let mut first = [0u8; 16];
        fill_random(&mut state, &mut first);
        let mut second = [0u8; 16];
        fill_random(&mut state, &mut second);
        assert_ne!(first, second, "the stream moves on within a flow");

        // A new flow with the same seed: the host drops the generator.
        state.try_take::<CryptoState>();
        let mut replay = [0u8; 16];
        fill_random(&mut state, &mut replay);
        assert_eq!(first, replay);

        // The seed changes without the generator being dropped: reseeded.
        state.borrow_mut::<HostState>().seed = 8;
        let mut other = [0u8; 16];
        fill_random(&mut state, &mut other);
        let mut expected = [0u8; 16];
        CryptoState::new(8).fill(&mut expected);
        assert_eq!(other, expected);
    }
}
