//! The client side of Cognito's SRP-6a, written for the tests from the clients' description
//! (amazon-cognito-identity-js / pycognito), independently of the server's code: if both sides
//! agree, the math is Cognito's and not merely self-consistent.

use aws_sdk_cognitoidentityprovider::error::SdkError;
use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::{
    RespondToAuthChallengeError, RespondToAuthChallengeOutput,
};
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cognate_domain::Clock as _;
use hmac::{Hmac, Mac};
use num_bigint::BigUint;
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

use crate::TestApp;

/// RFC 5054's 3072-bit prime, as the Cognito clients embed it.
const PRIME: &str = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

/// The prime N, as the tests may need it (e.g. to send SRP_A = N).
pub fn srp_prime_hex() -> &'static str {
    PRIME
}

/// Hex of a number the way the clients hash it: even length, and a `00` byte in front when
/// the top bit would read as a sign.
fn padded_hex(n: &BigUint) -> String {
    let mut text = n.to_str_radix(16);
    if text.len() % 2 == 1 {
        text.insert(0, '0');
    } else if matches!(text.as_bytes()[0], b'8'..=b'9' | b'a'..=b'f') {
        text.insert_str(0, "00");
    }
    text
}

/// SHA-256 over the bytes a hex string spells, as a number.
fn hash_of_hex(text: &str) -> BigUint {
    let bytes = (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect::<Vec<u8>>();
    BigUint::from_bytes_be(&Sha256::digest(bytes))
}

fn mac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    for part in parts {
        m.update(part);
    }
    m.finalize().into_bytes().to_vec()
}

/// One sign-in's client state: the random a and A = g^a.
pub struct SrpClient {
    pool_name: String,
    n: BigUint,
    small_a: BigUint,
    big_a: BigUint,
}

impl SrpClient {
    pub fn new(pool_id: &str) -> Self {
        Self::with_pool_name(pool_id.split('_').nth(1).unwrap_or(pool_id))
    }

    /// A client whose "pool name" is given as is: device SRP signs with the device group key.
    pub fn with_pool_name(pool_name: &str) -> Self {
        let n = BigUint::parse_bytes(PRIME.as_bytes(), 16).expect("prime");
        let mut random = [0u8; 128];
        rand::rngs::OsRng.fill_bytes(&mut random);
        let small_a = BigUint::from_bytes_be(&random) % &n;
        let big_a = BigUint::from(2u8).modpow(&small_a, &n);
        Self {
            pool_name: pool_name.to_string(),
            n,
            small_a,
            big_a,
        }
    }

    /// SRP_A as amazon-cognito-identity-js sends it: unpadded lowercase hex.
    pub fn srp_a(&self) -> String {
        self.big_a.to_str_radix(16)
    }

    /// PASSWORD_CLAIM_SIGNATURE (base64) for the challenge parameters and `timestamp`.
    pub fn signature(
        &self,
        password: &str,
        challenge: &HashMap<String, String>,
        timestamp: &str,
    ) -> String {
        let user_id = &challenge["USER_ID_FOR_SRP"];
        let big_b = BigUint::parse_bytes(challenge["SRP_B"].as_bytes(), 16).expect("SRP_B");
        let salt = BigUint::parse_bytes(challenge["SALT"].as_bytes(), 16).expect("SALT");
        let g = BigUint::from(2u8);
        let k = hash_of_hex(&format!("{}{}", padded_hex(&self.n), padded_hex(&g)));
        let u = hash_of_hex(&format!(
            "{}{}",
            padded_hex(&self.big_a),
            padded_hex(&big_b)
        ));
        let identity = hex_string(&Sha256::digest(
            format!("{}{user_id}:{password}", self.pool_name).as_bytes(),
        ));
        let x = hash_of_hex(&format!("{}{identity}", padded_hex(&salt)));
        // S = (B - k·g^x)^(a + u·x) mod N, kept non-negative.
        let kgx = (&k * g.modpow(&x, &self.n)) % &self.n;
        let base = ((&big_b % &self.n) + &self.n - kgx) % &self.n;
        let shared = base.modpow(&(&self.small_a + &u * &x), &self.n);
        let ikm = hex_bytes(&padded_hex(&shared));
        let salt_bytes = hex_bytes(&padded_hex(&u));
        let prk = mac(&salt_bytes, &[&ikm]);
        let key = mac(&prk, &[b"Caldera Derived Key", &[1u8]]);
        let block = STANDARD
            .decode(&challenge["SECRET_BLOCK"])
            .expect("SECRET_BLOCK is base64");
        let signature = mac(
            &key[..16],
            &[
                self.pool_name.as_bytes(),
                user_id.as_bytes(),
                &block,
                timestamp.as_bytes(),
            ],
        );
        STANDARD.encode(signature)
    }
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_bytes(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

/// `EEE MMM d HH:mm:ss UTC yyyy` for epoch seconds, by counting days forward from 1970.
pub fn srp_timestamp(epoch_secs: i64) -> String {
    const WEEK: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut days = epoch_secs / 86_400;
    let secs = epoch_secs % 86_400;
    let weekday = WEEK[(days % 7) as usize];
    let mut year = 1970;
    loop {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let length = if leap { 366 } else { 365 };
        if days < length {
            break;
        }
        days -= length;
        year += 1;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let lengths = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let mut month = 0;
    while days >= lengths[month] {
        days -= lengths[month];
        month += 1;
    }
    format!(
        "{weekday} {} {} {:02}:{:02}:{:02} UTC {year}",
        MONTHS[month],
        days + 1,
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The PASSWORD_VERIFIER challenge an InitiateAuth USER_SRP_AUTH handed out.
pub struct SrpChallenge {
    pub client: SrpClient,
    pub parameters: HashMap<String, String>,
    pub session: Option<String>,
}

impl TestApp {
    /// InitiateAuth USER_SRP_AUTH for `username`; panics unless it answers PASSWORD_VERIFIER.
    pub async fn srp_challenge(
        &self,
        pool_id: &str,
        client_id: &str,
        username: &str,
    ) -> SrpChallenge {
        let client = SrpClient::new(pool_id);
        let out = self
            .idp
            .initiate_auth()
            .client_id(client_id)
            .auth_flow(AuthFlowType::UserSrpAuth)
            .auth_parameters("USERNAME", username)
            .auth_parameters("SRP_A", client.srp_a())
            .send()
            .await
            .expect("InitiateAuth USER_SRP_AUTH");
        assert_eq!(
            out.challenge_name,
            Some(ChallengeNameType::PasswordVerifier)
        );
        SrpChallenge {
            client,
            parameters: out.challenge_parameters.unwrap_or_default(),
            session: out.session,
        }
    }

    /// Answers `challenge` with `password`, signed at the server's (test) clock.
    pub async fn srp_answer(
        &self,
        client_id: &str,
        challenge: &SrpChallenge,
        password: &str,
    ) -> Result<RespondToAuthChallengeOutput, SdkError<RespondToAuthChallengeError>> {
        let timestamp = srp_timestamp(self.clock.now().secs());
        self.srp_answer_at(client_id, challenge, password, &timestamp)
            .await
    }

    /// Like `srp_answer`, with the TIMESTAMP given.
    pub async fn srp_answer_at(
        &self,
        client_id: &str,
        challenge: &SrpChallenge,
        password: &str,
        timestamp: &str,
    ) -> Result<RespondToAuthChallengeOutput, SdkError<RespondToAuthChallengeError>> {
        let parameters = &challenge.parameters;
        let signature = challenge.client.signature(password, parameters, timestamp);
        self.idp
            .respond_to_auth_challenge()
            .client_id(client_id)
            .challenge_name(ChallengeNameType::PasswordVerifier)
            .set_session(challenge.session.clone())
            .challenge_responses("USERNAME", &parameters["USER_ID_FOR_SRP"])
            .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &parameters["SECRET_BLOCK"])
            .challenge_responses("PASSWORD_CLAIM_SIGNATURE", signature)
            .challenge_responses("TIMESTAMP", timestamp)
            .send()
            .await
    }

    /// Both round trips of USER_SRP_AUTH.
    pub async fn srp_sign_in(
        &self,
        pool_id: &str,
        client_id: &str,
        username: &str,
        password: &str,
    ) -> Result<RespondToAuthChallengeOutput, SdkError<RespondToAuthChallengeError>> {
        let challenge = self.srp_challenge(pool_id, client_id, username).await;
        self.srp_answer(client_id, &challenge, password).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_an_unpadded_day() {
        assert_eq!(srp_timestamp(0), "Thu Jan 1 00:00:00 UTC 1970");
        assert_eq!(srp_timestamp(1_796_173_502), "Wed Dec 2 01:05:02 UTC 2026");
    }

    #[test]
    fn padding_follows_the_clients() {
        assert_eq!(padded_hex(&BigUint::from(0x14u8)), "14");
        assert_eq!(padded_hex(&BigUint::from(0xecu8)), "00ec");
        assert_eq!(padded_hex(&BigUint::from(0x2u8)), "02");
    }
}
