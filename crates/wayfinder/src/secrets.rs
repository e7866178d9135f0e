//! The server secret and everything derived from it: keyed hashes of sign-in secrets and
//! session ids, CSRF tokens, the audit chain key and the key that seals queued mail.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::Rng;
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use std::io::Write;
use std::path::Path;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Keys derived from the 32-byte server secret, one per purpose.
pub struct Keys {
    hashing: [u8; 32],
    csrf: [u8; 32],
    sealing: Aes256Gcm,
    pub audit: store::AuditKey,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    for part in parts {
        // Length-prefixed, so that no two different lists of parts hash alike.
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

impl Keys {
    pub fn derive(master: &[u8; 32]) -> Self {
        let sealing = hmac(master, &[b"wayfinder/mail-sealing"]);
        Self {
            hashing: hmac(master, &[b"wayfinder/secret-hashing"]),
            csrf: hmac(master, &[b"wayfinder/csrf"]),
            sealing: Aes256Gcm::new_from_slice(&sealing).expect("32-byte key"),
            audit: store::AuditKey(hmac(master, &[b"wayfinder/audit-chain"])),
        }
    }

    /// The keyed hash under which a secret (code, token, session id) is stored.
    pub fn hash(&self, purpose: &str, parts: &[&str]) -> Vec<u8> {
        let mut all: Vec<&[u8]> = vec![purpose.as_bytes()];
        all.extend(parts.iter().map(|p| p.as_bytes()));
        hmac(&self.hashing, &all).to_vec()
    }

    /// The CSRF token that goes with a session: derived, so it needs no storage.
    pub fn csrf_token(&self, session_token: &str) -> String {
        URL_SAFE_NO_PAD.encode(hmac(&self.csrf, &[session_token.as_bytes()]))
    }

    pub fn csrf_matches(&self, session_token: &str, candidate: &str) -> bool {
        ct_eq(
            self.csrf_token(session_token).as_bytes(),
            candidate.as_bytes(),
        )
    }

    /// Encrypts with AES-256-GCM under a random nonce; the nonce leads the output.
    pub fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        let nonce: [u8; 12] = rand::rng().random();
        let mut out = nonce.to_vec();
        let ciphertext = self
            .sealing
            .encrypt(Nonce::from_slice(&nonce), plaintext)
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        out.extend(ciphertext);
        out
    }

    pub fn open(&self, sealed: &[u8]) -> Option<Vec<u8>> {
        let (nonce, ciphertext) = sealed.split_at_checked(12)?;
        self.sealing
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .ok()
    }
}

/// Compares in constant time.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// 256 random bits, base64url: for magic links, session ids and setup links.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Six random digits, uniformly drawn.
pub fn random_code() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// The master secret: from `WAYFINDER_SECRET_KEY`, or the data directory's `secret.key`, which
/// is generated (mode 0600) on first start.
pub fn load_master(given: Option<&SecretString>, data_dir: &Path) -> anyhow::Result<[u8; 32]> {
    if let Some(given) = given {
        return parse_hex_key(given.expose_secret())
            .context("WAYFINDER_SECRET_KEY must be 64 hex characters");
    }
    let path = data_dir.join("secret.key");
    match std::fs::read_to_string(&path) {
        Ok(text) => parse_hex_key(text.trim())
            .with_context(|| format!("{} must hold 64 hex characters", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir)
                .with_context(|| format!("cannot create {}", data_dir.display()))?;
            let key: [u8; 32] = rand::rng().random();
            write_private(&path, hex::encode(key).as_bytes())?;
            Ok(key)
        }
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn parse_hex_key(text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = hex::decode(text.trim())?;
    match <[u8; 32]>::try_from(bytes) {
        Ok(key) => Ok(key),
        Err(_) => bail!("expected 32 bytes"),
    }
}

fn write_private(path: &Path, content: &[u8]) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(content)?;
    file.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_mail_opens_only_with_the_same_key() {
        let keys = Keys::derive(&[7; 32]);
        let sealed = keys.seal(b"code 123456");
        assert!(!sealed.windows(6).any(|w| w == b"123456"));
        assert_eq!(keys.open(&sealed).as_deref(), Some(&b"code 123456"[..]));
        assert_eq!(Keys::derive(&[8; 32]).open(&sealed), None);
    }

    #[test]
    fn codes_are_six_digits_and_tokens_256_bits() {
        for _ in 0..100 {
            let code = random_code();
            assert_eq!(code.len(), 6);
            assert!(code.chars().all(|c| c.is_ascii_digit()));
        }
        assert_eq!(URL_SAFE_NO_PAD.decode(random_token()).unwrap().len(), 32);
    }
}
