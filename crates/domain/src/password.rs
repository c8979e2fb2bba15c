//! The pool's password policy, with AWS's messages.

use crate::pool::PasswordPolicy;

/// Symbols Cognito counts as special characters.
const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

/// `Err(message)` with AWS's `InvalidPasswordException` message when `password` breaks `policy`.
pub fn check(policy: &PasswordPolicy, password: &str) -> Result<(), String> {
    let prefix = "Password did not conform with policy: ";
    if password.chars().count() < policy.minimum_length as usize {
        return Err(format!("{prefix}Password not long enough"));
    }
    if password.chars().count() > 256 {
        return Err(format!("{prefix}Password is too long"));
    }
    if policy.require_lowercase && !password.chars().any(|c| c.is_lowercase()) {
        return Err(format!("{prefix}Password must have lowercase characters"));
    }
    if policy.require_uppercase && !password.chars().any(|c| c.is_uppercase()) {
        return Err(format!("{prefix}Password must have uppercase characters"));
    }
    if policy.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
        return Err(format!("{prefix}Password must have numeric characters"));
    }
    if policy.require_symbols && !password.chars().any(|c| SYMBOLS.contains(c)) {
        return Err(format!("{prefix}Password must have symbol characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_has_its_message() {
        let policy = PasswordPolicy::default();
        assert!(check(&policy, "Acc3ptance!Pw").is_ok());
        assert!(
            check(&policy, "Ab1!")
                .unwrap_err()
                .ends_with("Password not long enough")
        );
        assert!(
            check(&policy, "ACC3PTANCE!PW")
                .unwrap_err()
                .contains("lowercase")
        );
        assert!(
            check(&policy, "acc3ptance!pw")
                .unwrap_err()
                .contains("uppercase")
        );
        assert!(
            check(&policy, "Acceptance!Pw")
                .unwrap_err()
                .contains("numeric")
        );
        assert!(
            check(&policy, "Acc3ptancePw1")
                .unwrap_err()
                .contains("symbol")
        );
    }
}
