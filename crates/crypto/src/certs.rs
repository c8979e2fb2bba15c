//! Self-signed X.509 certificates for a pool's signing key (GetSigningCertificate: what a SAML
//! identity provider is given to check Cognito's signed requests).

use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, PKCS_RSA_SHA256, SerialNumber};
use rustls_pki_types::PrivatePkcs8KeyDer;

use crate::error::{CryptoError, Result};

/// Ten years, as AWS's user-pool signing certificates are long-lived.
const VALIDITY_SECS: i64 = 10 * 365 * 86_400;

/// A DER certificate for the RSA key `pkcs8_der`, valid from `not_before_epoch` for ten years.
/// Deterministic (fixed serial from the name, PKCS#1 v1.5 signatures): the same inputs give
/// the same bytes, so a pool's certificate is stable without being stored.
pub fn self_signed_certificate(
    pkcs8_der: &[u8],
    common_name: &str,
    not_before_epoch: i64,
) -> Result<Vec<u8>> {
    let der = PrivatePkcs8KeyDer::from(pkcs8_der.to_vec());
    let key_pair = KeyPair::from_pkcs8_der_and_sign_algo(&der, &PKCS_RSA_SHA256)
        .map_err(|e| CryptoError::InvalidKey(e.to_string()))?;
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    params.distinguished_name = name;
    params.not_before = timestamp(not_before_epoch)?;
    params.not_after = timestamp(not_before_epoch + VALIDITY_SECS)?;
    let digest = crate::secrets::sha256_hex(common_name.as_bytes());
    params.serial_number = Some(SerialNumber::from_slice(&digest.as_bytes()[..16]));
    let certificate = params
        .self_signed(&key_pair)
        .map_err(|e| CryptoError::InvalidKey(e.to_string()))?;
    Ok(certificate.der().to_vec())
}

fn timestamp(epoch: i64) -> Result<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp(epoch)
        .map_err(|e| CryptoError::InvalidKey(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::GeneratedKey;

    #[test]
    fn certifies_a_generated_key() {
        let key = GeneratedKey::generate().unwrap();
        let der =
            self_signed_certificate(&key.pkcs8_der, "us-east-1_AbCdEfGhI", 1_800_000_000).unwrap();
        // A DER SEQUENCE, long enough to hold a 2048-bit key and a signature.
        assert_eq!(der[0], 0x30);
        assert!(der.len() > 600);
        let again =
            self_signed_certificate(&key.pkcs8_der, "us-east-1_AbCdEfGhI", 1_800_000_000).unwrap();
        assert_eq!(der, again);
    }
}
