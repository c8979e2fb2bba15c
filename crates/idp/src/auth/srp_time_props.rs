//! Property tests of the PASSWORD_VERIFIER TIMESTAMP (`PROPTEST_CASES=N` runs N cases).

use proptest::prelude::*;

use super::*;

/// Epoch seconds of years 0000 to 9999, the four-digit years of the format.
fn four_digit_years() -> std::ops::Range<i64> {
    days_from_civil(0, 1, 1) * 86_400..days_from_civil(10_000, 1, 1) * 86_400
}

proptest! {
    #[test]
    fn any_text_parses_or_not_without_panic(text in any::<String>()) {
        let _ = parse(&text);
    }

    #[test]
    fn near_timestamps_parse_or_not_without_panic(
        text in "[A-Za-z]{3} [A-Za-z]{3} [0-9]{1,3} [0-9:]{5,9} (UTC|GMT|utc|[A-Z]{3}) [0-9]{1,5}",
    ) {
        if let Some(secs) = parse(&text) {
            prop_assert_eq!(parse(&canonical(secs)), Some(secs));
        }
    }

    /// Cognito's rendering of any instant parses back to it.
    #[test]
    fn the_canonical_form_round_trips(secs in four_digit_years()) {
        prop_assert_eq!(parse(&canonical(secs)), Some(secs), "{}", canonical(secs));
    }

    /// A client's variants of one instant (padded day, other case, GMT, extra blanks) parse to
    /// that instant.
    #[test]
    fn client_variants_parse_to_the_same_instant(
        secs in four_digit_years(),
        pad_day in any::<bool>(),
        lower in any::<bool>(),
        gmt in any::<bool>(),
        gap in "[ \t]{1,3}",
    ) {
        let canonical = canonical(secs);
        let mut parts: Vec<String> = canonical.split(' ').map(str::to_string).collect();
        if pad_day && parts[2].len() == 1 {
            parts[2] = format!("0{}", parts[2]);
        }
        if gmt {
            parts[4] = "GMT".into();
        }
        let text = parts.join(&gap);
        let text = if lower { text.to_lowercase() } else { text };
        prop_assert_eq!(parse(&text), Some(secs), "{}", text);
    }
}
