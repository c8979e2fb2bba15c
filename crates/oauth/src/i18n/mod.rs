//! The pages' words in the languages AWS's managed login offers (`lang` on `/oauth2/authorize`:
//! de, en, es, fr, id, it, ja, ko, pt-BR, zh-CN, zh-TW), one file per language. Each language
//! is a `Messages` value, so a language missing a message is a build error, not an English
//! word on a German page at run time. An unsupported `lang` gets English, as on AWS.
//!
//! The choice rides in the authorization request's query from page to page, and a cookie keeps
//! it for the next authorization request that names none (`/oauth2/authorize` puts it back into
//! the query).

mod de;
mod en;
mod es;
mod fr;
mod id;
mod it;
mod ja;
mod ko;
mod pt_br;
mod zh_cn;
mod zh_tw;

use cognate_awsjson::ApiError;

/// The cookie that keeps the browser's language.
pub const LANG_COOKIE: &str = "lang";

/// Every message a page shows, in one language. `{name}` marks a value filled in at run time.
#[derive(Debug)]
pub struct Messages {
    /// The language code, as `lang` names it and `<html lang>` takes it.
    pub lang: &'static str,
    // Sign-in.
    pub sign_in: &'static str,
    pub sign_in_hint: &'static str,
    /// A button to an external identity provider (`{name}`: its name).
    pub sign_in_with: &'static str,
    /// Between the providers' buttons and the password form.
    pub or: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub sign_in_button: &'static str,
    pub forgot_password_link: &'static str,
    pub need_account: &'static str,
    pub sign_up_link: &'static str,
    // Choice-based sign-in.
    pub username_hint: &'static str,
    pub next: &'static str,
    pub choose_method: &'static str,
    pub choose_method_hint: &'static str,
    pub factor_password: &'static str,
    pub factor_email_otp: &'static str,
    pub factor_sms_otp: &'static str,
    pub enter_password: &'static str,
    /// `{username}`.
    pub signing_in_as: &'static str,
    pub other_user: &'static str,
    // Challenges.
    pub continue_button: &'static str,
    pub choose_mfa: &'static str,
    pub choose_mfa_hint: &'static str,
    pub mfa_method: &'static str,
    pub change_password: &'static str,
    pub change_password_hint: &'static str,
    pub new_password: &'static str,
    pub mfa_heading: &'static str,
    pub totp_hint: &'static str,
    pub authentication_code: &'static str,
    pub check_phone: &'static str,
    pub sms_hint: &'static str,
    pub check_email: &'static str,
    pub email_hint: &'static str,
    /// `{destination}`.
    pub code_sent_to: &'static str,
    pub code: &'static str,
    pub factor_sms: &'static str,
    pub factor_totp: &'static str,
    pub factor_email: &'static str,
    // MFA set-up.
    pub setup_totp: &'static str,
    pub setup_totp_hint: &'static str,
    pub qr_alt: &'static str,
    pub key: &'static str,
    // Account pages.
    pub sign_up: &'static str,
    pub sign_up_hint: &'static str,
    pub email: &'static str,
    pub sign_up_button: &'static str,
    pub confirm_account: &'static str,
    /// `{destination}`.
    pub confirm_hint_to: &'static str,
    pub confirm_hint: &'static str,
    pub verification_code: &'static str,
    pub confirm_button: &'static str,
    pub forgot_password: &'static str,
    pub forgot_hint: &'static str,
    pub reset_button: &'static str,
    pub reset_password: &'static str,
    /// `{destination}`.
    pub reset_hint_to: &'static str,
    pub reset_hint: &'static str,
    pub change_password_button: &'static str,
    pub back_to_sign_in: &'static str,
    // Notices and errors.
    pub account_ready: &'static str,
    pub account_confirmed: &'static str,
    pub password_was_reset: &'static str,
    pub session_expired: &'static str,
    pub internal_error: &'static str,
    pub incorrect_credentials: &'static str,
    pub attempts_exceeded: &'static str,
    pub code_mismatch: &'static str,
    pub code_expired: &'static str,
    pub user_exists: &'static str,
    pub weak_password: &'static str,
    pub step_unavailable: &'static str,
    pub cannot_sign_in_here: &'static str,
}

const LANGUAGES: [&Messages; 11] = [
    &en::MESSAGES,
    &de::MESSAGES,
    &es::MESSAGES,
    &fr::MESSAGES,
    &id::MESSAGES,
    &it::MESSAGES,
    &ja::MESSAGES,
    &ko::MESSAGES,
    &pt_br::MESSAGES,
    &zh_cn::MESSAGES,
    &zh_tw::MESSAGES,
];

pub const ENGLISH: &Messages = &en::MESSAGES;

/// The language `code` names (AWS's codes, any case), or English.
pub fn messages(code: Option<&str>) -> &'static Messages {
    code.and_then(supported).unwrap_or(ENGLISH)
}

/// The language `code` names, if it is one of AWS's.
pub fn supported(code: &str) -> Option<&'static Messages> {
    LANGUAGES
        .into_iter()
        .find(|m| m.lang.eq_ignore_ascii_case(code))
}

impl Messages {
    /// `message` with each `{name}` replaced by its value.
    pub fn fill(message: &str, values: &[(&str, &str)]) -> String {
        values
            .iter()
            .fold(message.to_string(), |text, (name, value)| {
                text.replace(&format!("{{{name}}}"), value)
            })
    }

    /// A refusal of the sign-in code as this language says it: AWS's English message as it is,
    /// the common ones translated (by their code, or by the one error value they are), anything
    /// else in English.
    pub fn error(&self, error: &ApiError) -> String {
        if error.status.is_server_error() {
            return self.internal_error.to_string();
        }
        if self.lang == ENGLISH.lang {
            return error.message.clone();
        }
        let translated = match error.code.as_ref() {
            "CodeMismatchException" => Some(self.code_mismatch),
            "ExpiredCodeException" => Some(self.code_expired),
            "UsernameExistsException" => Some(self.user_exists),
            "InvalidPasswordException" => Some(self.weak_password),
            _ if *error == cognate_idp::auth::incorrect_credentials() => {
                Some(self.incorrect_credentials)
            }
            _ if *error == cognate_idp::auth::attempts_exceeded() => Some(self.attempts_exceeded),
            _ => None,
        };
        translated.map_or_else(|| error.message.clone(), str::to_string)
    }
}
