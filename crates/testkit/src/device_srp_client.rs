//! The client side of remembered devices, as amazon-cognito-identity-js does it, written apart
//! from the server: a random device password, the verifier ConfirmDevice registers
//! (x = H(salt ‖ H(groupKey ‖ deviceKey ‖ ":" ‖ password)), v = g^x, both sent base64), and the
//! DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER answers, which are the user SRP math with the
//! group key as the pool name and the device key as the user id (`srp_client::SrpClient`).

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::error::SdkError;
use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::{
    RespondToAuthChallengeError, RespondToAuthChallengeOutput,
};
use aws_sdk_cognitoidentityprovider::types::{ChallengeNameType, DeviceSecretVerifierConfigType};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cognate_domain::Clock as _;
use num_bigint::BigUint;
use rand::RngCore as _;
use sha2::{Digest, Sha256};

use crate::TestApp;
use crate::srp_client::{SrpClient, srp_prime_hex, srp_timestamp};

/// What a client keeps about a device once it is confirmed.
#[derive(Debug, Clone)]
pub struct DeviceSecret {
    pub device_key: String,
    pub group_key: String,
    pub password: String,
    /// The salt as the client hashes it: padded hex.
    salt_hex: String,
}

/// Hex of `n` the way the clients pad it: even length, `00` in front of a high top bit.
fn padded_hex(n: &BigUint) -> String {
    let mut text = n.to_str_radix(16);
    if text.len() % 2 == 1 {
        text.insert(0, '0');
    } else if matches!(text.as_bytes()[0], b'8'..=b'9' | b'a'..=b'f') {
        text.insert_str(0, "00");
    }
    text
}

fn hex_to_bytes(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

impl DeviceSecret {
    /// A new device secret for the key and group key a sign-in's NewDeviceMetadata gave.
    pub fn new(device_key: &str, group_key: &str) -> Self {
        let mut random = [0u8; 40];
        rand::rngs::OsRng.fill_bytes(&mut random);
        let mut salt = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        Self {
            device_key: device_key.to_string(),
            group_key: group_key.to_string(),
            password: STANDARD.encode(random),
            salt_hex: padded_hex(&BigUint::from_bytes_be(&salt)),
        }
    }

    /// The same device believed to hold another password: its proofs are wrong.
    pub fn with_wrong_password(&self) -> Self {
        Self {
            password: format!("{}x", self.password),
            ..self.clone()
        }
    }

    /// DeviceSecretVerifierConfig for ConfirmDevice: salt and verifier, base64 of their bytes.
    pub fn verifier_config(&self) -> DeviceSecretVerifierConfigType {
        let n = BigUint::parse_bytes(srp_prime_hex().as_bytes(), 16).expect("prime");
        let identity = Sha256::digest(
            format!("{}{}:{}", self.group_key, self.device_key, self.password).as_bytes(),
        );
        let mut input = hex_to_bytes(&self.salt_hex);
        input.extend(identity);
        let x = BigUint::from_bytes_be(&Sha256::digest(input));
        let verifier = BigUint::from(2u8).modpow(&x, &n);
        DeviceSecretVerifierConfigType::builder()
            .salt(STANDARD.encode(hex_to_bytes(&self.salt_hex)))
            .password_verifier(STANDARD.encode(hex_to_bytes(&padded_hex(&verifier))))
            .build()
    }
}

/// The DEVICE_PASSWORD_VERIFIER challenge a DEVICE_SRP_AUTH answer got back.
pub struct DeviceChallenge {
    pub client: SrpClient,
    pub parameters: HashMap<String, String>,
    pub session: Option<String>,
}

impl std::fmt::Debug for DeviceChallenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceChallenge")
            .field("parameters", &self.parameters)
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

impl TestApp {
    /// Answers DEVICE_SRP_AUTH (the `session` of that challenge, or none as pycognito does)
    /// with a fresh SRP_A.
    pub async fn device_srp_auth(
        &self,
        client_id: &str,
        username: &str,
        device: &DeviceSecret,
        session: Option<&str>,
    ) -> Result<DeviceChallenge, SdkError<RespondToAuthChallengeError>> {
        let client = SrpClient::with_pool_name(&device.group_key);
        let out = self
            .idp
            .respond_to_auth_challenge()
            .client_id(client_id)
            .challenge_name(ChallengeNameType::DeviceSrpAuth)
            .set_session(session.map(str::to_string))
            .challenge_responses("USERNAME", username)
            .challenge_responses("DEVICE_KEY", &device.device_key)
            .challenge_responses("SRP_A", client.srp_a())
            .send()
            .await?;
        assert_eq!(
            out.challenge_name,
            Some(ChallengeNameType::DevicePasswordVerifier)
        );
        Ok(DeviceChallenge {
            client,
            parameters: out.challenge_parameters.unwrap_or_default(),
            session: out.session,
        })
    }

    /// Answers DEVICE_PASSWORD_VERIFIER with the device's proof, signed at the test clock.
    pub async fn device_verifier_answer(
        &self,
        client_id: &str,
        username: &str,
        device: &DeviceSecret,
        challenge: &DeviceChallenge,
    ) -> Result<RespondToAuthChallengeOutput, SdkError<RespondToAuthChallengeError>> {
        let timestamp = srp_timestamp(self.clock.now().secs());
        // The user SRP signature, with the device key as the user id.
        let mut parameters = challenge.parameters.clone();
        parameters.insert("USER_ID_FOR_SRP".into(), device.device_key.clone());
        let signature = challenge
            .client
            .signature(&device.password, &parameters, &timestamp);
        self.idp
            .respond_to_auth_challenge()
            .client_id(client_id)
            .challenge_name(ChallengeNameType::DevicePasswordVerifier)
            .set_session(challenge.session.clone())
            .challenge_responses("USERNAME", username)
            .challenge_responses("DEVICE_KEY", &device.device_key)
            .challenge_responses(
                "PASSWORD_CLAIM_SECRET_BLOCK",
                &challenge.parameters["SECRET_BLOCK"],
            )
            .challenge_responses("PASSWORD_CLAIM_SIGNATURE", signature)
            .challenge_responses("TIMESTAMP", timestamp)
            .send()
            .await
    }

    /// Both device round trips after the DEVICE_SRP_AUTH challenge's `session`.
    pub async fn device_sign_in(
        &self,
        client_id: &str,
        username: &str,
        device: &DeviceSecret,
        session: Option<&str>,
    ) -> Result<RespondToAuthChallengeOutput, SdkError<RespondToAuthChallengeError>> {
        let challenge = self
            .device_srp_auth(client_id, username, device, session)
            .await?;
        self.device_verifier_answer(client_id, username, device, &challenge)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_config_is_base64_of_padded_bytes() {
        let device = DeviceSecret::new("us-east-1_0f8e", "-abcdefghi");
        let config = device.verifier_config();
        let verifier = STANDARD
            .decode(config.password_verifier().unwrap())
            .unwrap();
        let salt = STANDARD.decode(config.salt().unwrap()).unwrap();
        assert!(verifier.len() >= 380 && verifier.len() <= 385);
        assert!(!salt.is_empty() && salt.len() <= 17);
        // A padded value never starts with a high bit.
        assert!(verifier[0] < 0x80 && salt[0] < 0x80);
    }
}
