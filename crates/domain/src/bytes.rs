//! Byte strings inside stored JSON documents, as base64 text.
//!
//! serde writes `Vec<u8>` as an array of numbers: four times the size of base64 and, on hot
//! paths that read a user per request, the costliest part of decoding the document.

use ::base64::Engine as _;
use ::base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serializer};

/// `#[serde(with = "crate::bytes::base64")]` for `Vec<u8>`.
pub mod base64 {
    use super::*;

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        STANDARD
            .decode(text.as_bytes())
            .map_err(serde::de::Error::custom)
    }
}

/// `#[serde(with = "crate::bytes::base64_list")]` for `Vec<Vec<u8>>`.
pub mod base64_list {
    use serde::ser::SerializeSeq;

    use super::*;

    pub fn serialize<S: Serializer>(items: &[Vec<u8>], serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(items.len()))?;
        for item in items {
            seq.serialize_element(&STANDARD.encode(item))?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<Vec<u8>>, D::Error> {
        let texts = <Vec<std::borrow::Cow<'de, str>>>::deserialize(deserializer)?;
        texts
            .iter()
            .map(|text| STANDARD.decode(text.as_bytes()))
            .collect::<Result<_, _>>()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Doc {
        #[serde(with = "super::base64")]
        one: Vec<u8>,
        #[serde(with = "super::base64_list")]
        many: Vec<Vec<u8>>,
    }

    #[test]
    fn bytes_are_base64_text_and_round_trip() {
        let doc = Doc {
            one: vec![0, 255, 128],
            many: vec![vec![1, 2, 3], vec![]],
        };
        let json = serde_json::to_string(&doc).unwrap();
        assert_eq!(json, r#"{"one":"AP+A","many":["AQID",""]}"#);
        assert_eq!(serde_json::from_str::<Doc>(&json).unwrap(), doc);
        assert!(serde_json::from_str::<Doc>(r#"{"one":"!!","many":[]}"#).is_err());
    }
}
