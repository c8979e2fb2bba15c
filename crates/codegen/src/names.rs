//! Rust names for botocore names.

/// Splits `CallbackURLs` into `Callback`, `URLs`; `SMSMfaSettings` into `SMS`, `Mfa`, `Settings`.
/// An acronym followed by a plural `s` stays one word (`URLs`, `ARNs`); `OAuth` is one word.
pub fn words(name: &str) -> Vec<String> {
    let name = name.replace("OAuth", "Oauth");
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !current.is_empty() {
            let prev = chars[i - 1];
            let next = chars.get(i + 1).copied();
            let after = chars.get(i + 2).copied();
            let plural = next == Some('s') && after.is_none_or(|a| !a.is_ascii_lowercase());
            let boundary = prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase()
                    && next.is_some_and(|n| n.is_ascii_lowercase())
                    && !plural);
            if boundary {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

pub fn snake(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

pub fn screaming(name: &str) -> String {
    snake(name).to_ascii_uppercase()
}

const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// A field name: snake case, keywords raw (`r#type`).
pub fn field(member: &str) -> String {
    let name = snake(member);
    let name = if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("m_{name}")
    } else {
        name
    };
    match name.as_str() {
        "self" | "super" | "crate" => format!("{name}_"),
        n if KEYWORDS.contains(&n) => format!("r#{name}"),
        _ => name,
    }
}

/// An enum variant for a wire value: `ALLOW_USER_SRP_AUTH` → `AllowUserSrpAuth`,
/// `phone_number` → `PhoneNumber`, `SignIn` → `SignIn`, `V1_0` → `V1_0`.
pub fn variant(value: &str) -> String {
    let mut out = String::new();
    for part in value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        if out.ends_with(|c: char| c.is_ascii_digit())
            && part.starts_with(|c: char| c.is_ascii_digit())
        {
            out.push('_');
        }
        let mixed = part.chars().any(|c| c.is_ascii_lowercase())
            && part.chars().any(|c| c.is_ascii_uppercase());
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            if mixed {
                out.extend(chars);
            } else {
                out.extend(chars.map(|c| c.to_ascii_lowercase()));
            }
        }
    }
    if out.is_empty() {
        out.push_str("Empty");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if out == "Self" {
        out.push_str("Value");
    }
    out
}

/// Names a generated type must not take: they are used by the generated code itself or would
/// shadow the prelude.
pub const RESERVED_TYPES: &[&str] = &[
    "ErrorCode",
    "Empty",
    "Sensitive",
    "String",
    "Vec",
    "Option",
    "Box",
    "Result",
    "BTreeMap",
    "Default",
    "Self",
    "Value",
    "Ok",
    "Err",
    "Some",
    "None",
    "Serialize",
    "Deserialize",
    "Operation",
    "ApiError",
];

/// A type name for a shape: the shape name with its first letter uppercased.
pub fn type_name(shape: &str) -> String {
    let mut chars = shape.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// The first letter lowercased, as AWS names members in validation messages.
pub fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// A string literal for generated code: raw when that reads better.
pub fn literal(s: &str) -> String {
    if s.contains('\\') && !s.contains('"') && s.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
        format!("r\"{s}\"")
    } else {
        format!("{s:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_cases() {
        let cases = [
            ("CallbackURLs", "callback_urls"),
            ("OpenIdConnectProviderARNs", "open_id_connect_provider_arns"),
            ("CSSVersion", "css_version"),
            ("SMSMfaSettings", "sms_mfa_settings"),
            ("KMSKeyID", "kms_key_id"),
            (
                "AllowedOAuthFlowsUserPoolClient",
                "allowed_oauth_flows_user_pool_client",
            ),
            ("UserMFASettingList", "user_mfa_setting_list"),
            ("ARN", "arn"),
            ("UserPoolId", "user_pool_id"),
            ("reasonCode", "reason_code"),
            ("Base64Encoded", "base64_encoded"),
            ("AWSAccountId", "aws_account_id"),
        ];
        for (from, to) in cases {
            assert_eq!(snake(from), to, "{from}");
        }
        assert_eq!(field("Type"), "r#type");
        assert_eq!(screaming("UserPoolIdType"), "USER_POOL_ID_TYPE");
    }

    #[test]
    fn variants() {
        assert_eq!(variant("ALLOW_USER_SRP_AUTH"), "AllowUserSrpAuth");
        assert_eq!(variant("phone_number"), "PhoneNumber");
        assert_eq!(variant("SignIn"), "SignIn");
        assert_eq!(variant("userNotification"), "UserNotification");
        assert_eq!(variant("V1_0"), "V1_0");
        assert_eq!(variant("custom:my-attr"), "CustomMyAttr");
        assert_eq!(variant("3DES"), "V3des");
        assert_eq!(variant("OFF"), "Off");
    }
}
