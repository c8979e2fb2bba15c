//! Password material: checked against the pool's policy, hashed with argon2id on the blocking
//! pool, and sealed with the server key (with the SRP verifier, when there is one) so that a
//! copy of the database alone allows no guessing.

use cognate_awsjson::ApiError;
use cognate_domain::Timestamp;
use cognate_domain::password;
use cognate_domain::pool::UserPool;
use cognate_domain::user::{PasswordRecord, User};
use cognate_model::idp::ErrorCode;
use serde::{Deserialize, Serialize};

use crate::Idp;
use crate::errors::Result;

/// What the sealed blob holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasswordMaterial {
    /// argon2id PHC string.
    pub phc: String,
    /// SRP salt and verifier (hex), for USER_SRP_AUTH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub srp: Option<SrpVerifier>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SrpVerifier {
    pub salt_hex: String,
    pub verifier_hex: String,
}

fn aad(user: &User) -> Vec<u8> {
    format!("password/{}/{}", user.pool_id, user.sub).into_bytes()
}

pub fn check_policy(pool: &UserPool, candidate: &str) -> Result<()> {
    password::check(&pool.password_policy, candidate)
        .map_err(|message| ErrorCode::InvalidPasswordException.msg(message))
}

impl Idp {
    /// Sets `user`'s password (policy and history checked), `temporary` for admin-set ones.
    /// Does not save the user.
    pub async fn set_password(
        &self,
        pool: &UserPool,
        user: &mut User,
        candidate: &str,
        temporary: bool,
    ) -> Result<()> {
        check_policy(pool, candidate)?;
        self.check_history(pool, user, candidate).await?;
        self.install_password(pool, user, candidate, temporary)
            .await
    }

    /// Sets `user`'s password without the policy and history checks: for a user migrated
    /// with the password of its old directory (AWS does not enforce the policy there).
    pub async fn install_password(
        &self,
        pool: &UserPool,
        user: &mut User,
        candidate: &str,
        temporary: bool,
    ) -> Result<()> {
        let material = self.hash_material(pool, user, candidate).await?;
        let sealed = self.seal_material(user, &material)?;
        if let Some(previous) = user.password.take() {
            let keep = pool.password_policy.password_history_size as usize;
            if keep > 0 {
                user.password_history.insert(0, previous.sealed);
                user.password_history.truncate(keep);
            }
        }
        user.password = Some(PasswordRecord {
            sealed,
            set_at: self.clock.now(),
            temporary,
        });
        Ok(())
    }

    /// Whether `candidate` is the user's password. Users without a password never match, at the
    /// cost of a real verification so timing does not tell.
    pub async fn verify_password(&self, user: &User, candidate: &str) -> Result<bool> {
        let Some(record) = &user.password else {
            self.hasher.dummy_verify(candidate).await;
            return Ok(false);
        };
        let material = self.open_material(user, &record.sealed)?;
        self.hasher
            .verify(candidate, &material.phc)
            .await
            .map_err(hash_failure)
    }

    /// A verification as costly as a real one, for users that do not exist.
    pub async fn dummy_verify(&self, candidate: &str) {
        self.hasher.dummy_verify(candidate).await;
    }

    pub fn password_material(&self, user: &User) -> Result<Option<PasswordMaterial>> {
        user.password
            .as_ref()
            .map(|record| self.open_material(user, &record.sealed))
            .transpose()
    }

    /// Whether a temporary password is past the pool's validity days.
    pub fn temporary_password_expired(&self, pool: &UserPool, user: &User, now: Timestamp) -> bool {
        let Some(record) = &user.password else {
            return false;
        };
        let days = i64::from(pool.password_policy.temporary_password_validity_days);
        record.temporary && days > 0 && now > record.set_at.plus_secs(days * 86_400)
    }

    async fn check_history(&self, pool: &UserPool, user: &User, candidate: &str) -> Result<()> {
        if pool.password_policy.password_history_size == 0 {
            return Ok(());
        }
        let mut previous: Vec<&Vec<u8>> = user.password.iter().map(|p| &p.sealed).collect();
        previous.extend(user.password_history.iter());
        for sealed in previous
            .into_iter()
            .take(pool.password_policy.password_history_size as usize)
        {
            let material = self.open_material(user, sealed)?;
            if self
                .hasher
                .verify(candidate, &material.phc)
                .await
                .map_err(hash_failure)?
            {
                return Err(ErrorCode::PasswordHistoryPolicyViolationException
                    .msg("The password must not match previously used passwords."));
            }
        }
        Ok(())
    }

    fn seal_material(&self, user: &User, material: &PasswordMaterial) -> Result<Vec<u8>> {
        let plain = serde_json::to_vec(material).map_err(|_| ApiError::internal())?;
        Ok(self.seal.seal(&plain, &aad(user)))
    }

    fn open_material(&self, user: &User, sealed: &[u8]) -> Result<PasswordMaterial> {
        let plain = self.seal.open(sealed, &aad(user)).map_err(|error| {
            tracing::error!(%error, pool = %user.pool_id, "password material could not be opened (wrong seal key?)");
            ApiError::internal()
        })?;
        serde_json::from_slice(&plain).map_err(|_| ApiError::internal())
    }

    /// The argon2 hash and the SRP verifier to store for `password`: salt and g^x over
    /// `<poolName><username>:<password>`, the username being what the challenge sends as
    /// USER_ID_FOR_SRP (the stored one; usernames never change). The verifier's 3072-bit
    /// exponentiation runs in the hash's job on the hasher's threads, bounded with the hashes.
    async fn hash_material(
        &self,
        pool: &UserPool,
        user: &User,
        password: &str,
    ) -> Result<PasswordMaterial> {
        let pool_name = crate::auth::srp::pool_name(pool).to_string();
        let user_id = user.username.clone();
        let (phc, (salt_hex, verifier_hex)) = self
            .hasher
            .hash_with(password, move |password| {
                cognate_crypto::srp::new_verifier(&pool_name, &user_id, password)
            })
            .await
            .map_err(hash_failure)?;
        Ok(PasswordMaterial {
            phc,
            srp: Some(SrpVerifier {
                salt_hex,
                verifier_hex,
            }),
        })
    }
}

fn hash_failure(error: cognate_crypto::CryptoError) -> ApiError {
    tracing::error!(%error, "password hashing failed");
    ApiError::internal()
}
