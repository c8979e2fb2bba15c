//! From CSV rows to new users, with the checks AWS documents for import files: the header's
//! columns come from GetCSVHeader, `cognito:username` and `cognito:mfa_enabled` are required,
//! `*_verified` and `cognito:mfa_enabled` are booleans, a verified email or phone needs its
//! value, at least one of the pool's auto-verified attributes is verified, and the user passes
//! the same rules as AdminCreateUser (schema, required attributes, username rules). Imported
//! users have no password and are in RESET_REQUIRED.

use cognate_domain::pool::UserPool;
use cognate_domain::user::{User, UserStatus};

use super::csv::Record;
use super::{MFA_COLUMN, USERNAME_COLUMN, csv_header};
use crate::Idp;
use crate::mfa::UserMfa;
use crate::users::attributes::{Writer, parse_boolean};
use crate::users::create::NewUser;
use crate::users::state::UserState;

/// The header row, checked: the column index of every name.
pub struct Header {
    columns: Vec<String>,
}

impl Header {
    /// Every column must be one of GetCSVHeader's, once; the two `cognito:` columns must be
    /// there. Otherwise the job fails with the returned message.
    pub fn parse(pool: &UserPool, record: &Record) -> Result<Self, String> {
        let known = csv_header(pool);
        let columns: Vec<String> = record.fields.iter().map(|c| c.trim().to_string()).collect();
        for (n, column) in columns.iter().enumerate() {
            if !known.contains(column) {
                return Err(format!(
                    "The CSV header contains an attribute that is not in the user pool: {column}."
                ));
            }
            if columns[..n].contains(column) {
                return Err(format!("The CSV header names {column} twice."));
            }
        }
        for required in [USERNAME_COLUMN, MFA_COLUMN] {
            if !columns.iter().any(|c| c == required) {
                return Err(format!("The CSV header is missing the column {required}."));
            }
        }
        Ok(Self { columns })
    }
}

/// `true`/`false` in any case, as the import accepts them.
fn boolean(column: &str, value: &str) -> Result<bool, String> {
    parse_boolean(value).ok_or_else(|| format!("{column} must be true or false."))
}

impl Idp {
    /// The user a row describes, ready to save, or why the row fails.
    pub fn imported_user(
        &self,
        pool: &UserPool,
        header: &Header,
        record: &Record,
    ) -> Result<User, String> {
        if record.fields.len() != header.columns.len() {
            return Err(format!(
                "The row has {} values for {} columns.",
                record.fields.len(),
                header.columns.len()
            ));
        }
        let mut username = String::new();
        let mut mfa_enabled = false;
        let mut attributes: Vec<(String, String)> = Vec::new();
        for (column, value) in header.columns.iter().zip(&record.fields) {
            match column.as_str() {
                USERNAME_COLUMN => username = value.clone(),
                MFA_COLUMN => mfa_enabled = boolean(column, value)?,
                _ if value.is_empty() => {}
                "email_verified" | "phone_number_verified" => {
                    let verified = boolean(column, value)?;
                    attributes.push((column.clone(), verified.to_string()));
                }
                _ => attributes.push((column.clone(), value.clone())),
            }
        }
        if username.is_empty() {
            return Err(format!("{USERNAME_COLUMN} is required."));
        }
        check_verified(pool, &attributes)?;
        if mfa_enabled && !attributes.iter().any(|(name, _)| name == "phone_number") {
            return Err("phone_number is required when cognito:mfa_enabled is true.".into());
        }
        let mut user = self
            .new_user(
                pool,
                NewUser {
                    username: &username,
                    attributes: &attributes,
                    writer: Writer::Admin,
                    status: UserStatus::ResetRequired,
                },
            )
            .map_err(|error| error.message)?;
        if mfa_enabled {
            enable_sms_mfa(&mut user);
        }
        Ok(user)
    }
}

/// A verified email or phone needs its value; with auto-verified attributes, a user must have
/// at least one of them verified (it is where the password-reset code goes).
fn check_verified(pool: &UserPool, attributes: &[(String, String)]) -> Result<(), String> {
    let get = |name: &str| {
        attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let verified = |name: &str| get(&format!("{name}_verified")) == Some("true");
    for name in ["email", "phone_number"] {
        if verified(name) && get(name).is_none() {
            return Err(format!("{name}_verified is true but {name} is empty."));
        }
    }
    let auto = &pool.auto_verified_attributes;
    if !auto.is_empty() && !auto.iter().any(|name| verified(name)) {
        return Err(format!(
            "At least one auto-verified attribute ({}) must be verified.",
            auto.iter()
                .map(|name| format!("{name}_verified"))
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    Ok(())
}

/// `cognito:mfa_enabled = true`: SMS MFA on, as AWS's import sets it.
fn enable_sms_mfa(user: &mut User) {
    let mut state = UserState::of(user);
    let mut mfa = UserMfa::of(&state);
    mfa.sms_enabled = true;
    mfa.save_into(&mut state);
    state.save_into(user);
}
